"""The account feature's memory stores: the export and the tombstone, and the erasure."""

import json
from collections.abc import Sequence
from datetime import date, datetime

from practice.domain.learner import LearnerRecord
from practice.domain.limits import ITEMS_PER_QUERY
from practice.domain.quotas import QuotaWindow
from practice.dynamodb.account import ERASURE_SWEEP_SECONDS
from practice.errors import QuotaExceeded
from practice_local.simulation.memory.table import MemoryTable, OnTable, atomic


class MemoryAccountStore(OnTable):
    @atomic
    def export_records(
        self, user_id: str, after: str | None, max_bytes: int
    ) -> tuple[list[LearnerRecord], str | None]:
        records = [pair for pair in self.table.records_by_key(user_id) if after is None or pair[0] > after]
        page, size = [], 0
        for position, (key, record) in enumerate(records[:ITEMS_PER_QUERY], start=1):
            page.append(record)
            size += len(json.dumps(record.model_dump(mode="json"), separators=(",", ":")))
            if size >= max_bytes and position < len(records):
                return page, key
        return page, records[ITEMS_PER_QUERY - 1][0] if len(records) > ITEMS_PER_QUERY else None

    @atomic
    def mark_deleting(self, user_id: str, at: datetime, *, max_requests: int) -> None:
        requests = self.table.erasure_requests.get(user_id, 0) if user_id in self.table.tombstones else 0
        if requests >= max_requests:
            raise QuotaExceeded("this account is being deleted", retry_after=ERASURE_SWEEP_SECONDS)
        self.table.erasure_requests[user_id] = requests + 1
        self.table.tombstones.setdefault(user_id, at)
        if (profile := self.table.profiles.get(user_id)) is not None:  # out of the reminder index
            state = profile.reminder_state.model_copy(update={"next_at": None})
            self.table.profiles[user_id] = profile.model_copy(update={"reminder_state": state})
        self.table.writes += 1

    @atomic
    def count_export(self, user_id: str, quota: QuotaWindow, now: datetime) -> None:
        self.table.spend(user_id, quota, now)


class MemoryErasureStore:
    def __init__(self, table: MemoryTable) -> None:
        self.table = table

    @atomic
    def is_deleting(self, user_id: str) -> bool:
        return user_id in self.table.tombstones

    @atomic
    def erasable_keys(self, user_id: str) -> list[str]:
        return self.table.item_keys(user_id)[:ITEMS_PER_QUERY]

    @atomic
    def push_endpoints(self, user_id: str) -> list[str]:
        devices = [d for (uid, _), d in self.table.registered_devices.items() if uid == user_id]
        return [d.endpoint_arn for d in devices if d.endpoint_arn is not None]

    @atomic
    def delete_items(self, user_id: str, positions: Sequence[str]) -> None:
        table = self.table
        for position in positions:
            kind, _, name = position.partition("#")
            if kind == "SESSION":
                table.sessions.pop((user_id, name), None)
            elif kind == "CARD":
                table.cards.pop((user_id, name), None)
                table.retired.discard((user_id, name))
            elif kind == "DAY":
                table.days.pop((user_id, date.fromisoformat(name)), None)
            elif kind == "DEVICE":
                table.registered_devices.pop((user_id, name), None)
            elif kind == "QUOTA":
                quota, _, window = name.partition("#")
                table.quotas.pop((user_id, quota, window), None)
            elif kind == "DUE":
                table.due_days.pop((user_id, name), None)
            elif kind == "SYNC":
                course, _, number = name.partition("#")
                entries = table.sync_log.get((user_id, course), [])
                table.sync_log[user_id, course] = [e for e in entries if e.number != int(number)]
                if not table.sync_log[user_id, course]:
                    del table.sync_log[user_id, course]
        table.writes += 1

    @atomic
    def tombstones_before(
        self, before: datetime, after: str | None
    ) -> tuple[list[tuple[str, datetime]], str | None]:
        found = sorted((at, user_id) for user_id, at in self.table.tombstones.items() if at < before)
        return [(user_id, at) for at, user_id in found], None

    @atomic
    def remove_tombstone(self, user_id: str) -> None:
        self.table.erasure_requests.pop(user_id, None)
        if self.table.tombstones.pop(user_id, None) is not None:
            self.table.profiles.pop(user_id, None)
            self.table.writes += 1
