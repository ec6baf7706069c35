"""What the account feature answers with."""

from dataclasses import dataclass

from practice.domain.learner import LearnerRecord
from practice.profile.results import ProfileStatus


@dataclass(frozen=True, slots=True)
class ExportPage:
    """One page of the learner's data: their profile (None if there is none), a page of their
    other records, and the cursor of the next page (None: done)."""

    profile: ProfileStatus | None
    records: tuple[LearnerRecord, ...]
    next_cursor: str | None
