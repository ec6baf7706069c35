"""The account feature's stores: the export's pages and the tombstone (the API's), and the
erasure's pages (the account worker's)."""

import json
from collections.abc import Sequence
from datetime import datetime

from practice.domain.learner import LearnerRecord, utc_iso
from practice.domain.limits import ITEMS_PER_QUERY
from practice.domain.quotas import QuotaWindow
from practice.dynamodb.codec import deserialize_item
from practice.dynamodb.items import expanded, learner_record
from practice.dynamodb.keys import ERASURE_INDEX, ERASURE_PK, PROFILE_SK, device_sk, key, user_pk
from practice.dynamodb.profile import ProfileReads
from practice.dynamodb.quotas import spend
from practice.dynamodb.table import Table
from practice.errors import QuotaExceeded

# The erasure sweep's schedule (template.yaml): a lost erasure is queued again within this
ERASURE_SWEEP_SECONDS = 3600


class DynamoAccountStore(ProfileReads):
    def export_records(
        self, user_id: str, after: str | None, max_bytes: int
    ) -> tuple[list[LearnerRecord], str | None]:
        """The learner's records in key order (the profile aside) from the one after position
        `after` on, until their stored JSON reaches `max_bytes`; and the position to go on
        after, None when no more follow. One query of at most ITEMS_PER_QUERY items."""
        pk = user_pk(user_id)
        items, last_key = self._table.query(
            key(pk, after) if after is not None else None,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
            Limit=ITEMS_PER_QUERY,
        )
        records: list[LearnerRecord] = []
        size = 0
        for position, raw in enumerate(items, start=1):
            item = expanded(deserialize_item(raw))
            if item["sk"] == PROFILE_SK:
                continue
            if (record := learner_record(item)) is None:
                continue
            records.append(record)
            size += len(json.dumps(item, separators=(",", ":")))
            if size >= max_bytes and position < len(items):
                return records, item["sk"]
        return records, last_key["sk"]["S"] if last_key else None

    def mark_deleting(self, user_id: str, at: datetime, *, max_requests: int) -> None:
        """Set the tombstone: the profile gets `deleted_at` (created bare if there was none), a
        place in the erasure index (the sweep's) and a new version, so every write conditioned
        on the version read fails from now on; `erasure_requests` counts the calls."""
        refusal = QuotaExceeded(
            f"this account is being deleted; it was asked {max_requests} times, which is the most "
            "(a lost request is queued again by itself)",
            retry_after=ERASURE_SWEEP_SECONDS,
        )
        request = {
            "Key": key(user_pk(user_id), PROFILE_SK),
            "UpdateExpression": "SET deleted_at = if_not_exists(deleted_at, :at), entity = :entity, "
            "erase_pk = :erase_pk REMOVE remind_pk, remind_at "  # no reminder for one gone
            "ADD version :one, erasure_requests :one",
            "ConditionExpression": "attribute_not_exists(erasure_requests) OR erasure_requests < :max",
            "ExpressionAttributeValues": {
                ":at": {"S": utc_iso(at)},
                ":entity": {"S": "profile"},
                ":erase_pk": {"S": ERASURE_PK},
                ":one": {"N": "1"},
                ":max": {"N": str(max_requests)},
            },
        }
        self._table.update_unless(request, refusal)

    def count_export(self, user_id: str, quota: QuotaWindow, now: datetime) -> None:
        spend(self._table, user_id, quota, now)


class DynamoErasureStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def is_deleting(self, user_id: str) -> bool:
        """Whether the learner's tombstone is there (an erasure to do, or to go on with)."""
        item = self._table.get(user_pk(user_id), PROFILE_SK, projection="deleted_at")
        return item is not None and "deleted_at" in item

    def erasable_keys(self, user_id: str) -> list[str]:
        """Positions of up to ITEMS_PER_QUERY of the learner's items, the tombstone aside: keys
        only, from the first, since the erasure deletes what it read before reading again."""
        items, _ = self._table.query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": user_pk(user_id)}},
            ProjectionExpression="sk",
            ConsistentRead=True,
            Limit=ITEMS_PER_QUERY,
        )
        return [item["sk"]["S"] for item in items if item["sk"]["S"] != PROFILE_SK]

    def push_endpoints(self, user_id: str) -> list[str]:
        """The push endpoints of the learner's devices (at most MAX_DEVICES)."""
        items = self._table.query_all(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": user_pk(user_id)}, ":prefix": {"S": device_sk.prefix}},
            ProjectionExpression="endpoint_arn",
            ConsistentRead=True,
        )
        return [item["endpoint_arn"]["S"] for item in items if "endpoint_arn" in item]

    def delete_items(self, user_id: str, positions: Sequence[str]) -> None:
        failure = "the learner's items could not all be deleted; the erasure goes on at its next attempt"
        self._table.delete_all(user_pk(user_id), positions, failure)

    def tombstones_before(
        self, before: datetime, after: str | None
    ) -> tuple[list[tuple[str, datetime]], str | None]:
        """A page of the learners whose tombstone was set before `before`, oldest first, with when;
        and the position to go on after (None: done). Keys only, from the sparse erasure index."""
        items, last_key = self._table.query(
            json.loads(after) if after is not None else None,
            IndexName=ERASURE_INDEX.name,
            KeyConditionExpression=f"{ERASURE_INDEX.key} = :pk AND {ERASURE_INDEX.at} < :before",
            ExpressionAttributeValues={":pk": {"S": ERASURE_PK}, ":before": {"S": utc_iso(before)}},
            Limit=ITEMS_PER_QUERY,
        )
        found = [
            (user_pk.value_of(item["pk"]["S"]), datetime.fromisoformat(item[ERASURE_INDEX.at]["S"]))
            for item in items
        ]
        return found, json.dumps(last_key, sort_keys=True) if last_key else None

    def remove_tombstone(self, user_id: str) -> None:
        """The erasure's last delete; a tombstone already removed (a second run) is no error."""
        self._table.delete_if(user_pk(user_id), PROFILE_SK, "attribute_exists(deleted_at)")
