"""Request and response bodies of the HTTP API. They document the API (OpenAPI) and are
validated on the way in and out by the Powertools resolver. Requests turn into domain input
here; presenters.py turns domain objects into responses."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from practice.errors import InvalidTimeZone
from practice.learner_day import parse_time_zone, zone_names
from practice.limits import (
    DAILY_GOAL_XP_CHOICES,
    DAILY_NEW_LIMIT_MAX,
    DAILY_REVIEW_LIMIT_MAX,
    DAY_START_HOUR_MAX,
    DAY_START_HOUR_MIN,
    DESIRED_RETENTION_MAX,
    DESIRED_RETENTION_MIN,
    MAX_PHRASES_PER_PACK,
    MAX_REVIEWS_PER_COMPLETION,
)
from practice.models.learner import PracticeReport, Rating, Review
from practice.sessions import ProfileChanges


def _zone_key(name: str) -> str:
    """A name that is not an IANA zone key, whatever its form, is `invalid_time_zone` (400)."""
    try:
        parse_time_zone(name)
    except InvalidTimeZone as error:
        raise PydanticCustomError(error.code, "{message}", {"message": error.message}) from error
    return name


# The spec lists the zone keys the server accepts (tzdata's own list), so a client and a contract
# test know exactly which names are valid.
TimeZoneName = Annotated[
    str,
    AfterValidator(_zone_key),
    WithJsonSchema({"type": "string", "enum": sorted(zone_names()), "description": "An IANA time zone key."}),
]
PhraseId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]


def _integral_number(value: object) -> object:
    """JSON Schema's integer includes 3.0; strict validation would refuse it, so it becomes 3.
    Anything else (a string, a bool, 3.5) still meets the strict check."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# Integers as JSON means them: 3 or 3.0, never "3" or true. (The bounds come first, so that they
# stay in the spec as minimum and maximum.)
DayStartHour = Annotated[
    int, Field(ge=DAY_START_HOUR_MIN, le=DAY_START_HOUR_MAX), BeforeValidator(_integral_number)
]
DailyNewLimit = Annotated[int, Field(ge=0, le=DAILY_NEW_LIMIT_MAX), BeforeValidator(_integral_number)]
DailyReviewLimit = Annotated[int, Field(ge=0, le=DAILY_REVIEW_LIMIT_MAX), BeforeValidator(_integral_number)]
DesiredRetention = Annotated[float, Field(ge=DESIRED_RETENTION_MIN, le=DESIRED_RETENTION_MAX)]


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
Milliseconds = Annotated[int, Field(ge=0, le=3_600_000), BeforeValidator(_integral_number)]
# An optional request field: it may be left out (None here), but the spec and the server refuse null.
Omittable = SkipJsonSchema[None]
# A page cursor as the server issues them (practice/cursors.py): URL-safe base64
CursorText = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,256}$")]


class PhraseItem(BaseModel):
    phrase_id: str
    text: str = Field(description="The phrase in the language being learned.")
    translation: str
    pronunciation: str = Field(description="A respelling for English speakers, stressed syllable in caps.")
    audio_key: str = Field(description="Key of the phrase's recording in the app's audio store.")
    topic: str
    tags: list[str]


class DialogLineItem(BaseModel):
    speaker: str
    phrase_id: str
    text: str
    translation: str


class DialogItem(BaseModel):
    dialog_id: str
    title: str
    topic: str
    lines: list[DialogLineItem]


class DrillItem(BaseModel):
    drill_id: str
    title: str
    focus: str = Field(description="The sound the drill trains.")
    tip: str
    phrases: list[PhraseItem]


class PracticePackResponse(BaseModel):
    """Today's practice pack and the session that was started for it."""

    pack_id: str = Field(examples=["daily_2026-11-25"], description="daily_<date in the learner's day>")
    session_id: str = Field(description="ULID of the practice session started for this pack.")
    started_at: datetime
    review_phrases: list[PhraseItem]
    new_phrases: list[PhraseItem]
    dialog: DialogItem | None
    pronunciation_drill: DrillItem | None


def body_schema(**constraints: Any) -> Callable[[dict[str, Any]], None]:
    """The spec of a request body: `constraints` (what the server checks across fields), and no
    null default on optional fields, which are left out, never sent as null."""

    def shape(schema: dict[str, Any]) -> None:
        for field in schema.get("properties", {}).values():
            if "default" in field and field["default"] is None:
                del field["default"]
        schema.update(constraints)

    return shape


class RequestBody(BaseModel):
    """Base of request bodies: unknown fields are refused, values are not coerced ("true" is not
    true, "100" is not 100, 1 is not true), and an optional field may be left out but not sent
    as null."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=body_schema())

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:  # defaults are not validated, so this sees only an explicit null
            raise ValueError("may be left out, but not null")
        return value


class Rated(RequestBody):
    """A phrase rated again, hard, good or easy."""

    phrase_id: PhraseId
    # Strict(False): the enum is given by its value ("good"), as JSON can only give it
    rating: Annotated[Rating, Strict(False)] = Field(description="again, hard, good or easy.")

    @property
    def effective_rating(self) -> Rating:
        return self.rating


class Marked(RequestBody):
    """A phrase marked correct or incorrect: shorthand for the ratings good and again."""

    phrase_id: PhraseId
    correct: bool

    @property
    def effective_rating(self) -> Rating:
        return Rating.GOOD if self.correct else Rating.AGAIN


class RatedResult(Rated):
    """The learner's rating of one served phrase (the earlier shape: stamped at completion)."""

    response_time_ms: Milliseconds | Omittable = None


class MarkedResult(Marked):
    """One served phrase marked correct or incorrect (the earlier shape: stamped at completion)."""

    response_time_ms: Milliseconds | Omittable = None


# A result is one or the other, never both (each refuses the other's field).
PhraseResultIn = Annotated[RatedResult | MarkedResult, Field(union_mode="left_to_right")]


def _text(value: object) -> object:
    if not isinstance(value, str):  # lax datetime parsing would also take a number as a timestamp
        raise ValueError("an RFC 3339 date-time string, such as 2026-12-01T08:01:02Z")
    return value


# When something happened on the phone: RFC 3339 with an offset (the server moves it into the
# session's window, so a wrong clock is bounded, never refused)
Timestamp = Annotated[AwareDatetime, Strict(False), BeforeValidator(_text)]


class RatedReview(Rated):
    """One review of a phrase: its rating, when it happened and how long it took."""

    reviewed_at: Timestamp | Omittable = Field(None, description="When it happened (default: completed_at).")
    duration_ms: Milliseconds | Omittable = None


class MarkedReview(Marked):
    """One review of a phrase marked correct or incorrect (good or again)."""

    reviewed_at: Timestamp | Omittable = Field(None, description="When it happened (default: completed_at).")
    duration_ms: Milliseconds | Omittable = None


ReviewIn = Annotated[RatedReview | MarkedReview, Field(union_mode="left_to_right")]


class CompleteSessionRequest(RequestBody):
    """What the learner did: `reviews` in the order they happened (several per phrase: learning
    steps), or the earlier `results` (one per phrase, stamped at completion); and whether the
    dialog and the drill were done. At least one of them (else 422)."""

    reviews: list[ReviewIn] | Omittable = Field(None, max_length=MAX_REVIEWS_PER_COMPLETION)
    results: list[PhraseResultIn] | Omittable = Field(
        None, max_length=MAX_PHRASES_PER_PACK, description="The earlier shape: one result per phrase."
    )
    completed_at: Timestamp | Omittable = Field(None, description="When the learner finished (default: now).")
    dialog_completed: bool = False
    drill_completed: bool = False

    @model_validator(mode="after")
    def _one_shape_and_something_practised(self) -> Self:
        if self.reviews is not None and self.results is not None:
            raise ValueError("send either reviews or results, not both")
        # A pack can hold no phrases (course finished, nothing due) but still a dialog or drill.
        if not (self.reviews or self.results or self.dialog_completed or self.drill_completed):
            raise ValueError("report at least one review, or the dialog or drill as completed")
        return self

    def report(self) -> PracticeReport:
        """The domain's view: `correct` is spelt as the rating it stands for, and an earlier-shape
        result is a review at completion time."""
        reviews = [
            Review(phrase_id=r.phrase_id, rating=r.effective_rating, reviewed_at=r.reviewed_at,
                   duration_ms=r.duration_ms)
            for r in self.reviews or ()
        ] + [
            Review(phrase_id=r.phrase_id, rating=r.effective_rating, duration_ms=r.response_time_ms)
            for r in self.results or ()
        ]  # fmt: skip
        return PracticeReport(
            reviews=tuple(reviews),
            completed_at=self.completed_at,
            dialog_completed=self.dialog_completed,
            drill_completed=self.drill_completed,
        )


class CardSnapshotItem(BaseModel):
    state: int = Field(description="FSRS state: 1 learning, 2 review, 3 relearning.")
    stability: float | None
    difficulty: float | None
    due: datetime


class ReviewLogItem(BaseModel):
    """One applied review: its time as applied, and the card's FSRS state before and after."""

    phrase_id: str
    rating: Rating
    reviewed_at: datetime
    duration_ms: int | None
    elapsed_days: float | None = Field(description="Days since the card's previous review; null if new.")
    before: CardSnapshotItem | None = Field(description="null: the phrase was new.")
    after: CardSnapshotItem


class LearnerTotals(BaseModel):
    total_xp: int
    streak: int
    best_streak: int


class SessionResponse(BaseModel):
    """A practice session; the XP and streak fields are filled once it is completed."""

    session_id: str
    pack_id: str
    status: Literal["open", "completed"]
    started_at: datetime
    ended_at: datetime | None
    duration_seconds: int | None
    xp_phrases: int
    xp_session_bonus: int
    xp_streak_bonus: int
    total_xp: int
    streak_before: int
    streak_after: int
    phrase_ids: list[str]
    practice_day: date | None = Field(description="The learner day the streak counted it for.")
    reviews: list[ReviewLogItem] = Field(description="The review log, in the order applied.")
    learner: LearnerTotals | None = Field(description="The learner's totals after completion.")


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
    course_id: str
    streak: int
    best_streak: int
    freezes_available: int = Field(description="Streak freezes held (at most 2), each saving one missed day.")
    last_practice_day: date | None
    total_xp: int
    phrases_introduced: int = Field(description="How far into the course the learner has come.")
    today: TodayItem
    scheduling: SchedulingItem


class ProfileUpdate(RequestBody):
    """Settings the learner may change; fields left out stay as they are."""

    model_config = ConfigDict(json_schema_extra=body_schema(minProperties=1))

    time_zone: TimeZoneName | Omittable = None
    day_start_hour: DayStartHour | Omittable = None
    daily_new_limit: DailyNewLimit | Omittable = None
    daily_review_limit: DailyReviewLimit | Omittable = None
    daily_goal_xp: DailyGoalXp | Omittable = None
    desired_retention: DesiredRetention | Omittable = None

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError(f"give at least one of {', '.join(type(self).model_fields)}")
        return self

    def changes(self) -> ProfileChanges:
        return ProfileChanges(
            time_zone=self.time_zone,
            day_start_hour=self.day_start_hour,
            daily_new_limit=self.daily_new_limit,
            daily_review_limit=self.daily_review_limit,
            daily_goal_xp=self.daily_goal_xp,
            desired_retention=self.desired_retention,
        )


class SessionPageResponse(BaseModel):
    """A page of the caller's sessions, newest first."""

    sessions: list[SessionResponse]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null when there is no more. A page may be"
        " shorter than `limit` (or even empty) and still have a next one."
    )


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


class DeletionResponse(BaseModel):
    """The deletion has begun: the learner is gone for the API now; their items are erased
    within minutes."""

    status: Literal["deleting"]


class ExportSession(SessionResponse):
    """A session, as GET /sessions/{session_id} shows it, with its review log."""

    type: Literal["session"]


class ExportCard(BaseModel):
    """A phrase's spaced-repetition card: its FSRS state."""

    type: Literal["card"]
    phrase_id: str
    state: int = Field(description="FSRS state: 1 learning, 2 review, 3 relearning.")
    step: int | None = Field(description="Learning step (learning and relearning cards).")
    stability: float | None = Field(description="FSRS stability, in days.")
    difficulty: float | None = Field(description="FSRS difficulty, 1 to 10.")
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int


class ExportDay(DayItem):
    """A learner day of the ledger, as stored."""

    type: Literal["day"]
    goal_xp: int | None = Field(description="The daily goal when the day was last practised.")
    learned_reviews: int = Field(description="Reviews of learned phrases (Review-state cards).")
    learned_again: int = Field(description="Of those, rated again.")


ExportItem = Annotated[ExportSession | ExportCard | ExportDay, Field(discriminator="type")]


class ExportResponse(BaseModel):
    """A page of everything kept about the caller. Concatenate `items` over the pages."""

    profile: ProfileResponse | None = Field(description="null: no profile (never practised, or deleted).")
    items: list[ExportItem] = Field(description="Sessions, cards and ledger days, in a stable order.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one.")


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, object]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail
