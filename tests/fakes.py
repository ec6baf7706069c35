"""An in-memory PracticeRepository for unit tests: the same conditions as the DynamoDB one
(sessions never overwritten, versioned profile and cards, completion only of an open session,
all-or-nothing writes), on plain dicts. tests/integration/test_learning_loop.py runs the same
scenarios on both, so this fake cannot drift from the real repository unnoticed."""

import json
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Any

from practice.completion import Completion
from practice.content import load_courses
from practice.errors import AccountDeleting, ConcurrentUpdate
from practice.fitting import LoggedReview
from practice.limits import ITEMS_PER_QUERY
from practice.models.content import Course
from practice.models.learner import (
    CardState,
    DueCard,
    DueCards,
    LearnerItem,
    LedgerDay,
    PersonalParameters,
    Profile,
    Session,
)
from practice.repository import SessionNotOpen
from practice.repository.dynamodb import LEDGER_COUNTERS, fit_due_shard
from practice.scheduling import is_learning


def atomic[F: Callable[..., Any]](method: F) -> F:
    """One request at a time, as DynamoDB applies each request (and transaction) atomically."""

    @wraps(method)
    def locked(self: "InMemoryRepository", *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return locked  # type: ignore[return-value]


class InMemoryRepository:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.profiles: dict[str, Profile] = {}
        self.sessions: dict[tuple[str, str], Session] = {}
        self.cards: dict[tuple[str, str], CardState] = {}
        self.retired: set[tuple[str, str]] = set()  # cards out of the due index
        self.days: dict[tuple[str, date], LedgerDay] = {}
        self.courses: dict[str, Course] = {}
        self.tombstones: dict[str, datetime] = {}  # learners being erased, since when
        self.writes = 0  # successful write requests, to tell "refused" from "written"

    @classmethod
    def with_courses(cls, directory: Path) -> "InMemoryRepository":
        repository = cls()
        load_courses(repository, directory)
        return repository

    # -- profile and pack -------------------------------------------------------------------

    @atomic
    def get_profile(self, user_id: str) -> Profile | None:
        self._check_not_deleting(user_id)
        return self.profiles.get(user_id)

    @atomic
    def save_profile(self, profile: Profile) -> None:
        self._check_profile(profile)
        self._store_profile(profile)
        self.writes += 1

    @atomic
    def due_cards(
        self, user_id: str, due_before: datetime, *, learning_limit: int, review_limit: int
    ) -> DueCards:
        due = sorted(
            (card for key, card in self.cards.items()
             if key[0] == user_id and key not in self.retired and card.due < due_before),
            key=lambda card: card.due,
        )  # fmt: skip
        learning = [_due_card(card) for card in due if is_learning(card.state)][:learning_limit]
        reviews = [_due_card(card) for card in reversed(due) if not is_learning(card.state)][:review_limit]
        return DueCards(learning=tuple(learning), reviews=tuple(reviews))

    @atomic
    def start_session(
        self, session: Session, profile: Profile, *, store_profile: bool, retired: Sequence[str] = ()
    ) -> None:
        if (session.user_id, session.session_id) in self.sessions:
            raise ConcurrentUpdate("session id collision; retry the request")
        if any((session.user_id, phrase_id) not in self.cards for phrase_id in retired):
            raise ConcurrentUpdate("a card to retire is gone")
        self._check_profile(profile)
        if store_profile:
            self._store_profile(profile)
        self.sessions[session.user_id, session.session_id] = session
        self.retired.update((session.user_id, phrase_id) for phrase_id in retired)
        self.writes += 1

    @atomic
    def get_session(self, user_id: str, session_id: str) -> Session | None:
        self._check_not_deleting(user_id)
        return self.sessions.get((user_id, session_id))

    # -- completion -------------------------------------------------------------------------

    @atomic
    def load_for_completion(
        self, user_id: str, session_id: str, phrase_ids: list[str]
    ) -> tuple[Session | None, Profile | None, dict[str, CardState]]:
        cards = {pid: self.cards[user_id, pid] for pid in phrase_ids if (user_id, pid) in self.cards}
        return self.get_session(user_id, session_id), self.get_profile(user_id), cards

    @atomic
    def complete_session(self, completion: Completion) -> None:
        session, profile, cards = completion.session, completion.profile, completion.cards
        stored = self.sessions.get((session.user_id, session.session_id))
        if stored is None or not stored.is_open:
            raise SessionNotOpen("the session is no longer open")
        self._check_profile(profile)
        for card in cards:
            current = self.cards.get((profile.user_id, card.phrase_id))
            if (current.version if current else 0) != card.version:
                raise ConcurrentUpdate("the learner's data changed during the request; retry it")
        # every condition held: write all of it, as a transaction does
        self.sessions[session.user_id, session.session_id] = session
        self._store_profile(profile)
        for card in cards:
            self.cards[profile.user_id, card.phrase_id] = card.model_copy(
                update={"version": card.version + 1}
            )
            self.retired.discard((profile.user_id, card.phrase_id))  # a Put puts it back in the index
        if (added := completion.ledger) is not None:
            day = self.days.get((profile.user_id, added.day)) or LedgerDay(day=added.day)
            sums = {name: getattr(day, name) + getattr(added, name) for name in LEDGER_COUNTERS}
            self.days[profile.user_id, added.day] = day.model_copy(update={**sums, "goal_xp": added.goal_xp})
        for frozen in completion.frozen_days:
            day = self.days.get((profile.user_id, frozen)) or LedgerDay(day=frozen)
            self.days[profile.user_id, frozen] = day.model_copy(update={"frozen": True})
        self.writes += 1

    # -- progress ---------------------------------------------------------------------------

    @atomic
    def list_sessions(self, user_id: str, limit: int, after: str | None) -> tuple[list[Session], str | None]:
        newest_first = sorted((sid for uid, sid in self.sessions if uid == user_id), reverse=True)
        ids = [sid for sid in newest_first if after is None or sid < after]
        page = ids[:limit]
        # as DynamoDB does: a full page says "go on after its last", even when nothing follows
        return [self.sessions[user_id, sid] for sid in page], page[-1] if len(page) == limit else None

    @atomic
    def ledger_days(self, user_id: str, first: date, last: date) -> list[LedgerDay]:
        return [day for (uid, on), day in sorted(self.days.items()) if uid == user_id and first <= on <= last]

    # -- the learner's account: export and erasure ---------------------------------------------

    @atomic
    def export_items(
        self, user_id: str, after: str | None, max_bytes: int
    ) -> tuple[list[LearnerItem], str | None]:
        items = [(key, item) for key, item in self._items_by_key(user_id) if after is None or key > after]
        page, size = [], 0
        for position, (key, item) in enumerate(items[:ITEMS_PER_QUERY], start=1):
            page.append(item)
            size += len(json.dumps(item.model_dump(mode="json"), separators=(",", ":")))
            if size >= max_bytes and position < len(items):
                return page, key
        return page, items[ITEMS_PER_QUERY - 1][0] if len(items) > ITEMS_PER_QUERY else None

    @atomic
    def mark_deleting(self, user_id: str, at: datetime) -> None:
        self.tombstones.setdefault(user_id, at)
        self.writes += 1

    @atomic
    def is_deleting(self, user_id: str) -> bool:
        return user_id in self.tombstones

    @atomic
    def erasable_keys(self, user_id: str) -> list[str]:
        return [key for key, _ in self._items_by_key(user_id)][:ITEMS_PER_QUERY]

    @atomic
    def delete_items(self, user_id: str, positions: Sequence[str]) -> None:
        for position in positions:
            kind, _, name = position.partition("#")
            if kind == "SESSION":
                self.sessions.pop((user_id, name), None)
            elif kind == "CARD":
                self.cards.pop((user_id, name), None)
                self.retired.discard((user_id, name))
            elif kind == "DAY":
                self.days.pop((user_id, date.fromisoformat(name)), None)
        self.writes += 1

    @atomic
    def remove_tombstone(self, user_id: str) -> None:
        if self.tombstones.pop(user_id, None) is not None:
            self.profiles.pop(user_id, None)
            self.writes += 1

    def _items_by_key(self, user_id: str) -> list[tuple[str, LearnerItem]]:
        """The learner's items under the sort keys DynamoDB would hold them by, in its order."""
        items: list[tuple[str, LearnerItem]] = []
        items += [(f"CARD#{pid}", card) for (uid, pid), card in self.cards.items() if uid == user_id]
        items += [(f"DAY#{on.isoformat()}", day) for (uid, on), day in self.days.items() if uid == user_id]
        items += [(f"SESSION#{sid}", s) for (uid, sid), s in self.sessions.items() if uid == user_id]
        return sorted(items, key=lambda pair: pair[0])

    # -- fitting the learner's FSRS parameters ---------------------------------------------

    @atomic
    def review_log(self, user_id: str, after: str | None) -> tuple[list[LoggedReview], str | None]:
        """All of it in one page: paging is the DynamoDB repository's, tested against moto."""
        sessions = sorted((sid, s) for (uid, sid), s in self.sessions.items() if uid == user_id)
        reviews = [
            LoggedReview(entry.phrase_id, entry.reviewed_at, RATING_NUMBERS[entry.rating.value])
            for sid, session in sessions
            if after is None or f"SESSION#{sid}" > after
            for entry in session.reviews
        ]
        return reviews, None

    @atomic
    def save_fit(
        self, user_id: str, read_version: int, checked_at: int, fit: PersonalParameters | None
    ) -> None:
        current = self.profiles.get(user_id)
        if current is None or user_id in self.tombstones or current.version != read_version:
            raise ConcurrentUpdate("the profile changed during the fit")
        update: dict[str, object] = {"fit_checked_at": checked_at, "fit_due_since": None}
        if fit is not None:
            update["fsrs"] = fit
        self._store_profile(current.model_copy(update=update))
        self.writes += 1

    @atomic
    def fit_due_learners(
        self, shard: int, due_before: datetime, after: str | None
    ) -> tuple[list[str], str | None]:
        due = sorted(
            (p.fit_due_since, uid)
            for uid, p in self.profiles.items()
            if p.fit_due_since is not None and p.fit_due_since < due_before and fit_due_shard(uid) == shard
        )
        return [uid for _, uid in due], None

    # -- course content ---------------------------------------------------------------------

    def load_course(self, course_id: str) -> Course | None:
        return self.courses.get(course_id)

    def put_course(self, course: Course) -> None:
        self.courses[course.course_id] = course

    # -- plumbing ---------------------------------------------------------------------------

    def _check_not_deleting(self, user_id: str) -> None:
        if user_id in self.tombstones:
            raise AccountDeleting("this account is being deleted")

    def _check_profile(self, profile: Profile) -> None:
        if profile.user_id in self.tombstones:  # the tombstone moved the version on
            raise ConcurrentUpdate("the profile changed during the request; retry it")
        current = self.profiles.get(profile.user_id)
        if (current.version if current else 0) != profile.version:
            raise ConcurrentUpdate("the profile changed during the request; retry it")

    def _store_profile(self, profile: Profile) -> None:
        self.profiles[profile.user_id] = profile.model_copy(update={"version": profile.version + 1})


RATING_NUMBERS = {"again": 1, "hard": 2, "good": 3, "easy": 4}


def _due_card(card: CardState) -> DueCard:
    return DueCard(
        phrase_id=card.phrase_id, due=card.due, stability=card.stability, last_review=card.last_review
    )


class Interleaved:
    """A repository whose calls of chosen methods first let "another request" act: a rival's
    whole request, or a conflict as DynamoDB reports one. Each step runs once, in order, before
    the next call of its method; every other call goes straight to the repository underneath."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self._steps: dict[str, list[Callable[[], object]]] = {}

    def before(self, method: str, *steps: Callable[[], object]) -> "Interleaved":
        self._steps.setdefault(method, []).extend(steps)
        return self

    def pending(self, method: str) -> int:
        return len(self._steps.get(method, []))

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)
        steps = self._steps.get(name)
        if steps is None:
            return method

        def interleaved(*args: Any, **kwargs: Any) -> Any:
            if steps:
                steps.pop(0)()
            return method(*args, **kwargs)

        return interleaved


def conflict() -> None:
    """What a conditional write says when another request wrote first."""
    raise ConcurrentUpdate("another request wrote first")
