"""The learning loop over simulated days, through the domain service: packs, FSRS schedules,
streaks and XP, plus completions racing each other. Every test runs twice: on moto's DynamoDB
and on the in-memory repository (the `repository` fixture), so the fake the unit tests use is
held to the real thing."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Rating, Scheduler, State

from practice.domain.learner import PracticeReport, Review
from practice.domain.learner import Rating as ApiRating
from practice.domain.learner_day import day_end, learner_day
from practice.domain.scoring import (
    PACK_FINISHED_BONUS,
    XP_PER_PHRASE,
    Effort,
    StreakChange,
    award_xp,
    credited_work,
)
from practice.errors import SessionAlreadyCompleted
from practice.sessions.results import StartedSession
from tests.conftest import FakeClock
from tests.fakes import AllStores, Interleaved, services_on
from tests.learners import assert_spread_from

FSRS_RATING = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 26, 18, 0, tzinfo=UTC))  # Madrid springs forward on the 29th


def assert_cards_follow_fsrs(
    repository: AllStores, user: str, history: dict[str, list[tuple[str, datetime]]]
) -> None:
    """Every stored card is what `fsrs` computes from the same (rating, time) history: the same
    memory state, and due on a day of the fuzz range around fsrs's own interval (the spread:
    domain/workload.py), and counted on that learner day."""
    scheduler = Scheduler(enable_fuzzing=False)
    stored = repository.cards_of(user)
    assert stored.keys() == history.keys()
    for phrase_id, events in history.items():
        card = Card(card_id=0, due=events[0][1])
        for rating, at in events:
            card, _ = scheduler.review_card(card, FSRS_RATING[rating], review_datetime=at)
        mine = stored[phrase_id]
        assert (mine.state, mine.step, mine.last_review) == (card.state.value, card.step, card.last_review)
        assert_spread_from(mine.due, card.due, card.last_review, review_card=card.state == State.Review)
        assert mine.reps == len(events)
        assert mine.stability == pytest.approx(card.stability, rel=1e-12)
        assert mine.difficulty == pytest.approx(card.difficulty, rel=1e-12)


def rating_for(phrase_id: str, day: int) -> str:
    """A learner who forgets some phrases now and then, deterministically."""
    return ["good", "good", "again", "hard", "easy", "good", "good"][(sum(map(ord, phrase_id)) + day) % 7]


def report(ratings: dict[str, str]) -> PracticeReport:
    return PracticeReport(
        reviews=tuple(Review(phrase_id=pid, rating=ApiRating(r)) for pid, r in ratings.items())
    )


def rate_all(started: StartedSession, rating: str = "good", limit: int | None = None) -> PracticeReport:
    phrases = (started.pack.review + started.pack.new)[:limit]
    return report({p.phrase_id: rating for p in phrases})


def due_cards(repository: AllStores, user_id: str, before: datetime) -> set[str]:
    due = repository.due_cards(user_id, "es-en", before, learning_limit=1000, review_limit=1000)
    return {card.phrase_id for card in due.learning + due.reviews}


def test_a_month_of_practice_follows_fsrs_streaks_and_xp(service, repository, clock):
    user, zone_name = "madrid-learner", "Europe/Madrid"
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    history: dict[str, list[tuple[str, datetime]]] = {}
    expected_streak, expected_total = 0, 0
    # one day missed: the streak freeze earned on the 7th day covers it (scoring.py)
    skipped_day = 9

    for day_number in range(21):
        clock.now = datetime(2026, 3, 26, 18, 0, tzinfo=UTC) + timedelta(days=day_number)
        if day_number == skipped_day:
            continue
        today = learner_day(clock.now, zone, 4)
        # the cards FSRS made due by the end of the learner's day, before this pack
        expected_due = due_cards(repository, user, day_end(today, zone, 4))

        started = service.sessions.start_daily_session(user, zone_name if day_number == 0 else None)
        pack = started.pack

        served_reviews = {p.phrase_id for p in pack.review}
        assert served_reviews == expected_due  # fewer than the cap in this scenario
        assert pack.pack_id == f"daily_{today.isoformat()}"

        results = [
            {"phrase_id": p.phrase_id, "rating": rating_for(p.phrase_id, day_number)}
            for p in pack.review + pack.new
        ]
        clock.now += timedelta(minutes=7)
        outcome = service.sessions.complete_session(
            user, started.session.session_id, report({r["phrase_id"]: r["rating"] for r in results})
        )
        summary = outcome.session

        expected_streak += 1  # the frozen day keeps the streak but does not add to it
        assert (summary.streak_after, summary.duration_seconds) == (expected_streak, 420)
        work = Effort(
            phrases_rated=len(results), phrases_served=len(results), dialog_completed=False,
            drill_completed=False, seconds=420,
        )  # fmt: skip
        expected_xp = award_xp(
            credited_work(work),
            earlier_sessions_today=0,
            streak=StreakChange(summary.streak_before, expected_streak, first_session_of_day=True),
        )
        assert summary.xp.total == expected_xp.total
        expected_total += expected_xp.total
        assert summary.learner_total_xp == expected_total
        for result in results:
            history.setdefault(result["phrase_id"], []).append((result["rating"], clock.now))

    assert summary.learner_best_streak == 20  # 21 days, one of them frozen
    # the freeze of the 7-day milestone was spent on the missed day, the 14-day one is held
    assert repository.get_profile(user).freezes == 1
    # Every stored card is what fsrs itself computes from the same review history
    assert_cards_follow_fsrs(repository, user, history)


def test_a_second_session_the_same_day_keeps_the_streak_and_earns_half(service, clock):
    user = "twice-a-day"
    first = service.sessions.start_daily_session(user, "Asia/Tokyo")
    clock.now += timedelta(minutes=5)
    one = service.sessions.complete_session(user, first.session.session_id, rate_all(first)).session
    clock.now += timedelta(minutes=25)  # 03:30 in Tokyo: still the same learner day (starts 04:00)
    second = service.sessions.start_daily_session(user)
    assert second.pack.new == ()  # the daily new limit was used by the first session
    clock.now += timedelta(minutes=5)
    two = service.sessions.complete_session(user, second.session.session_id, rate_all(second)).session
    assert (two.streak_before, two.streak_after, two.xp.streak_bonus) == (1, 1, 0)
    assert len(second.pack.review) > 0  # the phrases still in their learning steps
    assert two.xp.phrases == len(second.pack.review) * XP_PER_PHRASE // 2
    assert two.xp.session_bonus == PACK_FINISHED_BONUS // 2
    assert one.streak_after == 1


def test_two_first_visits_at_once_get_two_sessions_and_one_profile(repository, service, clock):
    # Given a new learner whose app sends two first requests at once
    rival: list[Any] = []
    racing = services_on(
        Interleaved(repository).before(
            "start_session", lambda: rival.append(service.sessions.start_daily_session("newcomer", "UTC"))
        ),
        clock,
    )
    # When ours loses the race to create the profile, it reads the profile again and goes on
    mine = racing.sessions.start_daily_session("newcomer", "UTC")
    assert mine.session.session_id != rival[0].session.session_id
    assert mine.pack.new == rival[0].pack.new
    profile = repository.get_profile("newcomer")
    assert profile is not None
    assert profile.version == 1


@pytest.mark.parametrize("same_results", [True, False])
def test_concurrent_completions_award_exactly_once(repository, service, clock, same_results):
    user = "racer"
    started = service.sessions.start_daily_session(user, "UTC")
    session_id = started.session.session_id
    good = report({p.phrase_id: "good" for p in started.pack.new})
    other = good if same_results else report({p.phrase_id: "easy" for p in started.pack.new})
    clock.advance(minutes=5)
    rival_outcome: list[Any] = []
    racing = services_on(
        Interleaved(repository).before(
            "complete_session",
            lambda: rival_outcome.append(service.sessions.complete_session(user, session_id, other)),
        ),
        clock,
    )

    if same_results:
        outcome = racing.sessions.complete_session(user, session_id, good)
        assert outcome.newly_completed is False
        assert outcome.session == rival_outcome[0].session
    else:
        with pytest.raises(SessionAlreadyCompleted):
            racing.sessions.complete_session(user, session_id, good)

    profile = repository.get_profile(user)
    assert profile is not None
    assert profile.total_xp == rival_outcome[0].session.xp.total
    assert profile.sessions_on_last_day == 1


def test_two_sessions_completing_at_once_both_count_without_losing_an_update(repository, service, clock):
    user = "two-devices"
    first = service.sessions.start_daily_session(user, "UTC")
    second = service.sessions.start_daily_session(user)
    clock.advance(minutes=5)
    rival: list[Any] = []
    racing = services_on(
        Interleaved(repository).before(
            "complete_session",
            lambda: rival.append(
                service.sessions.complete_session(user, second.session.session_id, rate_all(second, limit=3))
            ),
        ),
        clock,
    )
    # retried after a version conflict
    mine = racing.sessions.complete_session(user, first.session.session_id, rate_all(first, limit=3))
    profile = repository.get_profile(user)
    assert profile is not None
    assert profile.total_xp == mine.session.xp.total + rival[0].session.xp.total
    assert profile.sessions_on_last_day == 2
    assert repository.cards_of(user)[first.pack.new[0].phrase_id].reps == 2  # both sessions reviewed it


def test_a_week_of_offline_sessions_uploaded_hours_late_follows_fsrs_and_keeps_the_streak(
    repository, service, clock
):
    # Given a learner in Madrid who practises on the train at 19:00 local each evening, with
    # learning steps (a failed phrase again a minute later), and whose phone uploads at 08:00 the
    # next morning (the next learner day), before the next evening's pack
    user, zone = "commuter", ZoneInfo("Europe/Madrid")
    history: dict[str, list[tuple[str, datetime]]] = {}
    start = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # 19:00 in Madrid
    pending: list[tuple[StartedSession, PracticeReport]] = []
    streaks, totals = [], 0

    for day_number in range(7):
        evening = start + timedelta(days=day_number)
        clock.now = evening
        started = service.sessions.start_daily_session(user, "Europe/Madrid" if day_number == 0 else None)
        steps: list[Review] = []
        when = evening + timedelta(minutes=1)
        for phrase in started.pack.review + started.pack.new:
            rating = rating_for(phrase.phrase_id, day_number)
            steps.append(Review(phrase_id=phrase.phrase_id, rating=ApiRating(rating), reviewed_at=when))
            history.setdefault(phrase.phrase_id, []).append((rating, when))
            when += timedelta(seconds=40)
            if rating == "again":  # a learning step: seen again a minute later, and passed
                when += timedelta(minutes=1)
                steps.append(Review(phrase_id=phrase.phrase_id, rating=ApiRating.GOOD, reviewed_at=when))
                history[phrase.phrase_id].append(("good", when))
        pending.append((started, PracticeReport(reviews=tuple(steps), completed_at=when)))

        # The upload, 13 hours later: the next learner day, within the 48-hour window
        clock.now = evening + timedelta(hours=13)
        started, report = pending.pop()
        outcome = service.sessions.complete_session(user, started.session.session_id, report)
        assert outcome.session.practice_day == learner_day(evening, zone, 4)
        streaks.append(outcome.session.streak_after)
        totals += outcome.session.xp.total

    # Then every evening counted for its own day: the streak grew by one each day
    assert streaks == [1, 2, 3, 4, 5, 6, 7]
    profile = repository.get_profile(user)
    assert profile is not None
    assert (profile.streak, profile.total_xp) == (7, totals)
    # and every card is what fsrs computes from the same timestamped events
    assert_cards_follow_fsrs(repository, user, history)
