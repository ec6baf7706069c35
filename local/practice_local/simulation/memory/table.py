"""The in-memory table the memory stores share: a learner's records by kind, one request at a
time, as DynamoDB applies each request (and transaction) atomically."""

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import wraps
from typing import Any

from practice.domain.content import Course
from practice.domain.learner import CardState, LearnerRecord, LedgerDay, Profile, Session
from practice.domain.phrasebook import SyncEntry, card_change
from practice.domain.quotas import QuotaWindow
from practice.domain.reminders import Device
from practice.errors import AccountDeleting, ConcurrentUpdate


class MemoryTable:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.profiles: dict[str, Profile] = {}
        self.sessions: dict[tuple[str, str], Session] = {}
        self.cards: dict[tuple[str, str], CardState] = {}  # by learner and card_name
        self.retired: set[tuple[str, str]] = set()  # cards out of the due index
        self.days: dict[tuple[str, date], LedgerDay] = {}
        # cards due per learner day, by learner and course (domain/workload.py)
        self.due_days: dict[tuple[str, str], dict[date, int]] = {}
        # the phrasebook's sync log, by learner and course, oldest entry first (domain/phrasebook.py)
        self.sync_log: dict[tuple[str, str], list[SyncEntry]] = {}
        self.registered_devices: dict[tuple[str, str], Device] = {}  # by learner and device id
        self.courses: dict[str, Course] = {}
        self.tombstones: dict[str, datetime] = {}  # learners being erased, since when
        self.erasure_requests: dict[str, int] = {}  # DELETE /profile calls per tombstone
        self.quotas: dict[tuple[str, str, str], int] = {}  # by learner, quota and window: used
        self.writes = 0  # successful write requests, to tell "refused" from "written"

    def check_not_deleting(self, user_id: str) -> None:
        if user_id in self.tombstones:
            raise AccountDeleting("this account is being deleted")

    def check_profile(self, profile: Profile) -> None:
        """The profile is still at the version `profile` was read at."""
        if profile.user_id in self.tombstones:  # the tombstone moved the version on
            raise ConcurrentUpdate("the profile changed during the request; retry it")
        current = self.profiles.get(profile.user_id)
        if (current.version if current else 0) != profile.version:
            raise ConcurrentUpdate("the profile changed during the request; retry it")

    def spend(self, user_id: str, quota: QuotaWindow, now: datetime) -> None:
        """As the conditional ADD on the quota's counter does."""
        counter = (user_id, quota.name, quota.window)
        if self.quotas.get(counter, 0) >= quota.limit:
            raise quota.refusal(now)
        self.quotas[counter] = self.quotas.get(counter, 0) + 1

    def add_due(
        self, user_id: str, course_id: str, added: Mapping[date, int], emptied: Iterable[date] = ()
    ) -> None:
        """As DynamoDB's ADD and REMOVE on the counts item do."""
        counts = self.due_days.setdefault((user_id, course_id), {})
        for day, delta in added.items():
            counts[day] = counts.get(day, 0) + delta
        for day in emptied:
            counts.pop(day, None)

    def store_profile(self, profile: Profile) -> None:
        self.profiles[profile.user_id] = profile.model_copy(update={"version": profile.version + 1})

    def log_card_change(
        self, profile: Profile, course_id: str, *, changed: Iterable[str] = (), retired: Iterable[str] = ()
    ) -> None:
        """Store the profile with the course's sync log one entry longer, and that entry."""
        logged, entry = card_change(profile, course_id, changed=changed, retired=retired)
        self.store_profile(logged)
        self.sync_log.setdefault((profile.user_id, course_id), []).append(entry)

    def records_by_key(self, user_id: str) -> list[tuple[str, LearnerRecord]]:
        """The learner's records under the sort keys DynamoDB would hold them by, in its order."""
        records: list[tuple[str, LearnerRecord]] = []
        records += [(f"CARD#{name}", card) for (uid, name), card in self.cards.items() if uid == user_id]
        records += [(f"DAY#{on.isoformat()}", day) for (uid, on), day in self.days.items() if uid == user_id]
        records += [(f"SESSION#{sid}", s) for (uid, sid), s in self.sessions.items() if uid == user_id]
        records += [
            (f"DEVICE#{did}", d) for (uid, did), d in self.registered_devices.items() if uid == user_id
        ]
        return sorted(records, key=lambda pair: pair[0])

    def item_keys(self, user_id: str) -> list[str]:
        """The sort keys of every item of the learner but the profile, in DynamoDB's order: the
        records, what is derived from them (the cards due per day of each course, the sync log)
        and the quota counters."""
        counts = [f"DUE#{course}" for uid, course in self.due_days if uid == user_id]
        log = [
            f"SYNC#{course}#{entry.number:010d}"
            for (uid, course), entries in self.sync_log.items()
            if uid == user_id
            for entry in entries
        ]
        quotas = [f"QUOTA#{name}#{window}" for uid, name, window in self.quotas if uid == user_id]
        return sorted([key for key, _ in self.records_by_key(user_id)] + counts + log + quotas)


def card_name(course_id: str, phrase_id: str) -> str:
    """A card's name among the learner's cards, as its sort key ends (dynamodb/keys.py)."""
    return f"{course_id}#{phrase_id}"


def atomic[F: Callable[..., Any]](method: F) -> F:
    """One request at a time, on the store's table."""

    @wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self.table.lock:
            return method(self, *args, **kwargs)

    return locked  # type: ignore[return-value]


class OnTable:
    """A memory store: on a table, with the profile read every feature's store has."""

    def __init__(self, table: MemoryTable) -> None:
        self.table = table

    @atomic
    def get_profile(self, user_id: str) -> Profile | None:
        self.table.check_not_deleting(user_id)
        return self.table.profiles.get(user_id)
