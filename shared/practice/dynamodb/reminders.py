"""The reminders feature's store: the learner's DEVICE# items, written with the profile that
counts them, and the sparse reminder index the sender reads."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from practice.domain.learner import Profile
from practice.domain.reminders import Device
from practice.dynamodb.codec import serialize_item
from practice.dynamodb.items import device_from_item, device_item, profile_from_item, profile_item
from practice.dynamodb.keys import PROFILE_SK, REMINDER_INDEX, device_sk, key, reminder_pk, user_pk
from practice.dynamodb.profile import DynamoProfileStore, learners_before
from practice.errors import AccountDeleting
from practice.reminders.store import BATCH_GET_MOST


class DynamoReminderStore(DynamoProfileStore):
    def devices(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Device]:
        found: dict[tuple[str, str], Device] = {}
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), BATCH_GET_MOST):
            chunk = [
                (user_pk(user_id), device_sk(device_id))
                for user_id, device_id in keys[start : start + BATCH_GET_MOST]
            ]
            for item in self._table.batch_get_items(chunk):
                found[user_pk.value_of(item["pk"]), device_sk.value_of(item["sk"])] = device_from_item(item)
        return found

    def add_device(self, profile: Profile, device: Device, replaced: Device | None) -> None:
        writes: list[dict[str, Any]] = [
            {"Put": self._table.versioned_put(profile_item(profile), profile.version)},
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": serialize_item(device_item(profile.user_id, device)),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
        if replaced is not None:
            writes.append(self._delete(profile.user_id, replaced.device_id))
        self._table.transact(writes)

    def touch_device(self, user_id: str, device: Device) -> None:
        put = {
            "Item": serialize_item(device_item(user_id, device)),
            "ConditionExpression": "attribute_exists(pk)",
        }
        self._table.write("put_item", put, conflict="the device was removed during the request")

    def remove_device(self, profile: Profile, device_id: str) -> None:
        self._table.transact(
            [
                {"Put": self._table.versioned_put(profile_item(profile), profile.version)},
                self._delete(profile.user_id, device_id),
            ]
        )

    def _delete(self, user_id: str, device_id: str) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self._table.name,
                "Key": key(user_pk(user_id), device_sk(device_id)),
                "ConditionExpression": "attribute_exists(pk)",
            }
        }

    def reminders_due(self, shard: int, before: datetime, after: str | None) -> tuple[list[str], str | None]:
        return learners_before(self._table, REMINDER_INDEX, reminder_pk(shard), before, after)

    def profiles_of(self, user_ids: Sequence[str]) -> list[Profile]:
        items = self._table.batch_get_items([(user_pk(user_id), PROFILE_SK) for user_id in user_ids])
        profiles = []
        for item in items:
            try:
                profiles.append(profile_from_item(item))
            except AccountDeleting:
                continue
        return profiles
