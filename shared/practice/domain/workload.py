"""Spreading the learner's reviews over days: deterministic fuzz, load balancing and easy days.

FSRS gives a review card its ideal interval; scheduling every card exactly there keeps phrases
learned together due together forever, and the daily workload swings. So, as Anki does (its
`fuzz.rs` and, since 24.11, `load_balancer.rs`), the interval becomes a day within a fuzz range
around it: a random one (fuzz), or one weighted towards days with few cards due (balancing), and
away from the weekdays the learner wants light (easy days). Anki's rules, with two changes,
measured in `make bench-srs` (docs/workload.md): the randomness is a hash of the learner, the
phrase and the review, so a retried completion places every card on the same day; and a day the
learner's easy days close is closed to the card whatever its load (easy_day_weights says why).
"""

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from practice.domain.learner_day import learner_day


class DayLoad(StrEnum):
    """How much of an average day's reviews a weekday should carry."""

    NORMAL = "normal"
    REDUCED = "reduced"  # about half
    MINIMUM = "minimum"  # as few as the fuzz range allows


class SpreadMode(StrEnum):
    """How review intervals are spread: not at all (FSRS's own interval), by fuzz alone, or by
    fuzz and load balancing (the default; easy days count in both spreading modes)."""

    OFF = "off"
    FUZZ = "fuzz"
    BALANCE = "balance"


class Weekday(StrEnum):
    """In `date.weekday()` order."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


WEEKDAYS = tuple(Weekday)
EasyDays = Mapping[Weekday, DayLoad]  # weekdays left out are normal

# Intervals longer than this are fuzzed, not balanced (Anki's rule): the need is low that far out
MAX_BALANCED_INTERVAL = 90
_SHARE = {DayLoad.NORMAL: 1.0, DayLoad.REDUCED: 0.5, DayLoad.MINIMUM: 0.0}
# Anki's fuzz: 1 day, plus a share of the days of the interval in each range
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


def fuzz_bounds(interval: int, minimum: int, maximum: int) -> tuple[int, int]:
    """The days an `interval` of whole days may become, within [minimum, maximum]: Anki's ranges
    (intervals under 2.5 days are not fuzzed), and a range of one day widens to two where the
    bounds allow. Anki widens only from 3 days on; here a 2-day interval may become 3 too, which
    the bench measured (docs/workload.md): without it, 2-day reviews (40 % of a learner's reviews
    in their first months) stay as uneven as the answers that made them."""
    minimum = min(minimum, maximum)
    interval = min(max(interval, minimum), maximum)
    delta = 0.0
    if interval >= 2.5:
        delta = 1.0 + sum(
            factor * max(min(float(interval), end) - start, 0.0) for start, end, factor in _FUZZ_RANGES
        )
    lower = min(max(round(interval - delta), minimum), maximum)
    upper = min(max(round(interval + delta), minimum), maximum)
    if upper == lower and 2 <= upper < maximum:
        upper = lower + 1
    return lower, upper


def unit_random(*parts: object) -> float:
    """A number in [0, 1) that only `parts` decide: the same review always draws the same."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest) / 2**64


def choose_interval(
    interval: int,
    *,
    minimum: int,
    maximum: int,
    review_day: date,
    due_per_day: Mapping[date, int],
    easy_days: EasyDays,
    draw: float,
    balance: bool = True,
) -> int:
    """The days until a review card is due: `interval` (FSRS's) moved within its fuzz range,
    to a day picked at random (`draw`, from unit_random) with weights. Balancing weighs a day by
    (1 / cards due)^2 / interval, 1 when nothing is due (Anki's rule); easy days scale each
    weight by the weekday's load. Without balancing, days are equally likely (plain fuzz)."""
    lower, upper = fuzz_bounds(interval, minimum, maximum)
    if lower == upper:
        return lower
    candidates = range(lower, upper + 1)
    days = [review_day + timedelta(days=offset) for offset in candidates]
    if not balance:
        return lower + min(int(draw * len(candidates)), len(candidates) - 1)
    counts = [due_per_day.get(day, 0) for day in days]
    shares = easy_day_weights([WEEKDAYS[day.weekday()] for day in days], counts, easy_days)
    if interval > MAX_BALANCED_INTERVAL or lower > MAX_BALANCED_INTERVAL:
        weights = shares  # far out: fuzz, away from easy days
    else:
        weights = [
            share * (1.0 if count <= 0 else 1.0 / (count * count * offset))
            for offset, count, share in zip(candidates, counts, shares, strict=True)
        ]
    return candidates[_weighted_index(weights, draw)]


def easy_day_weights(weekdays: Sequence[Weekday], counts: Sequence[int], easy_days: EasyDays) -> list[float]:
    """Each candidate day's weight from the learner's easy days: 1 for a day open to the card,
    0 for one closed to it. Normal days are open; minimum days closed; a reduced day open while it
    holds at most half of what the other days in range hold on average (by their share: Anki's
    rule), else closed. When every day in range is closed, its reduced days open again, and when
    it has none, all its days: the card must land somewhere. (Anki weighs a closed day 0.0001
    instead, which loses to a day with many cards due and never applies to an empty day: a
    "minimum" Sunday would fill up.)"""
    loads = [easy_days.get(weekday, DayLoad.NORMAL) for weekday in weekdays]
    if all(load == DayLoad.NORMAL for load in loads):
        return [1.0] * len(loads)
    total = sum(counts)
    shares = sum(_SHARE[load] for load in loads)
    half = _SHARE[DayLoad.REDUCED]
    weights = []
    for load, count in zip(loads, counts, strict=True):
        open_day = load == DayLoad.NORMAL
        if load == DayLoad.REDUCED:
            others = (total - count) / (shares - half) if shares > half else 0.0
            open_day = count / half <= others
        weights.append(1.0 if open_day else 0.0)
    if not any(weights):
        weights = [1.0 if load == DayLoad.REDUCED else 0.0 for load in loads]
    return weights if any(weights) else [1.0] * len(loads)


def _weighted_index(weights: Sequence[float], draw: float) -> int:
    point, running = draw * sum(weights), 0.0
    for index, weight in enumerate(weights):
        running += weight
        if point < running:
            return index
    return len(weights) - 1


@dataclass(slots=True)
class LearnerSpread:
    """One completion's spreading of a learner's cards in one course (scheduling.Spread): each
    review card's day drawn from `seed`, the phrase and the review time, weighed by the cards due
    per learner day, which it keeps up to date as the completion moves cards (`move`), so that
    phrases rated alike in one session spread out, and records as `changes` for the store."""

    seed: str  # the learner and the course
    zone: ZoneInfo
    day_start_hour: int
    due_per_day: dict[date, int]
    easy_days: EasyDays
    mode: SpreadMode = SpreadMode.BALANCE
    maximum_interval: int = 36500  # FSRS's default
    changes: Counter[date] = field(default_factory=Counter)

    def days(self, phrase_id: str, interval: int, minimum: int, reviewed_at: datetime) -> int:
        if self.mode == SpreadMode.OFF:
            return interval
        return choose_interval(
            interval,
            minimum=minimum,
            maximum=self.maximum_interval,
            review_day=self.day_of(reviewed_at),
            due_per_day=self.due_per_day,
            easy_days=self.easy_days,
            draw=unit_random(self.seed, phrase_id, reviewed_at.isoformat()),
            balance=self.mode == SpreadMode.BALANCE,
        )

    def day_of(self, instant: datetime) -> date:
        return learner_day(instant, self.zone, self.day_start_hour)

    def move(self, before: date | None, after: date | None) -> None:
        """A card counted on `before` (None: not counted) is now counted on `after`."""
        for day, delta in ((before, -1), (after, 1)):
            if day is not None:
                self.due_per_day[day] = self.due_per_day.get(day, 0) + delta
                self.changes[day] += delta
