"""Practice sessions: starting one with today's pack, reading one back, completing one, and the
learner's history of them. Takes and returns domain objects; the API maps them to HTTP."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from ulid import ULID

from practice.courses.service import CourseCatalog
from practice.domain.completion import TimeRules, complete, results_digest
from practice.domain.learner import PracticeReport, Profile, Session
from practice.domain.learner_day import parse_time_zone
from practice.domain.packs import PackLimits, build_daily_pack
from practice.domain.quotas import session_starts
from practice.domain.reminders import replanned, with_practice_time
from practice.domain.workload import SpreadMode
from practice.errors import (
    AccountDeleting,
    SessionAlreadyCompleted,
    SessionExpired,
    SessionNotFound,
    SessionNotOpen,
)
from practice.fitting.service import FitRequests
from practice.profile.service import NewProfiles, visible_profile
from practice.runtime.clock import Clock
from practice.runtime.cursors import Listing
from practice.runtime.retry import Pause, retry_on_conflict
from practice.sessions.results import CompletionOutcome, SessionPage, StartedSession
from practice.sessions.store import SessionStore


@dataclass(frozen=True, slots=True)
class SessionRules:
    """How large a pack is, how long a session can be completed, and what a completion may claim."""

    pack: PackLimits
    times: TimeRules
    due_candidates: int  # each due queue is read with this limit
    spread: SpreadMode  # how review intervals are spread over days (domain/workload.py)
    completion_window: timedelta
    kept_open: timedelta  # an open session's time to live: the window, then some days
    starts_per_day: int  # sessions one learner may start in a learner day (domain/quotas.py)


class SessionService:
    def __init__(
        self,
        store: SessionStore,
        catalog: CourseCatalog,
        profiles: NewProfiles,
        rules: SessionRules,
        *,
        fits: FitRequests,
        history: Listing,
        clock: Clock,
        pause: Pause,
    ) -> None:
        self._store = store
        self._catalog = catalog
        self._profiles = profiles
        self._rules = rules
        self._fits = fits
        self._history = history  # the history's cursors
        self._clock = clock
        self._pause = pause  # between optimistic-concurrency retries; tests pass a fake

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
        return retry_on_conflict(lambda: self._start(user_id, time_zone), pause=self._pause)

    def _start(self, user_id: str, time_zone: str | None) -> StartedSession:
        now, rules = self._clock(), self._rules
        stored = self._store.get_profile(user_id)
        profile = stored or self._profiles.new(user_id, time_zone)
        if time_zone is not None and time_zone != profile.time_zone:
            profile = profile.model_copy(update={"time_zone": time_zone})
        if profile != stored:  # stored with the session: its next reminder in its zone
            profile = replanned(profile, now)
        course = self._catalog.get(profile.course_id)
        day = profile.day_at(now)
        due = self._store.due_cards(
            user_id,
            course.course_id,
            day.ends_at,
            learning_limit=rules.due_candidates,
            review_limit=rules.due_candidates if _review_room(profile, day.day) else 0,
        )
        pack = build_daily_pack(
            course=course, profile=profile, day=day.day, due=due, now=now, limits=rules.pack
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
            expires_at=int((now + rules.kept_open).timestamp()),
        )
        quota = session_starts(day.day.isoformat(), day.ends_at, rules.starts_per_day)
        self._store.start_session(
            session, profile, store_profile=profile != stored, retired=pack.retired, quota=quota
        )
        return StartedSession(pack, session, course)

    def get_session(self, user_id: str, session_id: str) -> Session:
        try:
            session = self._store.get_session(user_id, session_id)
        except AccountDeleting:
            session = None  # the learner is gone, with their sessions
        if session is None:
            raise SessionNotFound(f"no session '{session_id}'")
        return session

    def complete_session(self, user_id: str, session_id: str, report: PracticeReport) -> CompletionOutcome:
        """Finish an open session exactly once: XP, streak and card schedules in one transaction.

        A retry with the same results gets the stored session; different results are refused.
        Three DynamoDB requests: the session with the profile, the cards of the session's course
        with its cards due per day (domain/workload.py), and one transaction (a retry of a
        completed session: the first alone). When the profile or a card moved under us, the
        completion is recomputed from fresh state.
        """
        digest = results_digest(report)
        return retry_on_conflict(
            lambda: self._complete(user_id, session_id, report, digest), pause=self._pause
        )

    def _complete(
        self, user_id: str, session_id: str, report: PracticeReport, digest: str
    ) -> CompletionOutcome:
        phrase_ids = list(dict.fromkeys(review.phrase_id for review in report.reviews))
        try:
            session, profile, cards, due_per_day = self._store.load_for_completion(
                user_id, session_id, phrase_ids
            )
        except AccountDeleting:
            session = None  # the learner is gone, with their sessions
        if session is None:
            raise SessionNotFound(f"no session '{session_id}'")
        if not session.is_open:
            return _replay(session, digest)
        now, window = self._clock(), self._rules.completion_window
        if now - session.started_at > window:
            hours = int(window.total_seconds() // 3600)
            raise SessionExpired(f"sessions can be completed within {hours} hours of their start")
        before = profile or self._profiles.new(user_id)
        course = self._catalog.get(session.course_id)
        completion = complete(
            session=session,
            profile=before,
            cards=cards,
            report=report,
            course=course,
            now=now,
            rules=self._rules.times,
            due_per_day=due_per_day,
            spread=self._rules.spread,
        )
        # a fit due is marked, and the next reminder planned after this practice, learning when
        # the learner usually practises (domain/reminders.py)
        practised = with_practice_time(self._fits.mark(completion.profile, now), session.started_at)
        completion = replace(completion, profile=replanned(practised, now))
        try:
            self._store.complete_session(completion)
        except SessionNotOpen:  # a concurrent completion won the race: answer as a retry would
            return _replay(self.get_session(user_id, session_id), digest)
        self._fits.request_if_newly_due(before, completion.profile, now)
        return CompletionOutcome(completion.session, newly_completed=True)

    def list_sessions(self, user_id: str, limit: int, cursor: str | None = None) -> SessionPage:
        """A page of the learner's sessions, newest first, open and completed: one bounded read.
        A cursor not issued to this learner for this listing is refused before any read."""
        after = self._history.position(user_id, cursor)
        if visible_profile(self._store, user_id) is None:  # never practised, or gone
            return SessionPage((), None)
        sessions, last = self._store.list_sessions(user_id, limit, after)
        return SessionPage(tuple(sessions), self._history.cursor(user_id, last))


def _review_room(profile: Profile, day: date) -> bool:
    """Whether today's review limit leaves room (else the review queue is not even read)."""
    return profile.counts_on(day)[2] < profile.daily_review_limit


def _replay(session: Session, digest: str) -> CompletionOutcome:
    if session.results_digest != digest:
        raise SessionAlreadyCompleted("this session was already completed with other results")
    return CompletionOutcome(session, newly_completed=False)
