"""Response bodies of the progress routes."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from practice_api.profile.models import TodayItem


class DayItem(BaseModel):
    """One learner day of the ledger (zeros where nothing happened)."""

    day: date
    xp: int
    sessions: int
    reviews: int = Field(description="Reviews applied, learning steps included.")
    again: int = Field(description="Of those, rated again.")
    new_phrases: int
    seconds: int = Field(description="Length of the day's sessions, by the server's clock.")
    goal_met: bool
    frozen: bool = Field(description="A streak freeze covered this missed day.")


class TotalsItem(BaseModel):
    """The range's days added up."""

    xp: int
    sessions: int
    reviews: int
    again: int
    new_phrases: int
    seconds: int
    days_practised: int
    goal_met_days: int
    frozen_days: int


class StatsResponse(BaseModel):
    """The caller's ledger over a range of learner days, and where they stand today."""

    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    days: list[DayItem] = Field(description="One row per learner day of the range, oldest first.")
    totals: TotalsItem
    retention: float | None = Field(
        description="Share of reviews of learned phrases (Review-state cards) not rated again; null"
        " without any."
    )
    streak: int
    best_streak: int
    freezes_available: int
    today: TodayItem

    model_config = ConfigDict(populate_by_name=True)
