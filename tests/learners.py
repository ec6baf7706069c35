"""Learners for unit tests: a profile with a practice history stated in days, and one session of
practice run through the real completion code."""

from datetime import date, datetime, timedelta

from practice.courses.service import read_course_file
from practice.domain.completion import Completion, TimeRules, complete
from practice.domain.learner import PracticeReport, Profile, Rating, Review, Session
from practice.domain.learner_day import day_end, day_start, parse_time_zone
from practice.domain.scheduling import DAY
from practice.domain.workload import fuzz_bounds
from tests.conftest import COURSES_DIR

COURSE = read_course_file(COURSES_DIR / "es-en.json")
RULES = TimeRules(
    max_duration=timedelta(hours=2),
    clock_skew=timedelta(minutes=5),
    max_reviews_per_phrase=10,
    max_reviews=300,
)


def assert_spread_from(
    due: datetime, fsrs_due: datetime, reviewed_at: datetime, *, review_card: bool
) -> None:
    """`due` is what spreading (domain/workload.py) made of fsrs's own `fsrs_due`: the same for a
    card in its learning steps; for a review card, whole days after the review, within the fuzz
    range around fsrs's interval."""
    if not review_card:
        assert due == fsrs_due
        return
    lower, upper = fuzz_bounds(round((fsrs_due - reviewed_at) / DAY), 1, 36500)
    assert (due - reviewed_at) % DAY == timedelta(0)
    assert lower <= (due - reviewed_at) // DAY <= upper, (due, fsrs_due, reviewed_at)


def practised(learner: Profile, day: date, *, streak: int, **counts: int) -> Profile:
    """`learner` as stored after practising on `day` with a streak of `streak` (in the windows
    their settings give that day); `counts` are that day's sessions/new/reviews counters."""
    zone, hour = parse_time_zone(learner.time_zone), learner.day_start_hour
    return learner.model_copy(
        update={
            "streak": streak,
            "best_streak": max(learner.best_streak, streak),
            "streak_day": day,
            "streak_until": day_end(day + timedelta(days=1), zone, hour),
            "last_practice_day": day,
            "day_started_at": day_start(day, zone, hour),
            "day_ends_at": day_end(day, zone, hour),
            "sessions_on_last_day": counts.get("sessions", 1),
            "new_on_last_day": counts.get("new", 0),
            "reviews_on_last_day": counts.get("reviews", 0),
        }
    )


def practise(learner: Profile, at: datetime, *, minutes: int = 5, phrase_id: str = "hola") -> Completion:
    """One session of `minutes`, one phrase rated good at its end (`at`), uploaded at once."""
    session = Session(
        session_id="01KBC3M8Z5T1D2QWERTY123456",
        user_id=learner.user_id,
        pack_id="daily_x",
        course_id=COURSE.course_id,
        review_phrase_ids=(),
        new_phrase_ids=(phrase_id,),
        started_at=at - timedelta(minutes=minutes),
    )
    report = PracticeReport(reviews=(Review(phrase_id=phrase_id, rating=Rating.GOOD, reviewed_at=at),))
    return complete(
        session=session, profile=learner, cards={}, report=report, course=COURSE, now=at, rules=RULES
    )
