"""What the sessions feature answers with."""

from dataclasses import dataclass

from practice.domain.content import Course
from practice.domain.learner import Session
from practice.domain.packs import DailyPack


@dataclass(frozen=True, slots=True)
class StartedSession:
    """Today's pack, the session started for it, and the course its phrases come from."""

    pack: DailyPack
    session: Session
    course: Course


@dataclass(frozen=True, slots=True)
class CompletionOutcome:
    session: Session  # completed
    newly_completed: bool  # False when a retry was answered from the stored result

    @property
    def xp_awarded(self) -> int:
        return self.session.xp.total if self.newly_completed else 0


@dataclass(frozen=True, slots=True)
class SessionPage:
    """One page of the learner's sessions, newest first, and the cursor of the next (None: done)."""

    sessions: tuple[Session, ...]
    next_cursor: str | None
