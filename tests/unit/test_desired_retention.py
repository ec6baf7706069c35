"""The learner's desired retention schedules their reviews: each card's next due time is what
`fsrs` computes directly, aiming at that retention, from the same review."""

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State

from practice.courses.service import read_course_file
from practice.domain.completion import TimeRules, complete
from practice.domain.learner import CardState, PracticeReport, Profile, Review, Session
from practice.domain.learner import Rating as ApiRating
from practice.domain.scheduling import review
from tests.conftest import COURSES_DIR
from tests.learners import assert_spread_from

AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
COURSE = read_course_file(COURSES_DIR / "es-en.json")
LEARNED = CardState(
    course_id="es-en",
    phrase_id="hola", state=2, step=None, stability=10.0, difficulty=5.0,
    due=AT, last_review=AT - timedelta(days=10), reps=4,
)  # fmt: skip


@pytest.mark.parametrize("retention", [0.7, 0.8, 0.9, 0.95, 0.97])
def test_a_review_is_scheduled_as_fsrs_schedules_it_for_the_retention(retention):
    after = review("hola", LEARNED, ApiRating.GOOD, AT, course_id="es-en", desired_retention=retention)
    card = Card(card_id=0, state=State.Review, stability=10.0, difficulty=5.0, due=AT,
                last_review=AT - timedelta(days=10))  # fmt: skip
    expected, _ = Scheduler(desired_retention=retention, enable_fuzzing=False).review_card(
        card, Rating.Good, review_datetime=AT
    )
    assert after.due == expected.due
    assert after.stability == pytest.approx(expected.stability)


def test_a_higher_retention_brings_reviews_sooner():
    intervals = [
        review("hola", LEARNED, ApiRating.GOOD, AT, course_id="es-en", desired_retention=r).due - AT
        for r in (0.7, 0.8, 0.9, 0.97)
    ]
    assert intervals == sorted(intervals, reverse=True)
    assert intervals[0] > 3 * intervals[-1]


def test_a_completion_schedules_with_the_learners_retention():
    # Given two learners alike but for their desired retention, each reviewing the same card
    phrase = COURSE.phrases[0].phrase_id
    card = LEARNED.model_copy(update={"phrase_id": phrase, "version": 1})
    due = {}
    for retention in (0.75, 0.95):
        profile = Profile(user_id="ana", time_zone="UTC", day_start_hour=4, daily_new_limit=10,
                          course_id=COURSE.course_id, desired_retention=retention, version=1)  # fmt: skip
        session = Session(session_id="01KB0000000000000000000000", user_id="ana", pack_id="daily_2026-12-01",
                          course_id=COURSE.course_id, review_phrase_ids=(phrase,), new_phrase_ids=(),
                          started_at=AT)  # fmt: skip
        # When each completes a session rating it good
        done = complete(
            session=session, profile=profile, cards={phrase: card},
            report=PracticeReport(reviews=(Review(phrase_id=phrase, rating=ApiRating.GOOD),)),
            course=COURSE, now=AT + timedelta(minutes=3),
            rules=TimeRules(timedelta(hours=2), timedelta(minutes=5), 10, 300),
        )  # fmt: skip
        [after] = done.cards
        due[retention] = after.due
    # Then each card is due on a day of the fuzz range around FSRS's interval for that retention
    for retention, at in due.items():
        later = AT + timedelta(minutes=3)
        ideal = review(
            phrase, card, ApiRating.GOOD, later, course_id="es-en", desired_retention=retention
        ).due
        assert_spread_from(at, ideal, later, review_card=True)
    assert due[0.75] > due[0.95]
