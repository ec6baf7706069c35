"""The practice service on the in-memory repository, with a fake clock: completion replays,
expiry, lost races and optimistic-concurrency retries. No moto, no network."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from practice.compose import ApiServices
from practice.domain.learner import PracticeReport, Rating, Review
from practice.domain.limits import WRITE_ATTEMPTS
from practice.errors import (
    ConcurrentUpdate,
    CourseNotLoaded,
    InvalidResults,
    InvalidTimeZone,
    SessionAlreadyCompleted,
    SessionExpired,
    SessionNotFound,
)
from practice.runtime.settings import Settings
from practice.sessions.results import StartedSession
from tests.conftest import COURSES_DIR, FakeClock
from tests.fakes import AllStores, Interleaved, conflict, in_memory, services_on

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SETTINGS = Settings(table_name="practice-unit", idempotency_table_name="idempotency-unit")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def repository() -> AllStores:
    return in_memory(COURSES_DIR)


@pytest.fixture
def service(repository: AllStores, clock: FakeClock) -> ApiServices:
    return services_on(repository, clock, SETTINGS)


def all_rated(started: StartedSession, rating: Rating = Rating.GOOD) -> PracticeReport:
    phrases = started.pack.review + started.pack.new
    return PracticeReport(reviews=tuple(Review(phrase_id=p.phrase_id, rating=rating) for p in phrases))


def test_a_completion_scores_schedules_and_closes_the_session(service, repository, clock):
    # Given a new learner's first pack
    started = service.sessions.start_daily_session("ana", "Europe/Madrid")
    clock.now += timedelta(minutes=5)

    # When every phrase is rated good
    outcome = service.sessions.complete_session("ana", started.session.session_id, all_rated(started))

    # Then the session is closed with its duration and XP, and every phrase has a card
    session = outcome.session
    assert outcome.newly_completed
    assert (session.is_open, session.duration_seconds, session.streak_after) == (False, 300, 1)
    assert outcome.xp_awarded == session.xp.total > 0
    profile = repository.get_profile("ana")
    assert profile is not None
    assert profile.total_xp == session.xp.total
    assert {name for (_, name) in repository.cards} == {f"es-en#{p.phrase_id}" for p in started.pack.new}


def test_a_retry_with_the_same_results_is_answered_from_the_stored_session(service, repository):
    started = service.sessions.start_daily_session("ana")
    first = service.sessions.complete_session("ana", started.session.session_id, all_rated(started))
    writes = repository.writes

    # The same upload again (a retry after a lost response)
    again = service.sessions.complete_session("ana", started.session.session_id, all_rated(started))

    assert (again.newly_completed, again.xp_awarded) == (False, 0)
    assert again.session == first.session
    assert repository.writes == writes


def test_other_results_for_a_completed_session_are_refused(service, repository):
    started = service.sessions.start_daily_session("ana")
    service.sessions.complete_session("ana", started.session.session_id, all_rated(started))
    writes = repository.writes
    with pytest.raises(SessionAlreadyCompleted):
        service.sessions.complete_session("ana", started.session.session_id, all_rated(started, Rating.EASY))
    assert repository.writes == writes


def test_a_session_past_its_window_expires_and_nothing_is_written(service, repository, clock):
    started = service.sessions.start_daily_session("ana")
    writes = repository.writes
    clock.now += timedelta(hours=SETTINGS.completion_window_hours, seconds=1)
    with pytest.raises(SessionExpired):
        service.sessions.complete_session("ana", started.session.session_id, all_rated(started))
    assert repository.writes == writes
    assert repository.sessions["ana", started.session.session_id].is_open


def test_another_learners_session_is_not_found(service):
    started = service.sessions.start_daily_session("ana")
    with pytest.raises(SessionNotFound):
        service.sessions.complete_session("bea", started.session.session_id, all_rated(started))
    with pytest.raises(SessionNotFound):
        service.sessions.get_session("bea", started.session.session_id)


def test_results_for_phrases_not_served_are_refused_before_any_write(service, repository):
    started = service.sessions.start_daily_session("ana")
    writes = repository.writes
    stranger = PracticeReport(reviews=(Review(phrase_id="not-served", rating=Rating.GOOD),))
    with pytest.raises(InvalidResults):
        service.sessions.complete_session("ana", started.session.session_id, stranger)
    assert repository.writes == writes


def test_a_completion_that_loses_a_version_race_is_recomputed(repository, clock):
    # Given a profile that other requests change just before each of our writes but the last
    racing = Interleaved(repository).before("complete_session", *[conflict] * (WRITE_ATTEMPTS - 1))
    service = services_on(racing, clock)
    started = service.sessions.start_daily_session("ana")

    # When the learner completes: the last attempt goes through
    outcome = service.sessions.complete_session("ana", started.session.session_id, all_rated(started))
    assert outcome.newly_completed
    assert racing.pending("complete_session") == 0


def test_a_completion_that_keeps_losing_races_gives_up_with_a_conflict(repository, clock):
    racing = Interleaved(repository).before("complete_session", *[conflict] * WRITE_ATTEMPTS)
    service = services_on(racing, clock)
    started = service.sessions.start_daily_session("ana")
    with pytest.raises(ConcurrentUpdate):
        service.sessions.complete_session("ana", started.session.session_id, all_rated(started))
    assert repository.sessions["ana", started.session.session_id].is_open


def test_a_completion_that_a_twin_finished_first_is_answered_as_a_retry(repository, clock):
    # Given a twin request that completes the same session with the same results meanwhile
    service = services_on(repository, clock)
    started = service.sessions.start_daily_session("ana")
    report = all_rated(started)

    twin_first = Interleaved(repository).before(
        "complete_session",
        lambda: service.sessions.complete_session("ana", started.session.session_id, report),
    )
    # our write is then refused (the session is no longer open)
    outcome = services_on(twin_first, clock).sessions.complete_session(
        "ana", started.session.session_id, report
    )
    assert (outcome.newly_completed, outcome.xp_awarded) == (False, 0)
    profile = repository.get_profile("ana")
    assert profile is not None
    assert profile.total_xp == outcome.session.xp.total  # awarded once


def test_a_profile_update_is_retried_when_the_profile_moved(repository, clock):
    racing = Interleaved(repository).before("save_profile", conflict)
    service = services_on(racing, clock)
    status = service.profile.update_profile("ana", {"daily_new_limit": 5, "time_zone": "Asia/Tokyo"})
    assert (status.profile.daily_new_limit, status.profile.time_zone) == (5, "Asia/Tokyo")
    stored = repository.get_profile("ana")
    assert stored is not None
    assert (stored.daily_new_limit, stored.day_start_hour, stored.version) == (5, 4, 1)


def test_an_unknown_time_zone_is_refused_before_any_read(service, repository):
    with pytest.raises(InvalidTimeZone):
        service.profile.update_profile("ana", {"time_zone": "Mars/Olympus"})
    with pytest.raises(InvalidTimeZone):
        service.sessions.start_daily_session("ana", "Mars/Olympus")
    assert repository.writes == 0


def test_the_live_streak_is_zero_once_a_day_was_missed(service, clock):
    started = service.sessions.start_daily_session("ana")
    clock.now += timedelta(minutes=5)
    service.sessions.complete_session("ana", started.session.session_id, all_rated(started))
    assert service.profile.get_profile("ana").live_streak == 1
    clock.now += timedelta(days=2)
    status = service.profile.get_profile("ana")
    assert (status.profile.streak, status.live_streak) == (1, 0)


def test_a_course_that_was_never_loaded_is_reported(clock):
    empty = in_memory()
    with pytest.raises(CourseNotLoaded):
        services_on(empty, clock).sessions.start_daily_session("ana")
    assert empty.writes == 0


class ReadTogether:
    """Holds every thread's first completion read until all have read: they all compute from the
    same profile version, so all but one must lose the first write (the worst case)."""

    def __init__(self, inner: AllStores, parties: int) -> None:
        self._inner = inner
        self._barrier = threading.Barrier(parties)
        self._seen = threading.local()
        self.conflicts = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def load_for_completion(self, *args: Any) -> Any:
        loaded = self._inner.load_for_completion(*args)
        if not getattr(self._seen, "read", False):
            self._seen.read = True
            self._barrier.wait()
        return loaded

    def complete_session(self, *args: Any) -> None:
        try:
            self._inner.complete_session(*args)
        except ConcurrentUpdate:
            self.conflicts += 1
            raise


def test_six_devices_completing_six_sessions_at_once_all_succeed_exactly_once(repository, clock):
    # Given one learner with six sessions open on six devices, sharing phrases
    sessions = [services_on(repository, clock).sessions.start_daily_session("ana") for _ in range(6)]
    clock.now += timedelta(minutes=3)
    racing = ReadTogether(repository, parties=len(sessions))
    service = services_on(racing, clock)
    outcomes: list[Any] = []

    def complete(started: StartedSession) -> None:
        outcomes.append(
            service.sessions.complete_session("ana", started.session.session_id, all_rated(started))
        )

    # When all six complete at once, each computing from the same profile first
    threads = [threading.Thread(target=complete, args=(started,)) for started in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then all six lost races (five the first time) and still each completed exactly once
    assert racing.conflicts >= len(sessions) - 1
    assert len(outcomes) == 6
    assert all(outcome.newly_completed for outcome in outcomes)
    profile = repository.get_profile("ana")
    assert profile is not None
    assert profile.sessions_on_last_day == 6
    assert profile.total_xp == sum(outcome.session.xp.total for outcome in outcomes)


def test_a_completion_outlasts_five_other_devices_finishing_first(repository, clock):
    # Given six open sessions, and five other devices that each finish theirs just before our write
    service = services_on(repository, clock)
    mine, *others = [service.sessions.start_daily_session("ana") for _ in range(6)]
    clock.now += timedelta(minutes=5)

    def finish(started: StartedSession) -> Callable[[], object]:
        return lambda: service.sessions.complete_session(
            "ana", started.session.session_id, all_rated(started)
        )

    # (each lands between our read and our write)
    others_first = Interleaved(repository).before(
        "complete_session", *(finish(started) for started in others)
    )

    # When ours completes, it loses five races (one per other device), then goes through
    ours = services_on(others_first, clock)
    outcome = ours.sessions.complete_session("ana", mine.session.session_id, all_rated(mine))
    assert outcome.newly_completed
    assert others_first.pending("complete_session") == 0
    profile = repository.get_profile("ana")
    assert profile is not None
    assert profile.sessions_on_last_day == 6
