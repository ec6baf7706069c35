"""The learner's stats: their ledger over a range of learner days, and where they stand today."""

from datetime import date

from practice.domain.ledger import Ledger, check_range, stats_range
from practice.profile.results import ProfileStatus
from practice.profile.service import NewProfiles, visible_profile
from practice.progress.results import LearnerStats
from practice.progress.store import ProgressStore
from practice.runtime.clock import Clock


class ProgressService:
    def __init__(self, store: ProgressStore, profiles: NewProfiles, clock: Clock) -> None:
        self._store = store
        self._profiles = profiles
        self._clock = clock

    def stats(self, user_id: str, first: date | None = None, last: date | None = None) -> LearnerStats:
        """The learner's ledger from `first` to `last` (default: the last 30 learner days), and
        where they stand today. Two reads whatever the history: the profile and the range."""
        if first is not None and last is not None:
            check_range(first, last)  # before any I/O
        stored = visible_profile(self._store, user_id)
        status = ProfileStatus(stored or self._profiles.new(user_id), self._clock())
        first, last = stats_range(first, last, status.today)
        days = self._store.ledger_days(user_id, first, last) if stored else []
        return LearnerStats(status, Ledger.of_range(first, last, days))
