"""Review events: each review applied through FSRS at its own time, times moved into the session's
window, the session counted for the learner day its practice happened in. Completion is pure, so
these drive it directly with a fake `now` and compare the cards with `fsrs` itself."""

from datetime import UTC, date, datetime

import pytest
from fsrs import Card, Rating, Scheduler

from practice.domain.completion import complete
from practice.domain.learner import PracticeReport, Profile, Review, Session
from practice.domain.learner import Rating as ApiRating
from practice.errors import InvalidResults
from tests.learners import COURSE, RULES, practised

FSRS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
MADRID_DAY_START = 4  # the learner's day starts at 04:00 in Europe/Madrid (UTC+1 in December)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def session(started_at: datetime, new: tuple[str, ...] = ("hola", "gracias", "adios")) -> Session:
    return Session(
        session_id="01KBC3M8Z5T1D2QWERTY123456",
        user_id="ana",
        pack_id="daily_x",
        course_id="es-en",
        review_phrase_ids=(),
        new_phrase_ids=new,
        started_at=started_at,
    )


def profile(**changes: object) -> Profile:
    base = Profile(
        user_id="ana", time_zone="Europe/Madrid", day_start_hour=MADRID_DAY_START, daily_new_limit=10,
        course_id="es-en",
    )  # fmt: skip
    return base.model_copy(update=changes)


def reviews(*items: tuple[str, str, str | None]) -> tuple[Review, ...]:
    return tuple(
        Review(phrase_id=pid, rating=ApiRating(rating), reviewed_at=at(when) if when else None)
        for pid, rating, when in items
    )


def completed(report: PracticeReport, *, started: str, now: str, learner: Profile | None = None):
    return complete(
        session=session(at(started)), profile=learner or profile(), cards={}, report=report, course=COURSE,
        now=at(now), rules=RULES,
    )  # fmt: skip


def fsrs_card(history: list[tuple[str, datetime]]) -> Card:
    scheduler = Scheduler(enable_fuzzing=False)
    card = Card(card_id=0, due=history[0][1])
    for rating, when in history:
        card, _ = scheduler.review_card(card, FSRS[rating], review_datetime=when)
    return card


def test_learning_steps_inside_one_session_follow_fsrs_review_by_review():
    # Given a new phrase failed, seen again a minute later and passed, then a second phrase
    report = PracticeReport(
        reviews=reviews(
            ("hola", "again", "2026-12-01T08:01:02"),
            ("hola", "good", "2026-12-01T08:02:10"),
            ("gracias", "good", "2026-12-01T08:03:00"),
        )
    )
    done = completed(report, started="2026-12-01T08:00:00", now="2026-12-01T08:05:00")

    # Then each card is what fsrs computes from the same timestamped events
    [hola, gracias] = sorted(done.cards, key=lambda card: card.phrase_id != "hola")
    expected = fsrs_card([("again", at("2026-12-01T08:01:02")), ("good", at("2026-12-01T08:02:10"))])
    assert (hola.due, hola.state, hola.step, hola.reps) == (
        expected.due,
        expected.state.value,
        expected.step,
        2,
    )
    assert hola.stability == pytest.approx(expected.stability, rel=1e-12)
    assert gracias.due == fsrs_card([("good", at("2026-12-01T08:03:00"))]).due
    # and the log holds every review with the card before and after
    log = done.session.reviews
    assert [(e.phrase_id, e.rating.value) for e in log] == [
        ("hola", "again"),
        ("hola", "good"),
        ("gracias", "good"),
    ]
    assert log[0].before is None
    assert log[1].before == log[0].after
    assert log[1].elapsed_days == pytest.approx(68 / 86400)
    assert log[2].after.due == gracias.due


def test_xp_goes_by_the_first_recall_and_learning_steps_earn_nothing_more():
    once = completed(PracticeReport(reviews=reviews(("hola", "again", None))), started="2026-12-01T08:00:00",
                     now="2026-12-01T08:05:00")  # fmt: skip
    twice = completed(PracticeReport(reviews=reviews(("hola", "again", None), ("hola", "good", None))),
                      started="2026-12-01T08:00:00", now="2026-12-01T08:05:00")  # fmt: skip
    assert twice.session.xp.phrases == once.session.xp.phrases


def test_times_outside_the_session_are_moved_into_it_keeping_their_order():
    # Given a phone whose clock is an hour behind, then one a day ahead
    report = PracticeReport(
        reviews=reviews(
            ("hola", "again", "2026-12-01T07:00:00"),  # before the session started
            ("hola", "good", "2026-12-01T07:00:01"),
            ("gracias", "easy", "2026-12-02T08:00:00"),  # after the server's now + skew
        ),
        completed_at=at("2026-12-02T08:01:00"),
    )
    done = completed(report, started="2026-12-01T08:00:00", now="2026-12-01T08:10:00")
    times = [entry.reviewed_at for entry in done.session.reviews]
    assert times == [at("2026-12-01T08:00:00"), at("2026-12-01T08:00:00"), at("2026-12-01T08:15:00")]
    assert [entry.rating.value for entry in done.session.reviews] == ["again", "good", "easy"]
    assert done.session.ended_at == at("2026-12-01T08:15:00")
    assert done.session.duration_seconds == 15 * 60


def test_a_session_counts_for_the_day_its_practice_happened_not_the_day_it_was_uploaded():
    # Given a learner who practised yesterday (day N-1) and starts at 03:50 local on day N's
    # evening side of the day start: 02:50 UTC is 03:50 in Madrid, still learner day N-1 + ...
    learner = practised(profile(), date(2026, 11, 30), streak=2, sessions=1)
    report = PracticeReport(reviews=reviews(("hola", "good", "2026-12-01T02:55:00")))

    # When the reviews happened before 04:00 local and the upload arrives at 04:05 local
    done = completed(report, started="2026-12-01T02:50:00", now="2026-12-01T03:05:00", learner=learner)

    # Then it is a second session of 30 November: the streak stays 2, the day is 30 November
    assert done.session.practice_day == date(2026, 11, 30)
    assert (done.session.streak_before, done.session.streak_after) == (2, 2)
    assert done.profile.sessions_on_last_day == 2


def test_an_offline_session_uploaded_the_next_morning_keeps_the_evening_streak():
    # Given a learner with a streak of 3 up to 30 November, practising offline on 1 December at 21:00
    learner = practised(profile(), date(2026, 11, 30), streak=3)
    report = PracticeReport(
        reviews=reviews(("hola", "good", "2026-12-01T20:00:00")), completed_at=at("2026-12-01T20:10:00")
    )
    # When the phone uploads at 09:00 the next morning (learner day 2 December)
    done = completed(report, started="2026-12-01T19:58:00", now="2026-12-02T08:00:00", learner=learner)

    # Then it counts for 1 December: the streak goes on to 4, and the duration is the practice's
    assert done.session.practice_day == date(2026, 12, 1)
    assert done.session.streak_after == 4
    assert done.profile.last_practice_day == date(2026, 12, 1)
    assert done.session.duration_seconds == 12 * 60
    assert done.cards[0].last_review == at("2026-12-01T20:00:00")


def test_an_upload_from_before_the_last_practice_day_leaves_that_days_counts():
    learner = practised(profile(), date(2026, 12, 2), streak=5, sessions=1, new=4)
    report = PracticeReport(reviews=reviews(("hola", "good", "2026-12-01T20:00:00")))
    done = completed(report, started="2026-12-01T19:58:00", now="2026-12-02T20:00:00", learner=learner)
    assert done.session.practice_day == date(2026, 12, 1)
    assert (done.profile.last_practice_day, done.profile.sessions_on_last_day) == (date(2026, 12, 2), 1)
    assert done.profile.new_on_last_day == 4
    assert done.profile.streak == 5


def test_reviews_without_a_time_happen_at_completion():
    report = PracticeReport(reviews=reviews(("hola", "good", None)), completed_at=at("2026-12-01T08:04:00"))
    done = completed(report, started="2026-12-01T08:00:00", now="2026-12-01T09:00:00")
    assert done.session.reviews[0].reviewed_at == at("2026-12-01T08:04:00")
    assert done.session.duration_seconds == 4 * 60


def test_more_reviews_than_the_bounds_are_refused():
    eleven = PracticeReport(reviews=reviews(*[("hola", "again", None)] * 11))
    with pytest.raises(InvalidResults, match="per phrase"):
        completed(eleven, started="2026-12-01T08:00:00", now="2026-12-01T08:05:00")
    many = PracticeReport(
        reviews=reviews(*[(pid, "good", None) for pid in ("hola", "gracias", "adios")] * 101)
    )
    with pytest.raises(InvalidResults, match="at most 300 reviews"):
        completed(many, started="2026-12-01T08:00:00", now="2026-12-01T08:05:00")
