"""The learner's progress from the day ledger: a range of learner days with zeros where nothing
happened, its totals and the learner's true retention. Pure: the repository reads the days, and
a stats request costs the days in its range, never the reviews behind them."""

from dataclasses import dataclass
from datetime import date, timedelta

from practice.domain.learner import LedgerDay
from practice.domain.limits import STATS_DEFAULT_DAYS, STATS_MAX_DAYS
from practice.errors import InvalidDateRange


def check_range(first: date, last: date) -> None:
    if first > last:
        raise InvalidDateRange(f"from ({first}) is after to ({last})")
    if (last - first).days + 1 > STATS_MAX_DAYS:
        raise InvalidDateRange(f"at most {STATS_MAX_DAYS} days at once; {first} to {last} is more")


def stats_range(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """The days a stats request covers: `to` defaults to the learner's today, `from` to the
    STATS_DEFAULT_DAYS days ending at `to`."""
    last = last or today
    first = first or date.fromordinal(max(1, last.toordinal() - (STATS_DEFAULT_DAYS - 1)))
    check_range(first, last)
    return first, last


@dataclass(frozen=True, slots=True)
class LedgerTotals:
    xp: int
    sessions: int
    reviews: int
    again: int
    new_phrases: int
    seconds: int
    days_practised: int
    goal_met_days: int
    frozen_days: int


@dataclass(frozen=True, slots=True)
class Ledger:
    days: tuple[LedgerDay, ...]  # every day of the range, in order

    @classmethod
    def of_range(cls, first: date, last: date, stored: list[LedgerDay]) -> "Ledger":
        by_day = {day.day: day for day in stored}
        span = range((last - first).days + 1)
        days = (first + timedelta(days=n) for n in span)
        return cls(tuple(by_day.get(day) or LedgerDay(day=day) for day in days))

    @property
    def totals(self) -> LedgerTotals:
        days = self.days
        return LedgerTotals(
            xp=sum(day.xp for day in days),
            sessions=sum(day.sessions for day in days),
            reviews=sum(day.reviews for day in days),
            again=sum(day.again for day in days),
            new_phrases=sum(day.new_phrases for day in days),
            seconds=sum(day.seconds for day in days),
            days_practised=sum(1 for day in days if day.sessions),
            goal_met_days=sum(1 for day in days if day.goal_met),
            frozen_days=sum(1 for day in days if day.frozen),
        )

    @property
    def retention(self) -> float | None:
        """True retention, as Anki defines it: the share of reviews of learned phrases (cards in
        the Review state) not rated again; None without any such review."""
        learned = sum(day.learned_reviews for day in self.days)
        if not learned:
            return None
        return 1 - sum(day.learned_again for day in self.days) / learned
