"""What the workload feature needs of persistence."""

from datetime import date
from typing import Protocol

from practice.profile.store import ProfileReader


class WorkloadStore(ProfileReader, Protocol):
    def due_per_day(self, user_id: str, course_id: str) -> dict[date, int]:
        """The learner's cards of the course due on each learner day (days without any are left
        out), as completions keep them (domain/workload.py). One read of one small item."""
        ...
