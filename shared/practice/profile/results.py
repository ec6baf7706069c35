"""What the profile feature answers with."""

from dataclasses import dataclass
from datetime import date, datetime

from practice.domain.learner import Profile


@dataclass(frozen=True, slots=True)
class ProfileStatus:
    """The learner's stored profile and where they stand now."""

    profile: Profile
    now: datetime

    @property
    def live_streak(self) -> int:
        """The streak as the learner sees it now: 0 once a day was missed that no freeze covers."""
        return self.profile.live_streak(self.now)

    @property
    def today(self) -> date:
        """The learner's day now."""
        return self.profile.day_at(self.now).day

    @property
    def xp_today(self) -> int:
        return self.profile.xp_on(self.today)

    @property
    def goal_met_today(self) -> bool:
        return self.xp_today >= self.profile.daily_goal_xp
