"""What the progress feature needs of persistence."""

from datetime import date
from typing import Protocol

from practice.domain.learner import LedgerDay
from practice.profile.store import ProfileReader


class ProgressStore(ProfileReader, Protocol):
    def ledger_days(self, user_id: str, first: date, last: date) -> list[LedgerDay]:
        """The learner's ledger days from `first` to `last` (days without one are left out)."""
        ...
