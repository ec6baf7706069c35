"""Domain objects to the progress routes' response bodies."""

from dataclasses import asdict

from practice.domain.learner import LedgerDay
from practice.progress.results import LearnerStats
from practice_api.profile.presenters import today_item
from practice_api.progress.models import DayItem, StatsResponse, TotalsItem


def day_item(day: LedgerDay) -> DayItem:
    return DayItem.model_validate({**day.model_dump(), "goal_met": day.goal_met})  # the same fields


def stats_response(stats: LearnerStats) -> StatsResponse:
    status, ledger = stats.status, stats.ledger
    return StatsResponse(
        from_=ledger.days[0].day,
        to=ledger.days[-1].day,
        days=[day_item(day) for day in ledger.days],
        totals=TotalsItem(**asdict(ledger.totals)),
        retention=ledger.retention,
        streak=status.live_streak,
        best_streak=status.profile.best_streak,
        freezes_available=status.profile.freezes,
        today=today_item(status),
    )
