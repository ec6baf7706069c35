"""Weeks of practice with review intervals spread (practice/domain/workload.py), through the
domain services on a fake clock, on moto's DynamoDB and on the in-memory stores: the cards due per
day stay exactly a recount of the cards, through course switches, lapses and phrases retired
from a course; a retried completion places every card where the first try would have; easy days
hold; and the forecast reads the counts."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from practice.compose import ApiServices
from practice.courses.service import read_course_file
from practice.domain.content import Course
from practice.domain.learner import PracticeReport, Rating, Review
from practice.domain.learner_day import learner_day
from practice.runtime.settings import Settings
from practice.sessions.results import StartedSession
from tests.conftest import COURSES_DIR, FakeClock
from tests.fakes import AllStores, Interleaved, conflict, in_memory, services_on

SPANISH = read_course_file(COURSES_DIR / "es-en.json")
FRENCH = read_course_file(COURSES_DIR / "fr-en.json")
START = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)  # a Monday
SPAIN = ZoneInfo("Europe/Madrid")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def rate(started: StartedSession, day: int) -> PracticeReport:
    """Everything in the pack; every fifth phrase forgotten, and seen again a minute later."""
    reviews = []
    at = started.session.started_at
    for n, phrase in enumerate((*started.pack.review, *started.pack.new)):
        at += timedelta(seconds=20)
        if (day + n) % 5 == 0:
            reviews.append(Review(phrase_id=phrase.phrase_id, rating=Rating.AGAIN, reviewed_at=at))
            reviews.append(
                Review(phrase_id=phrase.phrase_id, rating=Rating.GOOD, reviewed_at=at + timedelta(minutes=1))
            )
        else:
            reviews.append(Review(phrase_id=phrase.phrase_id, rating=Rating.GOOD, reviewed_at=at))
    return PracticeReport(reviews=tuple(reviews), completed_at=at + timedelta(minutes=2))


def recount(repository: AllStores, user: str, course_id: str) -> dict[date, int]:
    """The learner's cards of the course by the day they are counted on, read card by card."""
    cards = repository.cards_of(user, course_id).values()
    return dict(Counter(card.due_day for card in cards if card.due_day is not None))


def counted(repository: AllStores, user: str, course_id: str) -> dict[date, int]:
    return {day: n for day, n in repository.due_per_day(user, course_id).items() if n}


def without(course: Course, dropped: set[str]) -> Course:
    """`course` after an edit that took `dropped` out (with the dialogs and drills naming them)."""
    return Course.model_validate(
        {
            **course.model_dump(),
            "phrases": [p.model_dump() for p in course.phrases if p.phrase_id not in dropped],
            "dialogs": [d.model_dump() for d in course.dialogs if not d.phrase_ids & dropped],
            "drills": [d.model_dump() for d in course.drills if not set(d.phrase_ids) & dropped],
        }
    )


def practise(service: ApiServices, clock: FakeClock, user: str, day: int) -> StartedSession:
    clock.now = START + timedelta(days=day)
    started = service.sessions.start_daily_session(user)
    clock.advance(minutes=10)
    service.sessions.complete_session(user, started.session.session_id, rate(started, day))
    return started


def test_the_cards_due_per_day_are_a_recount_of_the_cards_through_weeks_of_practice(
    repository: AllStores, clock: FakeClock
):
    service = services_on(repository, clock, Settings(course_cache_seconds=0))  # sees the edit at once
    user = "steady"
    service.profile.update_profile(user, {"time_zone": "Europe/Madrid", "daily_new_limit": 15})
    plan = ["es-en"] * 12 + ["fr-en"] * 5 + ["es-en"] * 14
    dropped: set[str] = set()
    for day, course_id in enumerate(plan):
        if day and course_id != plan[day - 1]:
            service.profile.update_profile(user, {"course_id": course_id})
        if day == 20:  # the Spanish course is edited: five phrases whose cards fall due today go
            due = repository.due_cards(
                user, "es-en", clock.now + timedelta(hours=6), learning_limit=0, review_limit=5
            )
            dropped = {card.phrase_id for card in due.reviews}
            repository.put_course(without(SPANISH, dropped))
        practise(service, clock, user, day)
        # Then after every day, in both courses, the counts are the cards' own days
        for course in ("es-en", "fr-en"):
            assert counted(repository, user, course) == recount(repository, user, course), (day, course)

    # The dropped phrases' cards were retired (out of the index and the counts), lapses happened,
    # and the counts hold days ahead, spread rather than piled
    cards = repository.cards_of(user, "es-en")
    assert dropped and all(cards[pid].due_day is None for pid in dropped)
    assert sum(card.lapses for card in cards.values()) > 0
    ahead = {
        d: n for d, n in counted(repository, user, "es-en").items() if d > learner_day(clock.now, SPAIN, 4)
    }
    assert len(ahead) >= 20


def test_completions_recomputed_after_a_lost_race_write_the_same_due_dates_as_clean_ones(clock: FakeClock):
    # Given the same learner's same two weeks, once cleanly and once with every third
    # completion's first write losing a race (so it is computed again from fresh state)
    results = []
    for races in (False, True):
        repository = in_memory(COURSES_DIR)
        plain = services_on(repository, clock)
        for day in range(15):
            clock.now = START + timedelta(days=day)
            started = plain.sessions.start_daily_session("ana")
            clock.advance(minutes=10)
            via = plain
            if races and day % 3 == 0:
                via = services_on(Interleaved(repository).before("complete_session", conflict), clock)
            via.sessions.complete_session("ana", started.session.session_id, rate(started, day))
        results.append({pid: (c.due, c.due_day) for pid, c in repository.cards_of("ana").items()})
    # Then every card is due at the same instant, counted on the same day
    assert results[0] == results[1]
    assert len({due for due, _ in results[0].values()}) > 10


def test_a_learner_with_minimum_sundays_has_no_review_due_on_a_sunday_that_could_go_elsewhere(
    repository: AllStores, clock: FakeClock
):
    service = services_on(repository, clock)
    service.profile.update_profile(
        "weekday-learner", {"easy_days": {"sunday": "minimum", "saturday": "reduced"}}
    )
    for day in range(28):
        if (START + timedelta(days=day)).weekday() == 6:
            continue  # they do not practise on Sundays either
        practise(service, clock, "weekday-learner", day)
    # Then no review card whose fuzz range held another day is due on a Sunday (intervals under
    # 2.5 days are not fuzzed: a card rated on Friday for 2 days is due on Sunday)
    cards = repository.cards_of("weekday-learner").values()
    spread = [
        c for c in cards if c.state == 2 and c.last_review and c.due - c.last_review >= timedelta(days=3)
    ]
    assert len(spread) > 50
    assert not [c.phrase_id for c in spread if c.due_day.weekday() == 6]
    assert any(c.due_day.weekday() == 6 for c in cards if c not in spread)
