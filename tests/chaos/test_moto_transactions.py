"""The emulator's cheap transaction backups roll a cancelled transaction back as DynamoDB does:
an ADD that an Update made in place is undone with the rest (the chaos run depends on it)."""

import pytest
from moto import mock_aws

from practice.runtime.clients import dynamodb_client
from practice_local.cloud.moto_transactions import cheap_transaction_backups
from practice_local.cloud.template import create_tables
from tests.conftest import TABLE_NAMES

TABLE = TABLE_NAMES["PracticeTable"]


def key(sk: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": "USER#ana"}, "sk": {"S": sk}}


@pytest.mark.parametrize("cheap", [True, False], ids=["cheap backups", "moto's own"])
def test_a_cancelled_transaction_leaves_no_add_behind(cheap):
    with mock_aws():
        client = dynamodb_client()
        create_tables(client, TABLE_NAMES)
        client.put_item(
            TableName=TABLE, Item=key("DAY#2026-12-01") | {"xp": {"N": "10"}, "tags": {"SS": ["a"]}}
        )
        client.put_item(TableName=TABLE, Item=key("SESSION#1") | {"status": {"S": "completed"}})
        add = {
            "Update": {
                "TableName": TABLE,
                "Key": key("DAY#2026-12-01"),
                "UpdateExpression": "ADD xp :n, tags :t",
                "ExpressionAttributeValues": {":n": {"N": "5"}, ":t": {"SS": ["b"]}},
            }
        }
        new = {
            "Put": {
                "TableName": TABLE,
                "Item": key("CARD#x"),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        closed = {
            "Put": {
                "TableName": TABLE,
                "Item": key("SESSION#1") | {"status": {"S": "open"}},
                "ConditionExpression": "#s = :open",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":open": {"S": "open"}},
            }
        }

        # When a transaction that adds to a day, writes a card, and fails on the session is sent
        with cheap_transaction_backups() if cheap else mock_aws():
            with pytest.raises(client.exceptions.TransactionCanceledException):
                client.transact_write_items(TransactItems=[add, new, closed])
            day = client.get_item(TableName=TABLE, Key=key("DAY#2026-12-01"))["Item"]

            # Then nothing of it stays: the day as it was, no card
            assert (day["xp"], sorted(day["tags"]["SS"])) == ({"N": "10"}, ["a"])
            assert "Item" not in client.get_item(TableName=TABLE, Key=key("CARD#x"))

            # And a transaction that succeeds still applies whole
            client.transact_write_items(TransactItems=[add, new])
            assert client.get_item(TableName=TABLE, Key=key("DAY#2026-12-01"))["Item"]["xp"] == {"N": "15"}
