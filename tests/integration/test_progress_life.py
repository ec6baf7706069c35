"""Sixty days of a learner's life on a fake clock, through the domain service, on moto's
DynamoDB and on the in-memory repository: practice most days, twice on some, missed days that
freezes cover and some they cannot, an abandoned pack and an offline upload. Then the day ledger
must match the sessions, the stats a recomputation from the sessions, the freezes the stated
rules (a model of its own below), and the history pages every session exactly once."""

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from practice.compose import ApiServices
from practice.courses.service import read_course_file
from practice.domain.learner import (
    CardState,
    CourseProgress,
    LedgerDay,
    PracticeReport,
    Profile,
    Rating,
    Review,
    Session,
)
from practice.domain.learner_day import day_end
from practice.domain.limits import MAX_FREEZES, MAX_PHRASES_PER_PACK
from practice.domain.scheduling import is_review
from practice.domain.scoring import FREEZE_EVERY_STREAK_DAYS
from practice.dynamodb.items import card_item
from practice.runtime.settings import Settings
from practice_local.cloud.moto_transactions import cheap_transaction_backups
from practice_local.simulation.seed import bench_course, write_items
from tests.conftest import COURSES_DIR, TABLE_NAMES, FakeClock
from tests.fakes import on_dynamodb, services_on

DAYS = 60
FIRST_DAY = date(2027, 1, 4)
# 18:00 in Madrid each evening (UTC+1 in winter); the learner day starts at 04:00
EVENING = datetime(2027, 1, 4, 17, 0, tzinfo=UTC)
# 9-10: two days, one freeze held (earned on the 7th day): the streak ends, the freeze is kept;
# 17: covered by it; 26-28: three days, two held: the streak ends; 40-41: both held are spent
MISSED = {9, 10, 17, 26, 27, 28, 40, 41}
TWICE = {3, 20, 33}
ABANDONED = 12  # a pack opened that morning and never completed (the evening one is)
OFFLINE = 50  # practised that evening offline, uploaded the next morning


@pytest.fixture(autouse=True)
def transactions_independent_of_table_size() -> Iterator[None]:
    with cheap_transaction_backups():
        yield


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(EVENING)


@dataclass
class FreezeModel:
    """scoring.py's streak and freeze rules, restated over day numbers for one learner who keeps
    one zone and practises at the same hour: one freeze per missed day when all are covered."""

    streak: int = 0
    best: int = 0
    freezes: int = 0
    last: int | None = None
    frozen: set[int] = field(default_factory=set)

    def practise(self, day: int) -> int:
        if self.last == day:
            return self.streak
        gap = 0 if self.last is None else day - self.last - 1
        if self.last is None or gap > self.freezes:
            self.streak = 1  # a streak's first day; freezes the gap could not use are kept
        else:
            self.freezes -= gap
            self.frozen |= {self.last + n for n in range(1, gap + 1)}
            self.streak += 1
        if self.streak % FREEZE_EVERY_STREAK_DAYS == 0:
            self.freezes = min(MAX_FREEZES, self.freezes + 1)
        self.best, self.last = max(self.best, self.streak), day
        return self.streak


def rating(phrase_id: str, day: int) -> Rating:
    """About one review in seven rated again, deterministically."""
    return Rating.AGAIN if (sum(map(ord, phrase_id)) + day) % 7 == 0 else Rating.GOOD


def practise(
    service: ApiServices, clock: FakeClock, day: int, *, upload_at: datetime | None = None
) -> Session:
    started = service.sessions.start_daily_session("ana", "Europe/Madrid" if day == 0 else None)
    phrase_ids = [p.phrase_id for p in started.pack.review + started.pack.new]
    began = clock.now
    reviews = tuple(
        Review(phrase_id=pid, rating=rating(pid, day), reviewed_at=began + timedelta(seconds=20 * (n + 1)))
        for n, pid in enumerate(phrase_ids)
    )
    ended = began + timedelta(seconds=20 * (len(phrase_ids) + 1))
    clock.now = upload_at or ended
    report = PracticeReport(reviews=reviews, completed_at=ended)
    return service.sessions.complete_session("ana", started.session.session_id, report).session


def recompute(sessions: list[Session]) -> dict[date, LedgerDay]:
    """The ledger as the sessions themselves tell it."""
    days: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for session in sessions:
        if session.practice_day is None:
            continue
        day = days[session.practice_day]
        learned = [e for e in session.reviews if e.before is not None and is_review(e.before.state)]
        day["xp"] += session.xp.total
        day["sessions"] += 1
        day["reviews"] += len(session.reviews)
        day["again"] += sum(1 for e in session.reviews if e.rating is Rating.AGAIN)
        day["new_phrases"] += sum(1 for e in session.reviews if e.before is None)
        day["seconds"] += session.duration_seconds or 0
        day["learned_reviews"] += len(learned)
        day["learned_again"] += sum(1 for e in learned if e.rating is Rating.AGAIN)
    return {on: LedgerDay(day=on, goal_xp=20, **counts) for on, counts in days.items()}


def test_sixty_days_of_practice_add_up_in_the_ledger_stats_freezes_and_history(service, repository, clock):
    model, completed, started_ids = FreezeModel(), [], []
    for n in range(DAYS):
        evening = EVENING + timedelta(days=n)
        if n in MISSED:
            continue
        if n == ABANDONED:
            clock.now = evening - timedelta(hours=8)
            started_ids.append(service.sessions.start_daily_session("ana").session.session_id)
        clock.now = evening
        upload = evening + timedelta(hours=15) if n == OFFLINE else None
        session = practise(service, clock, n, upload_at=upload)
        completed.append(session)
        # the streak each session reports is the model's
        assert session.practice_day == FIRST_DAY + timedelta(days=n)
        assert (session.streak_after, n) == (model.practise(n), n)
        if n in TWICE:
            clock.now = evening + timedelta(hours=2)
            second = practise(service, clock, n)
            completed.append(second)
            assert second.streak_after == model.practise(n)
    started_ids += [s.session_id for s in completed]
    clock.now = EVENING + timedelta(days=DAYS - 1, hours=1)

    # The ledger matches the sessions, day by day, and marks exactly the days freezes covered
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)
    stored = {day.day: day for day in repository.ledger_days("ana", FIRST_DAY, last_day)}
    expected = recompute(completed)
    assert {
        on: day.model_copy(update={"frozen": False}) for on, day in stored.items() if day.sessions
    } == expected
    assert {on for on, day in stored.items() if day.frozen} == {
        FIRST_DAY + timedelta(days=n) for n in model.frozen
    }
    assert model.frozen == {17, 40, 41}
    assert all(stored[on].sessions == 0 for on in stored if stored[on].frozen)

    # Stats match a recomputation from the sessions, and the freezes the model
    stats = service.progress.stats("ana", FIRST_DAY, last_day)
    rows = {day.day: day for day in stats.ledger.days}
    assert len(rows) == DAYS
    assert all(rows[on].xp == (expected[on].xp if on in expected else 0) for on in rows)
    totals = stats.ledger.totals
    assert totals.xp == sum(s.xp.total for s in completed) == stats.status.profile.total_xp
    practised = [s for s in completed if s.practice_day is not None]  # a second pack may be empty
    assert (totals.sessions, totals.days_practised) == (len(practised), DAYS - len(MISSED))
    assert totals.reviews == sum(len(s.reviews) for s in completed)
    learned = [e for s in completed for e in s.reviews if e.before is not None and is_review(e.before.state)]
    assert learned, "sixty days in, some learned phrases were reviewed"
    assert stats.ledger.retention == pytest.approx(
        sum(1 for e in learned if e.rating is not Rating.AGAIN) / len(learned)
    )
    profile = stats.status.profile
    assert (stats.status.live_streak, profile.best_streak, profile.freezes) == (
        model.streak,
        model.best,
        model.freezes,
    )
    assert stats.status.xp_today == expected[last_day].xp

    # The history, seven at a time, is every session exactly once, newest first
    listed, cursor = [], None
    while True:
        page = service.sessions.list_sessions("ana", 7, cursor)
        assert len(page.sessions) <= 7
        listed += [s.session_id for s in page.sessions]
        if (cursor := page.next_cursor) is None:
            break
    assert listed == sorted(started_ids, reverse=True)
    assert len(listed) == len(completed) + 1  # and the abandoned one, still open


def test_the_largest_pack_completes_in_one_100_item_transaction_with_two_freezes_spent(
    dynamodb, on_dynamodb_call
):
    # Given a learner whose pack is as large as the settings allow (46 relearning cards, 46
    # reviews and one new phrase: MAX_PHRASES_PER_PACK), two days after the streak's last day,
    # with both freezes held
    settings = Settings(max_learning_per_pack=46, max_reviews_per_pack=46, due_candidates=50)
    repository = on_dynamodb(dynamodb, TABLE_NAMES["PracticeTable"])
    course = bench_course(read_course_file(COURSES_DIR / "es-en.json"), 200)
    repository.put_course(course)
    now = EVENING + timedelta(days=10)
    today = FIRST_DAY + timedelta(days=10)
    streak_until = day_end(today - timedelta(days=2), ZoneInfo("UTC"), 4)
    repository.save_profile(
        Profile(
            user_id="ana", time_zone="UTC", day_start_hour=4, daily_new_limit=1, course_id=course.course_id,
            streak=9, best_streak=9, streak_day=today - timedelta(days=3), streak_until=streak_until,
            freezes=2, freeze_until=streak_until + timedelta(days=2),
            courses={course.course_id: CourseProgress(next_new_position=92)},
        )
    )  # fmt: skip
    cards = [
        CardState(
            course_id=course.course_id,
            phrase_id=phrase.phrase_id, state=3 if n < 46 else 2, step=0 if n < 46 else None,
            stability=4.0, difficulty=5.0, due=now - timedelta(hours=1 + n),
            last_review=now - timedelta(days=4),
        )
        for n, phrase in enumerate(course.phrases[:92])
    ]  # fmt: skip
    write_items(dynamodb, TABLE_NAMES["PracticeTable"], [card_item("ana", card) for card in cards])
    clock = FakeClock(now)
    service = services_on(repository, clock, settings)
    started = service.sessions.start_daily_session("ana")
    phrase_ids = [p.phrase_id for p in started.pack.review + started.pack.new]
    assert len(phrase_ids) == MAX_PHRASES_PER_PACK == 93

    # When every phrase is rated
    transactions: list[int] = []

    def count_items(model: Any, params: dict[str, Any], **_: Any) -> None:
        if model.name == "TransactWriteItems":
            transactions.append(len(json.loads(params["body"])["TransactItems"]))

    on_dynamodb_call(count_items)
    clock.advance(minutes=10)
    report = PracticeReport(reviews=tuple(Review(phrase_id=pid, rating=Rating.GOOD) for pid in phrase_ids))
    session = service.sessions.complete_session("ana", started.session.session_id, report).session

    # Then it is one transaction of exactly DynamoDB's 100 items: the session, the profile, the
    # day, the two frozen days, the cards due per day, the sync log entry and 93 cards
    assert transactions == [100]
    assert (session.streak_before, session.streak_after) == (9, 10)
    frozen = repository.ledger_days("ana", today - timedelta(days=2), today)
    assert [(day.day, day.frozen, day.sessions) for day in frozen] == [
        (today - timedelta(days=2), True, 0), (today - timedelta(days=1), True, 0), (today, False, 1)
    ]  # fmt: skip
