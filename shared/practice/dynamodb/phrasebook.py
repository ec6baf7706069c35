"""The phrasebook feature's store: the learner's cards of a course, in pages, and the course's
sync log (SYNC#<course>#<n> items). Every read is strongly consistent: a sync token says "all
before this was seen", which an eventually consistent read could make untrue."""

from collections.abc import Sequence

from practice.domain.learner import CardState
from practice.domain.phrasebook import SyncEntry
from practice.dynamodb.codec import deserialize_item
from practice.dynamodb.items import SYNC_ENTRY_PROJECTION, card_from_item, sync_entry_from_item
from practice.dynamodb.keys import card_key, card_sk, phrase_of_card, sync_sk, user_pk
from practice.dynamodb.profile import ProfileReads

_LAST_ENTRY = 10**10 - 1  # the highest number a sync log entry's key can hold


class DynamoPhrasebookStore(ProfileReads):
    def card_page(
        self, user_id: str, course_id: str, after: str | None, limit: int
    ) -> tuple[list[CardState], str | None]:
        pk = user_pk(user_id)
        start = {"pk": {"S": pk}, "sk": {"S": card_key(course_id, after)}} if after is not None else None
        items, last = self._table.query(
            start,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :course)",
            # retired cards are read (Limit counts them) but not returned: few, after a course edit
            FilterExpression="attribute_not_exists(retired)",
            ExpressionAttributeValues={":pk": {"S": pk}, ":course": {"S": card_sk(f"{course_id}#")}},
            Limit=limit,
            ConsistentRead=True,
        )
        cards = [card_from_item(deserialize_item(item)) for item in items]
        return cards, phrase_of_card(last["sk"]["S"]) if last else None

    def sync_entries(
        self, user_id: str, course_id: str, after: int, limit: int
    ) -> tuple[list[SyncEntry], bool]:
        items, last = self._table.query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
            ExpressionAttributeValues={
                ":pk": {"S": user_pk(user_id)},
                ":first": {"S": sync_sk(course_id, after + 1)},
                ":last": {"S": sync_sk(course_id, _LAST_ENTRY)},
            },
            ProjectionExpression=SYNC_ENTRY_PROJECTION,
            Limit=limit,
            ConsistentRead=True,
        )
        entries = [sync_entry_from_item(deserialize_item(item)) for item in items]
        return entries, last is not None

    def phrase_cards(self, user_id: str, course_id: str, phrase_ids: Sequence[str]) -> list[CardState]:
        found = self._table.batch_get(user_pk(user_id), [card_key(course_id, pid) for pid in phrase_ids])
        return [card_from_item(item) for item in found.values() if not item.get("retired")]
