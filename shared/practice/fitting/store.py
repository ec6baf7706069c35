"""What fitting needs of persistence: the learner's review log, recording a fit, and the learners
marked due (a sparse index, spread over shards so that no index partition takes them all)."""

import zlib
from datetime import date, datetime
from typing import NamedTuple, Protocol

from practice.domain.learner import PersonalParameters
from practice.profile.store import ProfileReader

FIT_DUE_SHARDS = 16


def fit_due_shard(user_id: str) -> int:
    return zlib.crc32(user_id.encode()) % FIT_DUE_SHARDS


class LoggedReview(NamedTuple):
    """One review of the learner's log, as much as a fit needs (rating 1-4: again to easy); the
    card reviewed is its course and phrase (a phrase id may be in two courses). `day`: the learner
    day it was counted in when it happened, in the zone of that day (None: logged before days
    were kept; the fit then counts it in the learner's zone of now)."""

    card: tuple[str, str]
    reviewed_at: datetime
    rating: int
    day: date | None = None


class FitStore(ProfileReader, Protocol):
    def review_log(self, user_id: str, after: str | None) -> tuple[list[LoggedReview], str | None]:
        """A page of the reviews logged in the learner's sessions, in session order, from the one
        after position `after` on; and the position to go on after (None: done)."""
        ...

    def save_fit(
        self, user_id: str, read_version: int, checked_at: int, fit: PersonalParameters | None
    ) -> None:
        """Record a fit (adopted: `fit`; else None) checked at `checked_at` reviews on the profile
        read at `read_version`, and clear its fit-due mark. Raises ConcurrentUpdate."""
        ...

    def fit_due_learners(
        self, shard: int, due_before: datetime, after: str | None
    ) -> tuple[list[str], str | None]:
        """A page of the learners of `shard` marked fit-due before `due_before`."""
        ...
