"""Persistence behind a small Protocol. `DynamoRepository` (repository/dynamodb.py) is the only
code that knows item shapes and keys; unit tests use an in-memory one (tests/fakes.py)."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from practice.models.content import Course
from practice.models.learner import (
    CardState,
    DueCards,
    LearnerItem,
    LedgerDay,
    PersonalParameters,
    Profile,
    Session,
)

if TYPE_CHECKING:
    from practice.completion import Completion
    from practice.fitting import LoggedReview


class SessionNotOpen(Exception):
    """The session was completed by someone else meanwhile. Internal: the service answers it
    as a retry would; no client ever sees it."""


class PracticeRepository(Protocol):
    """Reads of a learner being erased (their profile is a tombstone) raise AccountDeleting."""

    def get_profile(self, user_id: str) -> Profile | None: ...

    def save_profile(self, profile: Profile) -> None:
        """Store `profile`, conditioned on its version being the one read. Raises ConcurrentUpdate."""
        ...

    def due_cards(
        self, user_id: str, due_before: datetime, *, learning_limit: int, review_limit: int
    ) -> DueCards:
        """The learner's cards due before `due_before`: (re)learning cards oldest due first and
        Review cards most recently due first, each queue at most its limit (0: not read)."""
        ...

    def start_session(
        self, session: Session, profile: Profile, *, store_profile: bool, retired: Sequence[str] = ()
    ) -> None:
        """Store a new session, and `profile` with it when `store_profile` (created or updated), at
        once; take the cards of `retired` phrases out of the due index in the same write. Never
        overwrites a session. Raises ConcurrentUpdate if the profile moved meanwhile (a deletion
        included), stored or not."""
        ...

    def get_session(self, user_id: str, session_id: str) -> Session | None: ...

    def load_for_completion(
        self, user_id: str, session_id: str, phrase_ids: list[str]
    ) -> tuple[Session | None, Profile | None, dict[str, CardState]]:
        """The session, the profile and the cards of `phrase_ids` that exist, in one read."""
        ...

    def complete_session(self, completion: "Completion") -> None:
        """Write the completed session, profile and cards, and add the session to its learner
        day's ledger (marking the days freezes covered), atomically, conditioned on the session
        being open and on the versions read. Raises SessionNotOpen or ConcurrentUpdate."""
        ...

    def list_sessions(self, user_id: str, limit: int, after: str | None) -> tuple[list[Session], str | None]:
        """At most `limit` of the learner's sessions, newest first, from the one after session id
        `after` on; and the id to go on after, None when no more may follow. One bounded read."""
        ...

    def ledger_days(self, user_id: str, first: date, last: date) -> list[LedgerDay]:
        """The learner's ledger items from `first` to `last` (days without one are left out)."""
        ...

    def export_items(
        self, user_id: str, after: str | None, max_bytes: int
    ) -> tuple[list[LearnerItem], str | None]:
        """The learner's items but the profile, in a stable order, from the one after position
        `after` on, about `max_bytes` of them; and the position to go on after (None: done)."""
        ...

    def mark_deleting(self, user_id: str, at: datetime) -> None:
        """Make the profile the learner's tombstone: from now on their reads raise
        AccountDeleting and every write conditioned on what was read fails."""
        ...

    def is_deleting(self, user_id: str) -> bool: ...

    def erasable_keys(self, user_id: str) -> list[str]:
        """Positions of a page of the learner's items left to erase (the tombstone aside)."""
        ...

    def delete_items(self, user_id: str, positions: Sequence[str]) -> None: ...

    def remove_tombstone(self, user_id: str) -> None:
        """Delete the tombstone (the erasure's last step); nothing if it is gone already."""
        ...

    def review_log(self, user_id: str, after: str | None) -> tuple[list["LoggedReview"], str | None]:
        """A page of the reviews logged in the learner's sessions, in session order, from the one
        after position `after` on; and the position to go on after (None: done)."""
        ...

    def save_fit(
        self, user_id: str, read_version: int, checked_at: int, fit: PersonalParameters | None
    ) -> None:
        """Record a fit (adopted: `fit`; else None) checked at `checked_at` reviews on the profile
        read at `read_version`, and clear its fit-due mark. Raises ConcurrentUpdate."""
        ...

    def fit_due_learners(
        self, shard: int, due_before: datetime, after: str | None
    ) -> tuple[list[str], str | None]:
        """A page of the learners of `shard` marked fit-due before `due_before`."""
        ...

    def load_course(self, course_id: str) -> Course | None: ...

    def put_course(self, course: Course) -> None: ...
