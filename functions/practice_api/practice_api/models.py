"""Request and response bodies of the HTTP API. They document the API (OpenAPI) and are
validated on the way in and out by the Powertools resolver. Requests turn into domain input
here; presenters.py turns domain objects into responses."""

from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from practice.limits import DAILY_NEW_LIMIT_MAX, DAY_START_HOUR_MAX, DAY_START_HOUR_MIN, MAX_PHRASES_PER_PACK
from practice.models.learner import PhraseResult, PracticeReport, Rating
from practice.sessions import ProfileChanges


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
    new_phrases: list[PhraseItem] = Field(default_factory=list)
    dialog: DialogItem | None = None
    pronunciation_drill: DrillItem | None = None


class PhraseResultIn(BaseModel):
    """The learner's result for one served phrase: a rating, or correct/incorrect."""

    model_config = ConfigDict(extra="forbid")

    phrase_id: Annotated[str, Field(min_length=1, max_length=64)]
    rating: Rating | None = Field(None, description="again, hard, good or easy.")
    correct: bool | None = Field(None, description="Shorthand: true counts as good, false as again.")
    response_time_ms: int | None = Field(None, ge=0, le=3_600_000)

    @model_validator(mode="after")
    def _one_kind_of_result(self) -> Self:
        if (self.rating is None) == (self.correct is None):
            raise ValueError("give exactly one of 'rating' or 'correct'")
        return self

    @property
    def effective_rating(self) -> Rating:
        if self.rating is not None:
            return self.rating
        return Rating.GOOD if self.correct else Rating.AGAIN


class CompleteSessionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    results: list[PhraseResultIn] = Field(max_length=MAX_PHRASES_PER_PACK)
    dialog_completed: bool = False
    drill_completed: bool = False

    @model_validator(mode="after")
    def _something_was_practised(self) -> Self:
        # A pack can hold no phrases (course finished, nothing due) but still a dialog or drill.
        if not (self.results or self.dialog_completed or self.drill_completed):
            raise ValueError("report at least one phrase result, or the dialog or drill as completed")
        return self

    @model_validator(mode="after")
    def _one_result_per_phrase(self) -> Self:
        seen: set[str] = set()
        for result in self.results:
            if result.phrase_id in seen:
                raise ValueError(f"phrase '{result.phrase_id}' has more than one result")
            seen.add(result.phrase_id)
        return self

    def report(self) -> PracticeReport:
        """The domain's view: `correct` is spelt as the rating it stands for."""
        return PracticeReport(
            results=tuple(
                PhraseResult(
                    phrase_id=r.phrase_id, rating=r.effective_rating, response_time_ms=r.response_time_ms
                )
                for r in self.results
            ),
            dialog_completed=self.dialog_completed,
            drill_completed=self.drill_completed,
        )


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
    learner: LearnerTotals | None = Field(None, description="The learner's totals after completion.")


class ProfileResponse(BaseModel):
    """The learner's settings and progress. `streak` is the live streak: 0 once a day was missed."""

    user_id: str
    time_zone: str = Field(description="IANA time zone of the learner's day.")
    day_start_hour: int = Field(description="Local hour at which the learner's day starts.")
    daily_new_limit: int = Field(description="New phrases per learner day at most.")
    course_id: str
    streak: int
    best_streak: int
    last_practice_day: date | None
    total_xp: int
    phrases_introduced: int = Field(description="How far into the course the learner has come.")


class ProfileUpdate(BaseModel):
    """Settings the learner may change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    time_zone: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    day_start_hour: Annotated[int, Field(ge=DAY_START_HOUR_MIN, le=DAY_START_HOUR_MAX)] | None = None
    daily_new_limit: Annotated[int, Field(ge=0, le=DAILY_NEW_LIMIT_MAX)] | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one of time_zone, day_start_hour, daily_new_limit")
        return self

    def changes(self) -> ProfileChanges:
        return ProfileChanges(
            time_zone=self.time_zone, day_start_hour=self.day_start_hour, daily_new_limit=self.daily_new_limit
        )


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, object]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail
