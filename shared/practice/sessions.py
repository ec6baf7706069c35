"""Practice sessions: starting one with today's pack, reading one back, completing one, and the
learner's profile around them. Takes and returns domain objects; the API maps them to HTTP."""

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta

from ulid import ULID

from practice.completion import TimeRules, complete, results_digest
from practice.content import CourseCatalog
from practice.cursors import CursorSeal
from practice.erasure import ErasureQueue, ErasureRequest
from practice.errors import (
    AccountDeleting,
    SessionAlreadyCompleted,
    SessionExpired,
    SessionNotFound,
    StoreUnavailable,
)
from practice.fitting import FitQueue, FitRequest
from practice.learner_day import parse_time_zone
from practice.models.content import Course
from practice.models.learner import LearnerItem, PracticeReport, Profile, Session
from practice.packs import DailyPack, PackLimits, build_daily_pack
from practice.progress import Ledger, check_range, stats_range
from practice.repository import PracticeRepository, SessionNotOpen
from practice.retry import Pause, retry_on_conflict
from practice.settings import Settings

Clock = Callable[[], datetime]
logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class StartedSession:
    """Today's pack, the session started for it, and the course its phrases come from."""

    pack: DailyPack
    session: Session
    course: Course


@dataclass(frozen=True, slots=True)
class CompletionOutcome:
    session: Session  # completed
    newly_completed: bool  # False when a retry was answered from the stored result

    @property
    def xp_awarded(self) -> int:
        return self.session.xp.total if self.newly_completed else 0


@dataclass(frozen=True, slots=True)
class ProfileStatus:
    """The learner's stored profile and where they stand now."""

    profile: Profile
    now: datetime

    @property
    def live_streak(self) -> int:
        """The streak as the learner sees it now: 0 once a day was missed that no freeze covers."""
        return self.profile.live_streak(self.now)

    @property
    def today(self) -> date:
        """The learner's day now."""
        return self.profile.day_at(self.now).day

    @property
    def xp_today(self) -> int:
        return self.profile.xp_on(self.today)

    @property
    def goal_met_today(self) -> bool:
        return self.xp_today >= self.profile.daily_goal_xp


@dataclass(frozen=True, slots=True)
class SessionPage:
    """One page of the learner's sessions, newest first, and the cursor of the next (None: done)."""

    sessions: tuple[Session, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class LearnerStats:
    """Where the learner stands now, and their ledger over a range of days."""

    status: ProfileStatus
    ledger: Ledger


@dataclass(frozen=True, slots=True)
class ExportPage:
    """One page of the learner's data: their profile (None if there is none), a page of their
    other items, and the cursor of the next page (None: done)."""

    profile: ProfileStatus | None
    items: tuple[LearnerItem, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    """Settings to change; None leaves a setting as it is."""

    time_zone: str | None = None
    day_start_hour: int | None = None
    daily_new_limit: int | None = None
    daily_review_limit: int | None = None
    daily_goal_xp: int | None = None
    desired_retention: float | None = None


SESSIONS_LISTING, EXPORT_LISTING = "sessions", "export"  # what a cursor is sealed for


class PracticeService:
    def __init__(
        self,
        repository: PracticeRepository,
        catalog: CourseCatalog,
        settings: Settings,
        clock: Clock = utc_now,
        *,
        pause: Pause = time.sleep,
        erasures: ErasureQueue | None = None,
        fits: FitQueue | None = None,
    ) -> None:
        self._repository = repository
        self._erasures = erasures  # None: this service cannot delete accounts (tests that need not)
        self._fits = fits  # None: fits due are left to the optimizer's daily sweep
        self._fit_policy = settings.fit_policy
        self._catalog = catalog
        self._settings = settings
        self._clock = clock
        self._pause = pause  # between optimistic-concurrency retries; tests pass a fake
        self._cursors = CursorSeal(settings.cursor_key.get_secret_value().encode())
        self._abandoned_after = timedelta(
            hours=settings.completion_window_hours, days=settings.abandoned_session_days
        )
        self._limits = PackLimits(
            max_learning=settings.max_learning_per_pack, max_reviews=settings.max_reviews_per_pack
        )
        self._time_rules = TimeRules(
            max_duration=timedelta(seconds=settings.max_session_duration_seconds),
            clock_skew=timedelta(seconds=settings.clock_skew_seconds),
            max_reviews_per_phrase=settings.max_reviews_per_phrase,
            max_reviews=settings.max_reviews_per_completion,
        )

    def start_daily_session(self, user_id: str, time_zone: str | None = None) -> StartedSession:
        """Build today's pack in the learner's day and start a session for it.

        A first visit creates the profile; `time_zone` (the X-Timezone header) moves the learner
        to that zone (from the learner's next day on: learner_day.practice_day). Four DynamoDB
        requests whatever the learner's history: the profile, the due (re)learning cards and the
        due reviews (each a limited query), and the write. A parallel first visit that created
        the profile meanwhile is answered by reading it again.
        """
        if time_zone is not None:
            parse_time_zone(time_zone)  # reject before any I/O
        return self._retrying(lambda: self._start(user_id, time_zone))

    def _start(self, user_id: str, time_zone: str | None) -> StartedSession:
        now = self._clock()
        stored = self._repository.get_profile(user_id)
        profile = stored or self._new_profile(user_id, time_zone)
        if time_zone is not None and time_zone != profile.time_zone:
            profile = profile.model_copy(update={"time_zone": time_zone})
        course = self._catalog.get(profile.course_id)
        day = profile.day_at(now)
        due = self._repository.due_cards(
            user_id,
            day.ends_at,
            learning_limit=self._settings.due_candidates,
            review_limit=self._settings.due_candidates if self._review_room(profile, day.day) else 0,
        )
        pack = build_daily_pack(
            course=course, profile=profile, day=day.day, due=due, now=now, limits=self._limits
        )
        session = Session(
            session_id=str(ULID.from_datetime(now)),
            user_id=user_id,
            pack_id=pack.pack_id,
            course_id=course.course_id,
            review_phrase_ids=tuple(p.phrase_id for p in pack.review),
            new_phrase_ids=tuple(p.phrase_id for p in pack.new),
            dialog_id=pack.dialog.dialog_id if pack.dialog else None,
            drill_id=pack.drill.drill_id if pack.drill else None,
            started_at=now,
            expires_at=int((now + self._abandoned_after).timestamp()),
        )
        self._repository.start_session(
            session, profile, store_profile=profile != stored, retired=pack.retired
        )
        return StartedSession(pack, session, course)

    def get_session(self, user_id: str, session_id: str) -> Session:
        try:
            session = self._repository.get_session(user_id, session_id)
        except AccountDeleting:
            session = None  # the learner is gone, with their sessions
        if session is None:
            raise SessionNotFound(f"no session '{session_id}'")
        return session

    def complete_session(self, user_id: str, session_id: str, report: PracticeReport) -> CompletionOutcome:
        """Finish an open session exactly once: XP, streak and card schedules in one transaction.

        A retry with the same results gets the stored session; different results are refused.
        Two DynamoDB requests: one read (session, profile, cards) and one transaction. When the
        profile or a card moved under us, the completion is recomputed from fresh state.
        """
        digest = results_digest(report)
        return self._retrying(lambda: self._complete(user_id, session_id, report, digest))

    def _complete(
        self, user_id: str, session_id: str, report: PracticeReport, digest: str
    ) -> CompletionOutcome:
        phrase_ids = list(dict.fromkeys(review.phrase_id for review in report.reviews))
        try:
            session, profile, cards = self._repository.load_for_completion(user_id, session_id, phrase_ids)
        except AccountDeleting:
            session = None  # the learner is gone, with their sessions
        if session is None:
            raise SessionNotFound(f"no session '{session_id}'")
        if not session.is_open:
            return _replay(session, digest)
        now = self._clock()
        window = self._settings.completion_window_hours
        if now - session.started_at > timedelta(hours=window):
            raise SessionExpired(f"sessions can be completed within {window} hours of their start")
        before = profile or self._new_profile(user_id, None)
        completion = complete(
            session=session,
            profile=before,
            cards=cards,
            report=report,
            course=self._catalog.get(session.course_id),
            now=now,
            rules=self._time_rules,
        )
        completion = replace(completion, profile=self._fit_policy.mark(completion.profile, now))
        try:
            self._repository.complete_session(completion)
        except SessionNotOpen:  # a concurrent completion won the race: answer as a retry would
            return _replay(self.get_session(user_id, session_id), digest)
        if before.fit_due_since is None and completion.profile.fit_due_since is not None:
            self._request_fit(user_id, now)
        return CompletionOutcome(completion.session, newly_completed=True)

    def _request_fit(self, user_id: str, now: datetime) -> None:
        """Ask the optimizer to fit the learner's parameters. The completion is stored by now, and
        a request that cannot be sent is not its failure: the profile is marked due, and the
        optimizer's daily sweep queues it again."""
        if self._fits is None:
            return
        try:
            self._fits.request(FitRequest(user_id=user_id, requested_at=now))
        except StoreUnavailable:
            logger.warning("fit request not queued; the daily sweep will", extra={"user_id": user_id})

    def list_sessions(self, user_id: str, limit: int, cursor: str | None = None) -> SessionPage:
        """A page of the learner's sessions, newest first, open and completed: one bounded read.
        A cursor not issued to this learner for this listing is refused before any read."""
        after = self._cursors.open(user_id, SESSIONS_LISTING, cursor) if cursor is not None else None
        if self._visible_profile(user_id) is None:  # never practised, or gone
            return SessionPage((), None)
        sessions, last = self._repository.list_sessions(user_id, limit, after)
        next_cursor = self._cursors.seal(user_id, SESSIONS_LISTING, last) if last is not None else None
        return SessionPage(tuple(sessions), next_cursor)

    def stats(self, user_id: str, first: date | None = None, last: date | None = None) -> LearnerStats:
        """The learner's ledger from `first` to `last` (default: the last 30 learner days), and
        where they stand today. Two reads whatever the history: the profile and the range."""
        if first is not None and last is not None:
            check_range(first, last)  # before any I/O
        stored = self._visible_profile(user_id)
        status = self._status(stored or self._new_profile(user_id, None))
        first, last = stats_range(first, last, status.today)
        days = self._repository.ledger_days(user_id, first, last) if stored else []
        return LearnerStats(status, Ledger.of_range(first, last, days))

    def get_profile(self, user_id: str) -> ProfileStatus:
        """The learner's profile; a learner who never practised, or is gone, sees the defaults."""
        return self._status(self._visible_profile(user_id) or self._new_profile(user_id, None))

    def delete_account(self, user_id: str) -> None:
        """Erase the learner. From the tombstone on they are gone for the API: reads see nothing
        and a pack or completion racing with this fails its version condition, so no write
        lands after it. The account worker then deletes their items. Calling it again queues
        the erasure again (a lost message, or one that reached the dead-letter queue)."""
        if self._erasures is None:
            raise RuntimeError("this service was built without an erasure queue")
        now = self._clock()
        self._repository.mark_deleting(user_id, now)
        self._erasures.request(ErasureRequest(user_id=user_id, requested_at=now))

    def export(self, user_id: str, cursor: str | None = None) -> ExportPage:
        """A page of everything kept about the learner: the profile, and about 1 MiB (the
        setting export_page_bytes) of their sessions (with their reviews), cards and ledger
        days; two reads a page. A learner without a profile (never practised, or gone) has
        nothing else either. A cursor not issued to this learner for the export is refused
        before any read."""
        after = self._cursors.open(user_id, EXPORT_LISTING, cursor) if cursor is not None else None
        profile = self._visible_profile(user_id)
        if profile is None:
            return ExportPage(None, (), None)
        items, last = self._repository.export_items(user_id, after, self._settings.export_page_bytes)
        next_cursor = self._cursors.seal(user_id, EXPORT_LISTING, last) if last is not None else None
        return ExportPage(self._status(profile), tuple(items), next_cursor)

    def update_profile(self, user_id: str, changes: ProfileChanges) -> ProfileStatus:
        """Change the learner's settings (one conditional write; retried if the profile moved).
        A new day-start hour or zone applies from the learner's next day; streaks are kept."""
        if changes.time_zone is not None:
            parse_time_zone(changes.time_zone)
        update = {name: value for name, value in asdict(changes).items() if value is not None}

        def save() -> ProfileStatus:
            stored = self._repository.get_profile(user_id) or self._new_profile(user_id, None)
            profile = stored.model_copy(update=update)
            if profile != stored or stored.version == 0:
                self._repository.save_profile(profile)
            return self._status(profile)

        return self._retrying(save)

    @staticmethod
    def _review_room(profile: Profile, day: date) -> bool:
        """Whether today's review limit leaves room (else the review queue is not even read)."""
        return profile.counts_on(day)[2] < profile.daily_review_limit

    def _retrying[T](self, attempt: Callable[[], T]) -> T:
        return retry_on_conflict(attempt, pause=self._pause)

    def _visible_profile(self, user_id: str) -> Profile | None:
        """The stored profile; None for a learner who never practised or is being erased."""
        try:
            return self._repository.get_profile(user_id)
        except AccountDeleting:
            return None

    def _status(self, profile: Profile) -> ProfileStatus:
        return ProfileStatus(profile, self._clock())

    def _new_profile(self, user_id: str, time_zone: str | None) -> Profile:
        settings = self._settings
        return Profile(
            user_id=user_id,
            time_zone=time_zone or settings.default_time_zone,
            day_start_hour=settings.default_day_start_hour,
            daily_new_limit=settings.default_daily_new_limit,
            daily_review_limit=settings.default_daily_review_limit,
            daily_goal_xp=settings.default_daily_goal_xp,
            desired_retention=settings.default_desired_retention,
            course_id=settings.default_course_id,
        )


def _replay(session: Session, digest: str) -> CompletionOutcome:
    if session.results_digest != digest:
        raise SessionAlreadyCompleted("this session was already completed with other results")
    return CompletionOutcome(session, newly_completed=False)
