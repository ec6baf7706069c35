"""Per-learner quotas: how often one learner may do what costs everyone (a session start, an
export), counted in the table per learner and window, so that one client in a loop meets its
quota while a learner who practises a lot on a real day never does (docs/quotas.md).

A quota is checked by the write it counts: a conditional ADD on a counter item that rides in
the route's own transaction where it has one (a session start), else one UpdateItem (an
export's first page). The counter expires (TTL) a day after its window ends."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from practice.errors import QuotaExceeded

COUNTER_KEPT = timedelta(days=1)  # past its window's end, then DynamoDB's TTL deletes the counter


@dataclass(frozen=True, slots=True)
class QuotaWindow:
    """One learner's allowance of one kind of request in one window of time."""

    name: str  # what is counted: session_starts, exports
    per: str  # the window's kind, as the refusal says it: day, hour
    window: str  # which window: a learner day (2026-12-05) or a UTC hour (2026-12-05T09)
    limit: int
    ends_at: datetime

    @property
    def expires_at(self) -> int:
        """The counter's TTL (epoch seconds)."""
        return int((self.ends_at + COUNTER_KEPT).timestamp())

    def refusal(self, now: datetime) -> QuotaExceeded:
        wait = max(1, math.ceil((self.ends_at - now).total_seconds()))
        return QuotaExceeded(
            f"{self.limit} {self.name.replace('_', ' ')} per {self.per} is the most one learner may make; "
            f"retry in {wait} s",
            retry_after=wait,
        )


def session_starts(day: str, day_ends_at: datetime, limit: int) -> QuotaWindow:
    """Sessions started in one learner day (the day of the learner's zone and start hour)."""
    return QuotaWindow("session_starts", "day", day, limit, day_ends_at)


def exports(now: datetime, limit: int) -> QuotaWindow:
    """Exports begun (first pages) in one UTC hour; the pages after the first are free."""
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return QuotaWindow("exports", "hour", hour.strftime("%Y-%m-%dT%H"), limit, hour + timedelta(hours=1))
