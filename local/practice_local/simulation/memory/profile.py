"""The profile's memory store."""

from practice.domain.learner import Profile
from practice_local.simulation.memory.table import OnTable, atomic


class MemoryProfileStore(OnTable):
    @atomic
    def save_profile(self, profile: Profile) -> None:
        self.table.check_profile(profile)
        self.table.store_profile(profile)
        self.table.writes += 1
