"""What the backend keeps about a learner (profile, practice sessions, phrase cards) and what a
learner reports when finishing a session."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from practice.domain.learner_day import PracticeDay, day_end, day_start, parse_time_zone, practice_day
from practice.domain.limits import (
    DAILY_GOAL_XP_DEFAULT,
    DAILY_NEW_LIMIT_MAX,
    DAILY_REVIEW_LIMIT_DEFAULT,
    DAILY_REVIEW_LIMIT_MAX,
    DAY_START_HOUR_MAX,
    DAY_START_HOUR_MIN,
    DESIRED_RETENTION_DEFAULT,
    DESIRED_RETENTION_MAX,
    DESIRED_RETENTION_MIN,
    FSRS_PARAMETER_COUNT,
    MAX_FREEZES,
)
from practice.domain.reminders import Device, ReminderChoice, ReminderState
from practice.domain.workload import DayLoad, Weekday

UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:@|+-]{1,128}$")]


class Rating(StrEnum):
    """The four FSRS ratings, as the API spells them."""

    AGAIN = "again"
    HARD = "hard"
    GOOD = "good"
    EASY = "easy"


class PersonalParameters(BaseModel):
    """FSRS-6 parameters fitted to the learner's own reviews, and what the fit was judged on: the
    log loss on the learner's latest reviews (held out of the fit) with the parameters used
    before and with these."""

    model_config = ConfigDict(frozen=True)

    parameters: tuple[float, ...] = Field(min_length=FSRS_PARAMETER_COUNT, max_length=FSRS_PARAMETER_COUNT)
    fitted_at: AwareDatetime
    reviews: int = Field(ge=0)  # reviews in the log the fit read
    log_loss_before: float
    log_loss_after: float


class CourseProgress(BaseModel):
    """How far a learner has come in one course: the position of the next new phrase, and new
    phrases before it that were served but never rated (served again first). Together they make
    sure a phrase is new only once."""

    model_config = ConfigDict(frozen=True)

    next_new_position: int = Field(0, ge=0)
    skipped_new_phrase_ids: tuple[str, ...] = Field((), max_length=DAILY_NEW_LIMIT_MAX)
    # Writes that changed the course's cards so far: the position of the last entry of the
    # phrasebook's sync log (domain/phrasebook.py), kept here so that the profile's version
    # check orders the entries as their writes commit.
    card_changes: int = Field(0, ge=0)


class LearnerSettings(BaseModel):
    """What a learner may choose: the one list of settings. The profile holds them, the function's
    settings give their defaults (Settings.profile_defaults), PATCH /profile changes them and
    GET /profile shows them, each derived from this model's fields."""

    model_config = ConfigDict(frozen=True)

    time_zone: str = "UTC"
    day_start_hour: int = Field(4, ge=DAY_START_HOUR_MIN, le=DAY_START_HOUR_MAX)
    daily_new_limit: int = Field(10, ge=0, le=DAILY_NEW_LIMIT_MAX)
    daily_review_limit: int = Field(DAILY_REVIEW_LIMIT_DEFAULT, ge=0, le=DAILY_REVIEW_LIMIT_MAX)
    daily_goal_xp: int = DAILY_GOAL_XP_DEFAULT
    # What FSRS schedules each review for: the chance of recall when the card falls due
    desired_retention: float = Field(
        DESIRED_RETENTION_DEFAULT, ge=DESIRED_RETENTION_MIN, le=DESIRED_RETENTION_MAX
    )
    # Weekdays the learner wants lighter (domain/workload.py); the others are normal
    easy_days: dict[Weekday, DayLoad] = Field(default_factory=dict)
    # Practice reminders: on or off, at a local time or "auto" (domain/reminders.py)
    reminders: ReminderChoice = ReminderChoice()

    @field_validator("easy_days")
    @classmethod
    def _only_easy_days(cls, days: dict[Weekday, DayLoad]) -> dict[Weekday, DayLoad]:
        """Normal weekdays are left out, so one week has one form."""
        return {
            weekday: days[weekday]
            for weekday in Weekday
            if days.get(weekday, DayLoad.NORMAL) != DayLoad.NORMAL
        }


SETTING_NAMES = frozenset(LearnerSettings.model_fields)


class Profile(LearnerSettings):
    """The learner's settings and progress. `version` guards every update (optimistic locking);
    version 0 means the profile is not stored yet."""

    model_config = ConfigDict(frozen=True)

    user_id: UserId
    course_id: str
    # The streak counts learner days practised in a row: the last one counted, and until when
    # the streak lives (the end of the day after it, in the settings of that day). Streak freezes
    # held stretch that by a day each (`freeze_until`, fixed when the streak last grew).
    streak: int = 0
    best_streak: int = 0
    streak_day: date | None = None
    streak_until: AwareDatetime | None = None
    freezes: int = Field(0, ge=0, le=MAX_FREEZES)
    freeze_until: AwareDatetime | None = None
    # The last learner day with practice, with the UTC window it had when it was counted, so that
    # a later change of zone or day-start hour cannot repeat a day (learner_day.practice_day), and
    # what that day held so far: the daily limits and the same-day XP share count these.
    last_practice_day: date | None = None
    day_started_at: AwareDatetime | None = None
    day_ends_at: AwareDatetime | None = None
    sessions_on_last_day: int = 0
    new_on_last_day: int = 0
    reviews_on_last_day: int = 0
    xp_on_last_day: int = 0
    total_xp: int = 0
    # Progress in each course the learner has started, the active one (`course_id`) included:
    # switching courses keeps every course's place.
    courses: dict[str, CourseProgress] = Field(default_factory=dict)
    # Scheduling fitted to the learner (None: FSRS's defaults), reviews logged so far, the count
    # at the last fit (adopted or not), and since when a fit is due (practice/fitting.py).
    fsrs: PersonalParameters | None = None
    reviews_logged: int = 0
    fit_checked_at: int = 0
    fit_due_since: AwareDatetime | None = None
    # Devices, usual practice time, the last reminder and the next (domain/reminders.py)
    reminder_state: ReminderState = ReminderState()
    version: int = 0

    def progress_in(self, course_id: str) -> CourseProgress:
        return self.courses.get(course_id) or CourseProgress()

    @property
    def fsrs_parameters(self) -> tuple[float, ...] | None:
        return self.fsrs.parameters if self.fsrs else None

    @property
    def zone(self) -> ZoneInfo:
        return parse_time_zone(self.time_zone)

    @property
    def last_day(self) -> PracticeDay | None:
        """The last practice day and its window (from today's settings for a profile stored
        before windows were kept)."""
        day = self.last_practice_day
        if day is None:
            return None
        if self.day_started_at is None or self.day_ends_at is None:
            zone, hour = self.zone, self.day_start_hour
            return PracticeDay(day, day_start(day, zone, hour), day_end(day, zone, hour))
        return PracticeDay(day, self.day_started_at, self.day_ends_at)

    def live_streak(self, at: datetime) -> int:
        """The streak as the learner sees it at `at`: 0 once its deadline, stretched by the
        freezes held, passed."""
        deadline = max(filter(None, (self.streak_until, self.freeze_until)), default=None)
        return self.streak if deadline is not None and at < deadline else 0

    def xp_on(self, day: date) -> int:
        """XP earned on `day` so far, when it is the last practice day (else 0: not yet started)."""
        return self.xp_on_last_day if day == self.last_practice_day else 0

    def day_at(self, instant: datetime) -> PracticeDay:
        """The learner day `instant` falls in (learner_day.practice_day)."""
        return practice_day(instant, self.zone, self.day_start_hour, self.last_day)

    def counts_on(self, day: date) -> tuple[int, int, int]:
        """(sessions, new phrases, reviews) already counted on `day`; an earlier day than the last
        practice day is not tracked, so it is taken as full (no limit reopens, no XP doubles)."""
        if self.last_practice_day is not None and day <= self.last_practice_day:
            return self.sessions_on_last_day, self.new_on_last_day, self.reviews_on_last_day
        return 0, 0, 0


class Review(BaseModel):
    """One review as the learner's app reported it: when (None: at completion) and how long."""

    model_config = ConfigDict(frozen=True)

    phrase_id: str
    rating: Rating
    reviewed_at: AwareDatetime | None = None
    duration_ms: int | None = None


class PracticeReport(BaseModel):
    """What the learner reports when finishing a session: reviews in the order they happened
    (several per phrase: learning steps), when the session ended (None: now), and whether the
    pack's dialog and drill were done."""

    model_config = ConfigDict(frozen=True)

    reviews: tuple[Review, ...]
    completed_at: AwareDatetime | None = None
    dialog_completed: bool = False
    drill_completed: bool = False


class CardSnapshot(BaseModel):
    """A card's FSRS state at one moment of the review log."""

    model_config = ConfigDict(frozen=True)

    state: int
    stability: float | None
    difficulty: float | None
    due: AwareDatetime


class ReviewLogEntry(BaseModel):
    """One applied review, durably: what a later fit of the learner's FSRS parameters reads."""

    model_config = ConfigDict(frozen=True)

    phrase_id: str
    rating: Rating
    reviewed_at: AwareDatetime  # as applied: the reported time, moved into the session's window
    duration_ms: int | None
    elapsed_days: float | None  # since the card's previous review; None for a first review
    before: CardSnapshot | None  # None: the phrase was new
    after: CardSnapshot


class XpAward(BaseModel):
    model_config = ConfigDict(frozen=True)

    phrases: int = 0
    session_bonus: int = 0
    streak_bonus: int = 0

    @property
    def total(self) -> int:
        return self.phrases + self.session_bonus + self.streak_bonus


class Session(BaseModel):
    """A practice session. Open while `ended_at` is None; completed exactly once."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    user_id: UserId
    pack_id: str
    course_id: str
    review_phrase_ids: tuple[str, ...]
    new_phrase_ids: tuple[str, ...]
    dialog_id: str | None = None
    drill_id: str | None = None
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    duration_seconds: int | None = None
    xp: XpAward = XpAward()
    streak_before: int = 0
    streak_after: int = 0
    reviews: tuple[ReviewLogEntry, ...] = ()
    # The learner day the practice happened in (its first review), which the streak counts.
    practice_day: date | None = None
    # Fingerprint of the completion request, so a retry can be told from a different completion.
    results_digest: str | None = None
    learner_total_xp: int | None = None
    learner_best_streak: int | None = None
    # Epoch seconds after which an abandoned (never completed) session may be deleted by TTL.
    expires_at: int | None = None

    @property
    def served_phrase_ids(self) -> tuple[str, ...]:
        return self.review_phrase_ids + self.new_phrase_ids

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class LedgerDay(BaseModel):
    """One learner day in the ledger: what its practice sessions added up to, and whether a
    streak freeze covered it. Also what one session adds to its day (`frozen` False)."""

    model_config = ConfigDict(frozen=True)

    day: date
    xp: int = 0
    sessions: int = 0
    reviews: int = 0  # every review applied, learning steps included
    again: int = 0  # of those, rated again
    new_phrases: int = 0
    seconds: int = 0
    # Reviews of learned phrases (Review-state cards) and, of those, rated again: retention
    learned_reviews: int = 0
    learned_again: int = 0
    goal_xp: int | None = None  # the daily goal when the day was last practised
    frozen: bool = False

    @property
    def goal_met(self) -> bool:
        return self.goal_xp is not None and self.xp >= self.goal_xp


# The ledger's counters, each added to its day by the session that completes on it
LEDGER_COUNTERS = tuple(name for name, field in LedgerDay.model_fields.items() if field.annotation is int)


class CardState(BaseModel):
    """A phrase's spaced-repetition state in one course: the fields of an `fsrs.Card`, plus our
    bookkeeping."""

    model_config = ConfigDict(frozen=True)

    course_id: str
    phrase_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: AwareDatetime
    # The learner day the card is counted on in the workload's cards-due-per-day (the day of
    # `due` when it was scheduled; None: a card scheduled before counting began, or retired)
    due_day: date | None = None
    last_review: AwareDatetime | None
    reps: int = 0
    lapses: int = 0
    version: int = 0


# What a learner's data is made of besides the profile: what the export lists
LearnerRecord = Session | CardState | LedgerDay | Device


class DueCard(BaseModel):
    """A due card as the due index holds it: enough to rank it, not the whole card."""

    model_config = ConfigDict(frozen=True)

    phrase_id: str
    due: AwareDatetime
    stability: float | None
    last_review: AwareDatetime | None


class DueCards(BaseModel):
    """The learner's due cards, each queue read with its own limit."""

    model_config = ConfigDict(frozen=True)

    learning: tuple[DueCard, ...] = ()  # Learning and Relearning cards, oldest due first
    reviews: tuple[DueCard, ...] = ()  # Review cards, most recently due first


def utc_iso(instant: datetime) -> str:
    """Fixed-width UTC ISO 8601, so strings sort in time order (used as the due-index sort key)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
