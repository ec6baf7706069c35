"""Persistence behind a small Protocol. `DynamoRepository` (repository/dynamodb.py) is the only
code that knows item shapes and keys; unit tests use an in-memory one (tests/fakes.py)."""

from datetime import datetime
from typing import Protocol

from practice.models.content import Course
from practice.models.learner import CardState, Profile, Session


class SessionNotOpen(Exception):
    """The session was completed by someone else meanwhile. Internal: the service answers it
    as a retry would; no client ever sees it."""


class PracticeRepository(Protocol):
    def get_profile(self, user_id: str) -> Profile | None: ...

    def save_profile(self, profile: Profile) -> None:
        """Store `profile`, conditioned on its version being the one read. Raises ConcurrentUpdate."""
        ...

    def due_phrase_ids(self, user_id: str, due_before: datetime, limit: int) -> list[str]:
        """Phrase ids of the learner's cards due before `due_before`, oldest due first."""
        ...

    def start_session(self, session: Session, profile: Profile | None) -> None:
        """Store a new session, and `profile` with it when given (created or updated), at once.
        Never overwrites a session. Raises ConcurrentUpdate if the profile moved meanwhile."""
        ...

    def get_session(self, user_id: str, session_id: str) -> Session | None: ...

    def load_for_completion(
        self, user_id: str, session_id: str, phrase_ids: list[str]
    ) -> tuple[Session | None, Profile | None, dict[str, CardState]]:
        """The session, the profile and the cards of `phrase_ids` that exist, in one read."""
        ...

    def complete_session(self, session: Session, profile: Profile, cards: list[CardState]) -> None:
        """Write the completed session, profile and cards atomically, conditioned on the session
        being open and on the versions read. Raises SessionNotOpen or ConcurrentUpdate."""
        ...

    def load_course(self, course_id: str) -> Course | None: ...

    def put_course(self, course: Course) -> None: ...
