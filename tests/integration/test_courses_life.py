"""Weeks of a learner switching between two real courses, through the domain services on a fake
clock: no card of one course ever reaches the other's pack, each course resumes where the
learner left it, and streak, XP and the day ledger stay the learner's across courses. Every test
runs on moto's DynamoDB and on the in-memory stores (the `repository` fixture)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from practice.compose import ApiServices
from practice.courses.service import read_course_file
from practice.domain.learner import PracticeReport, Rating, Review
from practice.errors import UnknownCourse
from practice.sessions.results import StartedSession
from tests.conftest import COURSES_DIR, FakeClock
from tests.fakes import AllStores

SPANISH = read_course_file(COURSES_DIR / "es-en.json")
FRENCH = read_course_file(COURSES_DIR / "fr-en.json")
COURSES = {SPANISH.course_id: SPANISH, FRENCH.course_id: FRENCH}
# Two days of Spanish, three of French, one of Spanish, ... : switches both ways, often
PLAN = ["es-en"] * 2 + ["fr-en"] * 3 + ["es-en"] + ["fr-en"] * 2 + ["es-en"] * 3 + ["fr-en"] + ["es-en"] * 2


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 2, 18, 0, tzinfo=UTC))


def rate(started: StartedSession, day: int) -> PracticeReport:
    """Everything in the pack, mostly good, some phrases forgotten now and then."""
    phrases = [*started.pack.review, *started.pack.new]
    ratings = [Rating.AGAIN if (day + n) % 5 == 0 else Rating.GOOD for n in range(len(phrases))]
    return PracticeReport(
        reviews=tuple(Review(phrase_id=p.phrase_id, rating=r) for p, r in zip(phrases, ratings, strict=True))
    )


def test_switching_back_and_forth_for_weeks_never_mixes_courses_and_resumes_each(
    service: ApiServices, repository: AllStores, clock: FakeClock
):
    user = "polyglot"
    introduced: dict[str, list[str]] = {"es-en": [], "fr-en": []}
    total_xp = 0
    for day, course_id in enumerate(PLAN):
        # Given the learner's course for the day, chosen in the morning
        clock.now = datetime(2026, 11, 2, 8, 0, tzinfo=UTC) + timedelta(days=day)
        changed = service.profile.update_profile(user, {"course_id": course_id})
        assert changed.profile.course_id == course_id

        # When they practise in the evening
        clock.advance(hours=10)
        started = service.sessions.start_daily_session(user)
        course = COURSES[course_id]

        # Then the pack is the course's alone: its reviews are phrases this course introduced,
        # and its new phrases continue this course's order where the learner left it
        assert started.session.course_id == course_id
        served = [p.phrase_id for p in (*started.pack.review, *started.pack.new)]
        assert set(served) <= set(course.phrase_by_id)
        assert {p.phrase_id for p in started.pack.review} <= set(introduced[course_id])
        new = [p.phrase_id for p in started.pack.new]
        assert new == [p.phrase_id for p in course.phrases[len(introduced[course_id]) :][: len(new)]]
        assert len(new) == 10  # the daily limit, whichever course
        if started.pack.dialog:
            assert started.pack.dialog.dialog_id in {d.dialog_id for d in course.dialogs}

        clock.advance(minutes=6)
        done = service.sessions.complete_session(user, started.session.session_id, rate(started, day))
        introduced[course_id] += new
        total_xp += done.session.xp.total
        assert done.session.streak_after == day + 1  # one streak, whatever the course

    # And the profile keeps each course's place, the learner's XP and streak over both
    profile = service.profile.get_profile(user).profile
    assert profile.total_xp == total_xp
    assert profile.streak == len(PLAN)
    assert {c: p.next_new_position for c, p in profile.courses.items()} == {
        c: len(ids) for c, ids in introduced.items()
    }
    # And every card is of the course that introduced it, each phrase carded once
    for course_id, ids in introduced.items():
        cards = repository.cards_of(user, course_id)
        assert sorted(cards) == sorted(ids)
        assert all(card.course_id == course_id for card in cards.values())
    # And the ledger has one row a day, whichever course the day was in
    first = date(2026, 11, 2)
    stats = service.progress.stats(user, first, first + timedelta(days=len(PLAN) - 1))
    assert [d.sessions for d in stats.ledger.days] == [1] * len(PLAN)


def test_a_session_started_before_a_switch_counts_for_its_own_course(
    service: ApiServices, repository: AllStores, clock: FakeClock
):
    # Given a Spanish pack started on the phone, then a switch to French (another device)
    started = service.sessions.start_daily_session("ana")
    service.profile.update_profile("ana", {"course_id": "fr-en"})

    # When the Spanish session is uploaded after the switch
    clock.advance(minutes=5)
    service.sessions.complete_session("ana", started.session.session_id, rate(started, 1))

    # Then its cards and its progress are Spanish; French is untouched and is the active course
    profile = service.profile.get_profile("ana").profile
    assert profile.course_id == "fr-en"
    assert profile.progress_in("es-en").next_new_position == 10
    assert profile.progress_in("fr-en").next_new_position == 0
    assert len(repository.cards_of("ana", "es-en")) == 10
    assert repository.cards_of("ana", "fr-en") == {}
    # and the next pack is French, from its first phrase
    clock.advance(minutes=1)
    french = service.sessions.start_daily_session("ana")
    assert french.pack.new == ()  # today's 10 new phrases were the Spanish ones
    clock.advance(days=1)
    french = service.sessions.start_daily_session("ana")
    assert [p.phrase_id for p in french.pack.new] == [p.phrase_id for p in FRENCH.phrases[:10]]


def test_an_unknown_course_is_refused_and_nothing_changes(
    service: ApiServices, repository: AllStores, clock: FakeClock
):
    service.sessions.start_daily_session("ana")
    before = repository.get_profile("ana")
    writes = repository.writes if repository.in_memory else None
    with pytest.raises(UnknownCourse, match="no course 'de-en'"):
        service.profile.update_profile("ana", {"course_id": "de-en", "daily_new_limit": 5})
    assert repository.get_profile("ana") == before
    if writes is not None:
        assert repository.writes == writes


def test_the_catalog_lists_every_course_with_the_learners_place_in_each(
    service: ApiServices, clock: FakeClock
):
    assert [
        (c.course.course_id, c.active, c.phrases_introduced) for c in service.courses.list_courses("new")
    ] == [
        ("es-en", True, 0),
        ("fr-en", False, 0),
    ]
    started = service.sessions.start_daily_session("ana")
    clock.advance(minutes=5)
    service.sessions.complete_session("ana", started.session.session_id, rate(started, 1))
    service.profile.update_profile("ana", {"course_id": "fr-en"})
    choices = {c.course.course_id: c for c in service.courses.list_courses("ana")}
    assert (choices["es-en"].active, choices["es-en"].phrases_introduced) == (False, 10)
    assert (choices["fr-en"].active, choices["fr-en"].phrases_introduced) == (True, 0)
    assert choices["fr-en"].course == FRENCH.summary()
    assert choices["fr-en"].course.phrases == len(FRENCH.phrases) >= 1000
