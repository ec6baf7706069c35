"""The progress feature's store: the learner's ledger days (DAY#<date> items)."""

from datetime import date

from practice.domain.learner import LedgerDay
from practice.dynamodb.codec import deserialize_item
from practice.dynamodb.items import ledger_day_from_item
from practice.dynamodb.keys import day_sk, user_pk
from practice.dynamodb.profile import ProfileReads


class DynamoProgressStore(ProfileReads):
    def ledger_days(self, user_id: str, first: date, last: date) -> list[LedgerDay]:
        # all pages, though a year of days is ~70 KB of the 1 MB one page may hold
        items = self._table.query_all(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
            ExpressionAttributeValues={
                ":pk": {"S": user_pk(user_id)},
                ":first": {"S": day_sk(first)},
                ":last": {"S": day_sk(last)},
            },
        )
        return [ledger_day_from_item(deserialize_item(item)) for item in items]
