"""Response bodies of the workload routes."""

from datetime import date

from pydantic import BaseModel, Field


class ForecastDay(BaseModel):
    day: date = Field(description="A learner day, today first.")
    due: int = Field(description="Cards of the active course due that day.")


class ForecastResponse(BaseModel):
    """The caller's coming reviews in their active course: what each learner day will hold if
    nothing changes (reviewing moves cards later; new phrases add to the days after they are
    first seen)."""

    course_id: str
    today: date = Field(description="Today in the learner's own day.")
    overdue: int = Field(description="Cards due before today and not reviewed yet: today's pack offers them.")
    total: int = Field(description="The days' cards added up, overdue ones excluded.")
    days: list[ForecastDay]
