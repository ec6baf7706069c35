"""The learner's coming workload: how many cards fall due on each of the next days."""

from datetime import timedelta

from practice.profile.results import ProfileStatus
from practice.profile.service import NewProfiles, visible_profile
from practice.runtime.clock import Clock
from practice.workload.results import Forecast
from practice.workload.store import WorkloadStore


class WorkloadService:
    def __init__(self, store: WorkloadStore, profiles: NewProfiles, clock: Clock) -> None:
        self._store = store
        self._profiles = profiles
        self._clock = clock

    def forecast(self, user_id: str, days: int) -> Forecast:
        """Cards due on each of the `days` learner days from today on in the learner's active
        course, and those overdue. Two reads whatever the history: the profile, then the
        course's cards due per day (one item, as large as the days that hold a card)."""
        stored = visible_profile(self._store, user_id)
        status = ProfileStatus(stored or self._profiles.new(user_id), self._clock())
        course_id, today = status.profile.course_id, status.today
        counts = self._store.due_per_day(user_id, course_id) if stored else {}
        coming = tuple(
            (day, max(0, counts.get(day, 0))) for day in (today + timedelta(days=n) for n in range(days))
        )
        overdue = sum(count for day, count in counts.items() if day < today and count > 0)
        return Forecast(course_id, today, overdue, coming)
