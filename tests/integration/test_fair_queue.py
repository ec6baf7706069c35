"""A fair daily queue and honest rewards, one test per finding of the issue, each driven through
the domain service with a fake clock over days and weeks of a learner's life. Every test runs on
moto's DynamoDB and on the in-memory repository (the `repository` fixture)."""

import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from practice.compose import ApiServices
from practice.courses.service import read_course_file
from practice.domain.content import Course
from practice.domain.learner import CardState, CourseProgress, PracticeReport, Profile, Rating, Review
from practice.domain.scoring import STREAK_BONUS_PER_DAY, XP_PER_PHRASE
from practice.dynamodb.items import card_item
from practice.sessions.results import StartedSession
from practice_local.cloud.moto_transactions import cheap_transaction_backups
from practice_local.simulation.memory.table import card_name
from practice_local.simulation.seed import bench_course, write_items
from tests.conftest import COURSES_DIR, TABLE_NAMES, FakeClock
from tests.fakes import AllStores

START = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # a Monday, 08:00 UTC
ES_EN = read_course_file(COURSES_DIR / "es-en.json")

Plant = Callable[[str, list[CardState]], None]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture(autouse=True)
def transactions_independent_of_table_size() -> Iterator[None]:
    """moto copies the whole table for each transaction; 1,000-card learners make that slow."""
    with cheap_transaction_backups():
        yield


@pytest.fixture
def plant(repository: AllStores, request: pytest.FixtureRequest) -> Plant:
    """Store cards for a learner as if they had reviewed them before."""
    if repository.in_memory:

        def in_memory(user_id: str, cards: list[CardState]) -> None:
            named = {(user_id, card_name(card.course_id, card.phrase_id)): card for card in cards}
            repository.cards.update(named)

        return in_memory
    client = request.getfixturevalue("dynamodb")

    def in_dynamodb(user_id: str, cards: list[CardState]) -> None:
        write_items(client, TABLE_NAMES["PracticeTable"], [card_item(user_id, card) for card in cards])

    return in_dynamodb


def review_card(phrase_id: str, due: datetime, stability: float = 5.0, course_id: str = "es-en") -> CardState:
    return CardState(
        course_id=course_id,
        phrase_id=phrase_id, state=2, step=None, stability=stability, difficulty=5.0, due=due,
        last_review=due - timedelta(days=stability), reps=3,
    )  # fmt: skip


def learner(repository: AllStores, user_id: str, course: Course, **settings: Any) -> None:
    """A learner of `course` who has met its phrases up to `next_new_position`."""
    repository.save_profile(
        Profile(
            user_id=user_id,
            time_zone=settings.pop("time_zone", "UTC"),
            day_start_hour=4,
            daily_new_limit=settings.pop("daily_new_limit", 10),
            course_id=course.course_id,
            courses={
                course.course_id: CourseProgress(next_new_position=settings.pop("next_new_position", 0))
            },
            **settings,
        )
    )


def with_backlog(repository: AllStores, plant: Plant, user_id: str, overdue: int) -> Course:
    """A learner with `overdue` Review cards due one to sixty days ago."""
    course = bench_course(ES_EN, overdue + 200)
    repository.put_course(course)
    learner(repository, user_id, course, next_new_position=overdue)
    plant(
        user_id,
        [
            review_card(
                p.phrase_id, START - timedelta(days=1 + i % 60, minutes=i), 3.0 + i % 40, course.course_id
            )
            for i, p in enumerate(course.phrases[:overdue])
        ],
    )
    return course


def served(started: StartedSession) -> list[str]:
    return [p.phrase_id for p in started.pack.review + started.pack.new]


def finish(
    service: ApiServices,
    clock: FakeClock,
    user_id: str,
    started: StartedSession,
    ratings: dict[str, Rating] | None = None,
    *,
    only: Iterable[str] | None = None,
    minutes: int = 5,
):
    """Practise the pack for `minutes` (each phrase rated good unless `ratings` says otherwise,
    only the phrases of `only` when given), then complete it."""
    phrase_ids = list(only) if only is not None else served(started)
    began = clock.now
    clock.advance(minutes=minutes)
    step = timedelta(minutes=minutes) / (len(phrase_ids) + 1)
    reviews = tuple(
        Review(
            phrase_id=pid, rating=(ratings or {}).get(pid, Rating.GOOD), reviewed_at=began + step * (n + 1)
        )
        for n, pid in enumerate(phrase_ids)
    )
    return service.sessions.complete_session(
        user_id, started.session.session_id, PracticeReport(reviews=reviews)
    ).session


# -- Finding 1: a backlog starves failed cards -----------------------------------------------


def test_a_card_failed_today_comes_back_the_same_day_ahead_of_a_1000_card_backlog(
    service, repository, plant, clock
):
    # Given a learner with 1,000 overdue cards who fails the first review of today's pack
    with_backlog(repository, plant, "backlogged", overdue=1000)
    first = service.sessions.start_daily_session("backlogged")
    failed = first.pack.review[0].phrase_id
    assert len(first.pack.review) == 30
    finish(service, clock, "backlogged", first, {failed: Rating.AGAIN})

    # When a second pack is opened a quarter of an hour later
    clock.advance(minutes=15)
    second = service.sessions.start_daily_session("backlogged")

    # Then the failed card (Relearning, due again after 10 minutes) comes back, with the new
    # phrases still in their learning steps, first and outside the review limit, ahead of the
    # 970 overdue cards; then 30 reviews not served before
    learning = {failed, *(p.phrase_id for p in first.pack.new)}
    assert {p.phrase_id for p in second.pack.review[:11]} == learning
    reviews = [p.phrase_id for p in second.pack.review[11:]]
    assert len(reviews) == 30
    assert not set(reviews) & set(served(first))


def test_with_one_pack_a_day_a_failed_card_is_back_the_next_day(service, repository, plant, clock):
    with_backlog(repository, plant, "daily-only", overdue=1000)
    fails: list[str] = []
    for day in range(7):
        clock.now = START + timedelta(days=day)
        started = service.sessions.start_daily_session("daily-only")
        if fails:  # yesterday's failure leads today's pack
            assert started.pack.review[0].phrase_id == fails[-1]
        fresh = [p.phrase_id for p in started.pack.review if p.phrase_id not in fails]
        fails.append(fresh[0])
        finish(service, clock, "daily-only", started, {fresh[0]: Rating.AGAIN})


# -- Finding 2: cards whose phrase left the course ------------------------------------------


def test_cards_of_phrases_that_left_the_course_never_block_reviews(service, repository, plant, clock):
    # Given a learner with 40 due cards of phrases the course dropped, due more recently than
    # three cards of phrases it still has (which a limited read used to never reach)
    learner(repository, "course-changed", ES_EN, next_new_position=3)
    plant(
        "course-changed", [review_card(f"dropped-{n:02d}", START - timedelta(hours=n + 1)) for n in range(40)]
    )
    kept = [p.phrase_id for p in ES_EN.phrases[:3]]
    plant("course-changed", [review_card(pid, START - timedelta(days=3)) for pid in kept])

    # When they practise every day for a week
    reviews, new = [], []
    for day in range(7):
        clock.now = START + timedelta(days=day)
        started = service.sessions.start_daily_session("course-changed")
        reviews.append([p.phrase_id for p in started.pack.review])
        new.append(len(started.pack.new))
        finish(service, clock, "course-changed", started)

    # Then the known cards are reviewed on the first day, no dropped phrase ever takes a place,
    # the new phrases stay within the daily limit, and the dropped cards left the due index
    assert sorted(reviews[0]) == sorted(kept)
    assert not any(pid.startswith("dropped-") for day in reviews for pid in day)
    assert new == [10] * 7
    due = repository.due_cards(
        "course-changed", "es-en", START + timedelta(days=400), learning_limit=100, review_limit=100
    )
    assert not [card for card in due.reviews if card.phrase_id.startswith("dropped-")]


# -- Finding 3: the new-phrase allowance rounded to zero ------------------------------------


def test_a_daily_new_limit_of_one_brings_one_new_phrase_every_day_with_reviews_due(
    service, repository, plant, clock
):
    learner(repository, "one-a-day", ES_EN, daily_new_limit=1, next_new_position=40)
    plant(
        "one-a-day",
        [review_card(ES_EN.phrases[n].phrase_id, START + timedelta(days=n, hours=-1)) for n in range(7)],
    )
    for day in range(7):
        clock.now = START + timedelta(days=day)
        started = service.sessions.start_daily_session("one-a-day")
        assert len(started.pack.review) >= 1
        assert len(started.pack.new) == 1
        finish(service, clock, "one-a-day", started)


# -- Finding 4: a new phrase rated out of order ----------------------------------------------


def test_a_new_phrase_is_new_exactly_once_even_when_rated_out_of_order(service, repository, clock):
    # Given a learner who rates the 1st and 3rd new phrase of their first pack, not the 2nd
    service.profile.update_profile("skipper", {"daily_new_limit": 3})
    first = service.sessions.start_daily_session("skipper")
    one, two, three = (p.phrase_id for p in first.pack.new)
    finish(service, clock, "skipper", first, only=[one, three])

    # When they practise every following day
    new_by_day = []
    for day in range(1, 8):
        clock.now = START + timedelta(days=day)
        started = service.sessions.start_daily_session("skipper")
        new_by_day.append([p.phrase_id for p in started.pack.new])
        finish(service, clock, "skipper", started)

    # Then the skipped phrase comes first the next day, and no phrase is ever new twice
    assert new_by_day[0][0] == two
    introduced = [one, three, *(pid for day in new_by_day for pid in day)]
    assert len(introduced) == len(set(introduced)) == 2 + 7 * 3
    assert introduced[2:] == [p.phrase_id for p in ES_EN.phrases if p.phrase_id not in {one, three}][:21]


# -- Finding 5: the review limit was per pack, not per day -----------------------------------


def test_the_review_limit_holds_for_the_whole_learner_day(service, repository, plant, clock):
    with_backlog(repository, plant, "eager", overdue=1000)  # (and no new phrases: only reviews)
    service.profile.update_profile("eager", {"daily_review_limit": 50, "daily_new_limit": 0})
    for day in range(3):
        clock.now = START + timedelta(days=day)
        counts = []
        for _ in range(4):  # four packs the same day, each completed
            started = service.sessions.start_daily_session("eager")
            counts.append(len(started.pack.review))
            finish(service, clock, "eager", started)
        assert counts == [30, 20, 0, 0]


# -- Finding 6: zone and day-start changes ----------------------------------------------------


def test_a_missed_day_in_kiritimati_is_not_repaired_by_moving_to_pago_pago(service, clock):
    # Given a learner in Kiritimati (UTC+14) who practised on 4 January and missed the 5th
    clock.now = datetime(2027, 1, 3, 20, 0, tzinfo=UTC)  # 4 January 10:00 in Kiritimati
    started = service.sessions.start_daily_session("islander", "Pacific/Kiritimati")
    assert finish(service, clock, "islander", started).streak_after == 1
    # When on 6 January (10:00 there) their phone says Pago Pago (UTC-11), where it is still the 5th
    clock.now = datetime(2027, 1, 5, 20, 0, tzinfo=UTC)
    started = service.sessions.start_daily_session("islander", "Pacific/Pago_Pago")
    # Then the missed day stays missed: the streak starts again
    assert finish(service, clock, "islander", started).streak_after == 1


def test_new_york_then_tokyo_ten_minutes_later_is_the_same_day(service, clock):
    # Given a learner who practised at 19:00 in New York
    clock.now = datetime(2027, 1, 5, 0, 0, tzinfo=UTC)  # 4 January 19:00 in New York
    first = service.sessions.start_daily_session("flyer", "America/New_York")
    done = finish(service, clock, "flyer", first)
    # When ten minutes later the phone says Tokyo, where it is already the morning of the 5th
    clock.advance(minutes=10)
    second = service.sessions.start_daily_session("flyer", "Asia/Tokyo")
    again = finish(service, clock, "flyer", second)
    # Then it is still their 4 January: a second session, half XP, no new streak day
    assert second.pack.pack_id == first.pack.pack_id == "daily_2027-01-04"
    assert (again.streak_before, again.streak_after, again.xp.streak_bonus) == (1, 1, 0)
    assert again.practice_day == done.practice_day
    assert again.xp.phrases == len(served(second)) * XP_PER_PHRASE // 2


def test_moving_the_day_start_back_does_not_reopen_the_new_phrase_allowance(service, clock):
    # Given a learner who took their 10 new phrases at 21:00 on a day starting at 04:00
    clock.now = datetime(2027, 1, 4, 21, 0, tzinfo=UTC)
    first = service.sessions.start_daily_session("night-owl")
    assert len(first.pack.new) == 10
    finish(service, clock, "night-owl", first)
    # When at 22:00 they move the day start to 23:00 (which puts 22:00 in the day before)
    clock.now = datetime(2027, 1, 4, 22, 0, tzinfo=UTC)
    service.profile.update_profile("night-owl", {"day_start_hour": 23})
    introduced = 0
    for _ in range(4):  # and keep practising for the next hour
        started = service.sessions.start_daily_session("night-owl")
        introduced += len(started.pack.new)
        finish(service, clock, "night-owl", started, minutes=15)
    # Then the day is still the 4th: no new phrase beyond the limit of 10
    assert started.pack.pack_id == "daily_2027-01-04"
    assert introduced == 0


def test_a_traveller_who_practises_once_each_local_day_keeps_the_streak(service, repository, clock):
    # Given a learner flying Madrid -> New York -> Tokyo -> Sydney -> Los Angeles over a fortnight,
    # practising each local day wherever they are: at 20:00, or on landing when that is later
    # (at least 12 hours after the last session; flying east, a local day can be short)
    learner(repository, "traveller", bench_course(ES_EN, 400), time_zone="Europe/Madrid")
    repository.put_course(bench_course(ES_EN, 400))
    route = ["Europe/Madrid"] * 3 + ["America/New_York"] * 3 + ["Asia/Tokyo"] * 3
    route += ["Australia/Sydney"] * 3 + ["America/Los_Angeles"] * 3
    streaks, last = [], START
    for zone in route:
        after = (last + timedelta(hours=12)).astimezone(ZoneInfo(zone))
        evening = max(after, after.replace(hour=20, minute=0, second=0, microsecond=0))
        clock.now = last = evening.astimezone(UTC)
        started = service.sessions.start_daily_session("traveller", zone)
        streaks.append(finish(service, clock, "traveller", started).streak_after)

    # Then the streak never broke: it grew each evening, or held when a flight east merged two
    assert streaks[0] == 1
    assert all(later in {earlier, earlier + 1} for earlier, later in itertools.pairwise(streaks))
    assert streaks[-1] >= len(route) - 2


# -- Finding 7: XP could be farmed -----------------------------------------------------------


def test_ten_empty_packs_in_a_row_earn_nothing(service, clock):
    service.profile.update_profile("farmer", {"daily_new_limit": 0})
    for _ in range(10):
        started = service.sessions.start_daily_session("farmer")
        assert served(started) == []
        done = finish(service, clock, "farmer", started, minutes=0)
        assert (done.xp.total, done.streak_after) == (0, 0)


def test_a_pack_rated_in_no_time_earns_nothing_and_rated_easy_earns_no_more(service, clock):
    instant = finish(service, clock, "instant", service.sessions.start_daily_session("instant"), minutes=0)
    assert (instant.xp.total, instant.streak_after, instant.practice_day) == (0, 0, None)

    easy = service.sessions.start_daily_session("always-easy")
    honest = service.sessions.start_daily_session("always-again")
    all_easy = finish(service, clock, "always-easy", easy, dict.fromkeys(served(easy), Rating.EASY))
    all_again = finish(service, clock, "always-again", honest, dict.fromkeys(served(honest), Rating.AGAIN))
    assert all_easy.xp == all_again.xp
    assert all_easy.xp.phrases == 10 * XP_PER_PHRASE


def test_repeat_sessions_the_same_day_earn_100_50_then_0_percent(service, repository, plant, clock):
    with_backlog(repository, plant, "repeater", overdue=1000)
    phrase_xp = []
    for _ in range(4):
        started = service.sessions.start_daily_session("repeater")
        done = finish(service, clock, "repeater", started)
        phrase_xp.append((done.xp.phrases, len(served(started))))
    assert [xp for xp, _ in phrase_xp] == [n * XP_PER_PHRASE * share // 100 for (_, n), share in
                                           zip(phrase_xp, (100, 50, 0, 0), strict=True)]  # fmt: skip
    # and the next day starts at 100 % again, with the streak bonus
    clock.now = START + timedelta(days=1)
    started = service.sessions.start_daily_session("repeater")
    done = finish(service, clock, "repeater", started)
    assert done.xp.phrases == len(served(started)) * XP_PER_PHRASE
    assert done.xp.streak_bonus == 2 * STREAK_BONUS_PER_DAY
