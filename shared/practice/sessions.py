"""Practice sessions: starting one with today's pack, reading one back, completing one."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ulid import ULID

from practice.completion import complete, results_digest
from practice.content import CourseCatalog
from practice.errors import ConcurrentUpdate, SessionConflict, SessionNotFound
from practice.learner_day import day_end, learner_day, parse_time_zone
from practice.models.api import (
    CompleteSessionRequest,
    PracticePackResponse,
    ProfileResponse,
    ProfileUpdate,
    SessionResponse,
)
from practice.models.learner import Profile, Session
from practice.packs import build_daily_pack
from practice.presenters import pack_response, profile_response, session_response
from practice.repository import PracticeRepository
from practice.settings import Settings

Clock = Callable[[], datetime]
_WRITE_ATTEMPTS = 3


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CompletionOutcome:
    summary: SessionResponse
    newly_completed: bool  # False when a retry was answered from the stored result
    xp_awarded: int


class PracticeService:
    def __init__(
        self,
        repository: PracticeRepository,
        catalog: CourseCatalog,
        settings: Settings,
        clock: Clock = utc_now,
    ) -> None:
        self._repository = repository
        self._catalog = catalog
        self._settings = settings
        self._clock = clock
        self._abandoned_after = timedelta(
            hours=settings.completion_window_hours, days=settings.abandoned_session_days
        )

    def start_daily_session(self, user_id: str, time_zone: str | None = None) -> PracticePackResponse:
        """Build today's pack in the learner's day and start a session for it.

        A first visit creates the profile; `time_zone` (the X-Timezone header) moves the learner
        to that zone. Three DynamoDB requests whatever the learner's history: profile, due cards
        (limited), and the write.
        """
        if time_zone is not None:
            parse_time_zone(time_zone)  # reject before any I/O
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                return self._start(user_id, time_zone)
            except ConcurrentUpdate:  # a parallel first visit created the profile: read it again
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _start(self, user_id: str, time_zone: str | None) -> PracticePackResponse:
        now = self._clock()
        stored = self._repository.get_profile(user_id)
        profile = stored or self._new_profile(user_id, time_zone)
        if time_zone is not None and time_zone != profile.time_zone:
            profile = profile.model_copy(update={"time_zone": time_zone})
        course = self._catalog.get(profile.course_id)
        zone = parse_time_zone(profile.time_zone)
        day = learner_day(now, zone, profile.day_start_hour)

        due = self._repository.due_phrase_ids(
            user_id, day_end(day, zone, profile.day_start_hour), self._settings.max_reviews_per_pack
        )
        pack = build_daily_pack(
            course=course,
            profile=profile,
            day=day,
            due_phrase_ids=due,
            max_reviews=self._settings.max_reviews_per_pack,
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
        self._repository.start_session(session, profile if profile != stored else None)
        return pack_response(pack, session, course)

    def get_session(self, user_id: str, session_id: str) -> SessionResponse:
        session = self._repository.get_session(user_id, session_id)
        if session is None:
            raise SessionNotFound(f"no session '{session_id}'")
        return session_response(session)

    def complete_session(
        self, user_id: str, session_id: str, request: CompleteSessionRequest
    ) -> CompletionOutcome:
        """Finish an open session exactly once: XP, streak and card schedules in one transaction.

        A retry with the same results gets the stored summary; different results get a 409.
        Two DynamoDB requests: one read (session, profile, cards) and one transaction.
        """
        digest = results_digest(request)
        phrase_ids = [result.phrase_id for result in request.results]
        for attempt in range(_WRITE_ATTEMPTS):
            session, profile, cards = self._repository.load_for_completion(user_id, session_id, phrase_ids)
            if session is None:
                raise SessionNotFound(f"no session '{session_id}'")
            if not session.is_open:
                return _replay(session, digest)
            now = self._clock()
            if now - session.started_at > timedelta(hours=self._settings.completion_window_hours):
                window = self._settings.completion_window_hours
                raise SessionConflict(
                    f"sessions can be completed within {window} hours of their start", code="session_expired"
                )
            completion = complete(
                session=session,
                profile=profile or self._new_profile(user_id, None),
                cards=cards,
                request=request,
                course=self._catalog.get(session.course_id),
                now=now,
                max_duration=timedelta(seconds=self._settings.max_session_duration_seconds),
            )
            try:
                self._repository.complete_session(completion.session, completion.profile, completion.cards)
            except SessionConflict:  # a concurrent completion won the race: answer as a retry would
                stored = self._repository.get_session(user_id, session_id)
                if stored is None:  # pragma: no cover - sessions are never deleted
                    raise
                return _replay(stored, digest)
            except ConcurrentUpdate:  # the profile or a card moved under us: recompute from fresh state
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise
                continue
            summary = session_response(completion.session)
            return CompletionOutcome(summary, newly_completed=True, xp_awarded=completion.session.xp.total)
        raise AssertionError("unreachable")  # pragma: no cover

    def get_profile(self, user_id: str) -> ProfileResponse:
        """The learner's profile; a learner who never practised sees the defaults."""
        profile = self._repository.get_profile(user_id) or self._new_profile(user_id, None)
        return self._profile_response(profile)

    def update_profile(self, user_id: str, update: ProfileUpdate) -> ProfileResponse:
        """Change the learner's settings (one conditional write; retried if the profile moved).
        A new day-start hour or zone applies from the next pack; streaks are kept."""
        if update.time_zone is not None:
            parse_time_zone(update.time_zone)
        changes = update.model_dump(exclude_unset=True)
        for attempt in range(_WRITE_ATTEMPTS):
            stored = self._repository.get_profile(user_id) or self._new_profile(user_id, None)
            profile = stored.model_copy(update=changes)
            try:
                if profile != stored or stored.version == 0:
                    self._repository.save_profile(profile)
            except ConcurrentUpdate:
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise
                continue
            return self._profile_response(profile)
        raise AssertionError("unreachable")  # pragma: no cover

    def _profile_response(self, profile: Profile) -> ProfileResponse:
        today = learner_day(self._clock(), parse_time_zone(profile.time_zone), profile.day_start_hour)
        return profile_response(profile, today)

    def _new_profile(self, user_id: str, time_zone: str | None) -> Profile:
        settings = self._settings
        return Profile(
            user_id=user_id,
            time_zone=time_zone or settings.default_time_zone,
            day_start_hour=settings.default_day_start_hour,
            daily_new_limit=settings.default_daily_new_limit,
            course_id=settings.default_course_id,
        )


def _replay(session: Session, digest: str) -> CompletionOutcome:
    if session.results_digest != digest:
        raise SessionConflict(
            "this session was already completed with other results", code="session_already_completed"
        )
    return CompletionOutcome(session_response(session), newly_completed=False, xp_awarded=0)
