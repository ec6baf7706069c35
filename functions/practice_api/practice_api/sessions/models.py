"""Request and response bodies of the sessions routes (validated on the way in and out by the
Powertools resolver, and the OpenAPI spec's schemas). A completion's body turns into the domain's
PracticeReport here; presenters.py turns domain objects into responses."""

from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from practice.domain.learner import PracticeReport, Rating, Review
from practice.domain.limits import MAX_PHRASES_PER_PACK, MAX_REVIEWS_PER_COMPLETION
from practice_api.http.fields import Milliseconds, Omittable, RequestBody, Timestamp, body_schema

PhraseId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]


class Recorded(BaseModel):
    """Something the app can play: a phrase's recording."""

    audio_key: str = Field(description="Key of the phrase's recording in the app's audio store.")
    audio_url: str | None = Field(
        description="A link that plays the recording (MP3) with no credentials, for at least an hour"
        " after the response; null when the stack serves no recordings."
    )


class PhraseItem(Recorded):
    phrase_id: str
    text: str = Field(description="The phrase in the language being learned.")
    translation: str
    pronunciation: str = Field(
        description="How to say it: a respelling for English speakers, stressed syllable in caps"
        " (the lessons), or IPA between slashes (the vocabulary)."
    )
    topic: str
    tags: list[str]


class DialogLineItem(Recorded):
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
    course_id: str = Field(description="The course the pack's phrases come from: the learner's active one.")
    started_at: datetime
    review_phrases: list[PhraseItem]
    new_phrases: list[PhraseItem]
    dialog: DialogItem | None
    pronunciation_drill: DrillItem | None


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

    # "Not both" is said in the schema; "at least one" only in words (as anyOf it would make
    # generated clients' request type a union of halves).
    model_config = ConfigDict(json_schema_extra=body_schema(**{"not": {"required": ["reviews", "results"]}}))

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
    course_id: str
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


class SessionPageResponse(BaseModel):
    """A page of the caller's sessions, newest first."""

    sessions: list[SessionResponse]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null when there is no more. A page may be"
        " shorter than `limit` (or even empty) and still have a next one."
    )
