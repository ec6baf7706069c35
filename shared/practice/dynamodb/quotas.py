"""Quota counters (practice/domain/quotas.py) in the learner's partition: one item per quota and
window, ADDed to only while under the limit, deleted by TTL a day after the window."""

from datetime import datetime
from typing import Any

from practice.domain.quotas import QuotaWindow
from practice.dynamodb.keys import key, quota_sk, user_pk
from practice.dynamodb.table import Table


def count_against(table_name: str, user_id: str, quota: QuotaWindow) -> dict[str, Any]:
    """The Update that counts one request against `quota`; its condition fails once it is used up.
    For a transaction's TransactItems, or alone as an update_item."""
    return {
        "TableName": table_name,
        "Key": key(user_pk(user_id), quota_sk(quota.name, quota.window)),
        "UpdateExpression": "ADD used :one SET entity = :entity, #ttl = :ttl",
        "ConditionExpression": "attribute_not_exists(used) OR used < :limit",
        "ExpressionAttributeNames": {"#ttl": "ttl"},
        "ExpressionAttributeValues": {
            ":one": {"N": "1"},
            ":limit": {"N": str(quota.limit)},
            ":entity": {"S": "quota"},
            ":ttl": {"N": str(quota.expires_at)},
        },
    }


def spend(table: Table, user_id: str, quota: QuotaWindow, now: datetime) -> None:
    """Count one request against `quota` on its own (one UpdateItem); QuotaExceeded when it is used up."""
    request = count_against(table.name, user_id, quota)
    del request["TableName"]
    table.update_unless(request, quota.refusal(now))
