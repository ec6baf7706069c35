"""When a learner's FSRS parameters are due a fit to their own reviews.

Completions count the reviews they log (Profile.reviews_logged). Once enough new ones have come
in since the last fit, the completion marks the profile due (`fit_due_since`, which also puts it
in the sparse fit-due index) and asks the optimizer for a fit (practice/fitting/)."""

from dataclasses import dataclass
from datetime import datetime

from practice.domain.learner import Profile


@dataclass(frozen=True, slots=True)
class FitPolicy:
    """A first fit once `first_at` reviews are logged, then one each `every` reviews more."""

    first_at: int = 400
    every: int = 500

    def next_fit_at(self, profile: Profile) -> int:
        return self.first_at if profile.fit_checked_at == 0 else profile.fit_checked_at + self.every

    def is_due(self, profile: Profile) -> bool:
        return profile.reviews_logged >= self.next_fit_at(profile)

    def mark(self, profile: Profile, now: datetime) -> Profile:
        """`profile` marked due from `now` when it has become due (a mark already set stays)."""
        if profile.fit_due_since is None and self.is_due(profile):
            return profile.model_copy(update={"fit_due_since": now})
        return profile
