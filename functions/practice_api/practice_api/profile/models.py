"""Request and response bodies of the profile routes. The settings a learner may change are the
domain's one list (practice.domain.learner.LearnerSettings): the PATCH body declares each with its
wire type (strict JSON numbers, the zone keys), and `_same_settings` refuses, at import, a body
whose fields drift from that list."""

from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
    model_validator,
)

from practice.domain.content import COURSE_ID_PATTERN
from practice.domain.learner import LearnerSettings
from practice.domain.limits import (
    DAILY_GOAL_XP_CHOICES,
    DAILY_NEW_LIMIT_MAX,
    DAILY_REVIEW_LIMIT_MAX,
    DAY_START_HOUR_MAX,
    DAY_START_HOUR_MIN,
    DESIRED_RETENTION_MAX,
    DESIRED_RETENTION_MIN,
)
from practice.domain.workload import DayLoad, Weekday
from practice_api.http.fields import Omittable, RequestBody, TimeZoneName, _integral_number, body_schema
from practice_api.reminders.models import RemindersItem, RemindersUpdate

# Integers as JSON means them: 3 or 3.0, never "3" or true. (The bounds come first, so that they
# stay in the spec as minimum and maximum.)
DayStartHour = Annotated[
    int, Field(ge=DAY_START_HOUR_MIN, le=DAY_START_HOUR_MAX), BeforeValidator(_integral_number)
]

DailyNewLimit = Annotated[int, Field(ge=0, le=DAILY_NEW_LIMIT_MAX), BeforeValidator(_integral_number)]

DailyReviewLimit = Annotated[int, Field(ge=0, le=DAILY_REVIEW_LIMIT_MAX), BeforeValidator(_integral_number)]

DesiredRetention = Annotated[float, Field(ge=DESIRED_RETENTION_MIN, le=DESIRED_RETENTION_MAX)]


EasyDays = Annotated[
    dict[Annotated[Weekday, Strict(False)], Annotated[DayLoad, Strict(False)]],
    Field(
        description="Weekdays to keep light, each normal, reduced (about half an average day's reviews)"
        " or minimum (as few as scheduling allows); weekdays left out are normal. Replaces the"
        " learner's whole week: {} makes every day normal again."
    ),
]

CourseId = Annotated[
    str, Field(pattern=COURSE_ID_PATTERN, description="A course of GET /api/v2/practice/courses.")
]


def _goal_choice(value: int) -> int:
    if value not in DAILY_GOAL_XP_CHOICES:
        raise ValueError(f"one of {', '.join(map(str, DAILY_GOAL_XP_CHOICES))}")
    return value


DailyGoalXp = Annotated[
    int,
    BeforeValidator(_integral_number),
    AfterValidator(_goal_choice),
    WithJsonSchema({"type": "integer", "enum": list(DAILY_GOAL_XP_CHOICES), "description": "XP a day."}),
]


class TodayItem(BaseModel):
    """The learner's day so far against their daily goal."""

    day: date = Field(description="Today in the learner's own day.")
    xp: int
    goal_xp: int
    goal_met: bool


class SchedulingItem(BaseModel):
    """How FSRS schedules the learner's reviews: with FSRS's default parameters until a fit to
    the learner's own reviews predicts their latest reviews better (the optimizer tries once 400
    reviews are logged, then every 500 more)."""

    parameters: Literal["default", "personal"]
    reviews_logged: int = Field(description="Reviews applied so far, learning steps included.")
    fsrs_parameters: list[float] | None = Field(
        description="The 21 FSRS-6 parameters fitted; null: defaults."
    )
    fitted_at: datetime | None
    fitted_on_reviews: int | None = Field(description="Reviews in the log the fit learnt from.")
    log_loss_before: float | None = Field(
        description="Log loss on the learner's latest reviews (held out of the fit) with the parameters"
        " used before the fit; lower is better."
    )
    log_loss_after: float | None = Field(description="The same with the fitted parameters.")


class CourseProgressItem(BaseModel):
    """How far the learner has come in one course they started."""

    course_id: str
    phrases_introduced: int = Field(description="Phrases of the course met so far.")


class ProfileResponse(BaseModel):
    """The learner's settings and progress. `streak` is the live streak: 0 once a day was missed
    that the streak freezes held cannot cover."""

    user_id: str
    time_zone: str = Field(description="IANA time zone of the learner's day.")
    day_start_hour: int = Field(description="Local hour at which the learner's day starts.")
    daily_new_limit: int = Field(description="New phrases per learner day at most.")
    daily_review_limit: int = Field(
        description="Reviews of learned phrases per learner day at most (phrases still in their"
        " learning steps come on top)."
    )
    daily_goal_xp: int = Field(description="XP a learner day should earn: 10, 20, 30 or 50.")
    desired_retention: float = Field(
        description="The chance of recall each review is scheduled for (0.70-0.97): higher means"
        " more reviews and less forgetting."
    )
    easy_days: dict[Weekday, DayLoad] = Field(
        description="Each weekday's share of the reviews: normal, reduced or minimum (see PATCH)."
    )
    reminders: RemindersItem
    course_id: str = Field(description="The active course: the next pack comes from it.")
    streak: int
    best_streak: int
    freezes_available: int = Field(description="Streak freezes held (at most 2), each saving one missed day.")
    last_practice_day: date | None
    total_xp: int
    phrases_introduced: int = Field(description="How far into the active course the learner has come.")
    courses: list[CourseProgressItem] = Field(
        description="Every course the learner started, the active one included, by id; the learner's"
        " place in each is kept when switching."
    )
    today: TodayItem
    scheduling: SchedulingItem


class ProfileUpdate(RequestBody):
    """Settings the learner may change, and the active course; fields left out stay as they are.
    A course not in GET /courses is refused with `unknown_course`."""

    model_config = ConfigDict(json_schema_extra=body_schema(minProperties=1))

    time_zone: TimeZoneName | Omittable = None
    day_start_hour: DayStartHour | Omittable = None
    daily_new_limit: DailyNewLimit | Omittable = None
    daily_review_limit: DailyReviewLimit | Omittable = None
    daily_goal_xp: DailyGoalXp | Omittable = None
    desired_retention: DesiredRetention | Omittable = None
    easy_days: EasyDays | Omittable = None
    reminders: RemindersUpdate | Omittable = None
    course_id: CourseId | Omittable = None

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError(f"give at least one of {', '.join(type(self).model_fields)}")
        return self

    def changes(self) -> dict[str, object]:
        """The choices given, by name (the domain's LearnerSettings fields and `course_id`)."""
        return self.model_dump(include=self.model_fields_set)


def _same_settings(*models: type[BaseModel]) -> None:
    settings = set(LearnerSettings.model_fields)
    for model in models:
        if missing := settings - set(model.model_fields):
            raise TypeError(f"{model.__name__} lacks the learner settings {sorted(missing)}")


_same_settings(ProfileUpdate, ProfileResponse)
