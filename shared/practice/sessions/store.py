"""What the sessions feature needs of persistence."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from practice.domain.completion import Completion
from practice.domain.learner import CardState, DueCards, Profile, Session
from practice.domain.quotas import QuotaWindow
from practice.profile.store import ProfileReader


class SessionStore(ProfileReader, Protocol):
    def due_cards(
        self, user_id: str, course_id: str, due_before: datetime, *, learning_limit: int, review_limit: int
    ) -> DueCards:
        """The learner's cards of the course due before `due_before`: (re)learning cards oldest due first and
        Review cards most recently due first, each queue at most its limit (0: not read)."""
        ...

    def start_session(
        self,
        session: Session,
        profile: Profile,
        *,
        store_profile: bool,
        retired: Sequence[str] = (),
        quota: QuotaWindow | None = None,
    ) -> None:
        """Store a new session, and `profile` with it when `store_profile` (created or updated), at
        once; take the cards of `retired` phrases (of the session's course) out of the due index
        and the cards due per day in the same write (which reads those cards first), and count
        the start against `quota`. Never overwrites a session. Raises ConcurrentUpdate if the
        profile moved meanwhile (a deletion included), stored or not; QuotaExceeded (nothing
        written) when the quota is used up."""
        ...

    def get_session(self, user_id: str, session_id: str) -> Session | None:
        """The session; AccountDeleting for a learner being erased, whatever is left of it."""
        ...

    def load_for_completion(
        self, user_id: str, session_id: str, phrase_ids: list[str]
    ) -> tuple[Session | None, Profile | None, dict[str, CardState], dict[date, int]]:
        """The session, the profile, the cards of `phrase_ids` in the session's course that
        exist, and the learner's cards due per day in that course: one read for the session and
        profile, one for the cards and the counts (none for a completed session or no phrases)."""
        ...

    def complete_session(self, completion: Completion) -> None:
        """Write the completed session, profile and cards, add the session to its learner day's
        ledger (marking the days freezes covered) and apply its changes to the cards due per
        day, atomically, conditioned on the session
        being open and on the versions read. Raises SessionNotOpen or ConcurrentUpdate."""
        ...

    def list_sessions(self, user_id: str, limit: int, after: str | None) -> tuple[list[Session], str | None]:
        """At most `limit` of the learner's sessions, newest first, from the one after session id
        `after` on; and the id to go on after, None when no more may follow. One bounded read."""
        ...
