"""Learners with a history, written as the DynamoDB stores write them: a course long enough for
10,000 cards, a learner whose cards have the mix of a real backlog (in their learning steps,
due today, overdue by days to months, and not due yet), and their past sessions with the day
ledger they added up to."""

from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ulid import ULID

from practice.domain.content import Course, Phrase
from practice.domain.learner import (
    CardSnapshot,
    CardState,
    CourseProgress,
    LedgerDay,
    Profile,
    Rating,
    ReviewLogEntry,
    Session,
    XpAward,
)
from practice.domain.learner_day import learner_day
from practice.dynamodb.codec import serialize_item
from practice.dynamodb.items import card_item, due_days_item, profile_item, session_item
from practice.dynamodb.keys import day_sk, user_pk

BENCH_COURSE_ID = "bench-course"
BENCH_NEW_PHRASES = 200  # phrases of the course after the learner's cards: new ones to meet
_BATCH = 25  # BatchWriteItem's limit
SESSIONS_PER_DAY = 3
REVIEWS_PER_SESSION = 13  # the sample course's first pack: 3 reviews and 10 new phrases
# Shares of a learner's cards, in percent; the rest are not due yet.
RELEARNING_PERCENT, DUE_TODAY_PERCENT, OVERDUE_PERCENT = 2, 3, 10


def bench_course(base: Course, phrases: int) -> Course:
    """`base`'s phrases, dialogs and drills, followed by generated phrases up to `phrases` in all."""
    extra = [
        Phrase(
            phrase_id=f"bench-{i:05d}",
            text=f"frase {i}",
            translation=f"phrase {i}",
            pronunciation=f"FRA-se {i}",
            audio_key=f"audio/bench/{i:05d}.mp3",
            topic="bench",
        )
        for i in range(max(0, phrases - len(base.phrases)))
    ]
    return Course.model_validate(
        {
            **base.model_dump(),
            "course_id": BENCH_COURSE_ID,
            "phrases": [*base.model_dump()["phrases"], *extra],
        }
    )


def backlog(course: Course, count: int, now: datetime) -> list[CardState]:
    """`count` cards for the course's first phrases: a few relearning (due within the hour or
    later today), some due today, an overdue backlog, and the rest due in the coming months."""
    relearning = max(1, count * RELEARNING_PERCENT // 100)
    due_today = max(1, count * DUE_TODAY_PERCENT // 100)
    overdue = max(1, count * OVERDUE_PERCENT // 100)
    cards = []
    for i, phrase in enumerate(course.phrases[:count]):
        stability = 1.0 + (i * 37 % 300)  # days
        if i < relearning:
            due, state, step, stability = now + timedelta(minutes=(i % 12) * 10 - 60), 3, 0, 1.5
        elif i < relearning + due_today:
            due, state, step = now - timedelta(hours=i % 20), 2, None
        elif i < relearning + due_today + overdue:
            due, state, step = now - timedelta(days=2 + i % 88), 2, None
        else:
            due, state, step = now + timedelta(days=1 + i % 365), 2, None
        cards.append(
            CardState(
                course_id=course.course_id,
                phrase_id=phrase.phrase_id,
                state=state,
                step=step,
                stability=stability,
                difficulty=5.1,
                due=due,
                due_day=learner_day(due, ZoneInfo("UTC"), 4),  # as seed_learner's profile counts days
                last_review=due - timedelta(days=stability if state == 2 else 0.01),
                reps=4,
                lapses=int(state == 3),
            )
        )
    return cards


def past_sessions(
    user_id: str, course: Course, count: int, now: datetime, *, reviews: int = REVIEWS_PER_SESSION
) -> list[dict[str, Any]]:
    """`count` completed sessions, SESSIONS_PER_DAY a day until yesterday, each with a review log
    of `reviews` reviews, and the ledger items of their days: items as stored."""
    items: list[dict[str, Any]] = []
    days: dict[Any, LedgerDay] = {}
    phrase_ids = [phrase.phrase_id for phrase in course.phrases[:reviews]]
    for n in range(count):
        started = now - timedelta(days=1 + (count - n) // SESSIONS_PER_DAY, hours=n % SESSIONS_PER_DAY)
        ended = started + timedelta(minutes=6)
        after = CardSnapshot(state=2, stability=3.0, difficulty=5.0, due=ended + timedelta(days=3))
        log = tuple(
            ReviewLogEntry(
                phrase_id=pid, rating=Rating.GOOD, reviewed_at=started + timedelta(seconds=20 * (i + 1)),
                duration_ms=4000, elapsed_days=2.0, before=after, after=after,
            )
            for i, pid in enumerate(phrase_ids)
        )  # fmt: skip
        session = Session(
            session_id=str(ULID.from_datetime(started)), user_id=user_id, pack_id=f"daily_{started.date()}",
            course_id=course.course_id, review_phrase_ids=tuple(phrase_ids), new_phrase_ids=(),
            started_at=started, ended_at=ended, duration_seconds=360,
            xp=XpAward(phrases=130, session_bonus=20), streak_before=1, streak_after=1,
            reviews=log, practice_day=started.date(),
        )  # fmt: skip
        items.append(session_item(session))
        day = days.get(started.date()) or LedgerDay(day=started.date(), goal_xp=20)
        days[day.day] = day.model_copy(
            update={"xp": day.xp + 150, "sessions": day.sessions + 1, "reviews": day.reviews + len(log),
                    "seconds": day.seconds + 360, "learned_reviews": day.learned_reviews + len(log)}
        )  # fmt: skip
    for day in days.values():
        fields = day.model_dump(mode="json", exclude={"day"})
        items.append({"pk": user_pk(user_id), "sk": day_sk(day.day), "entity": "day", **fields})
    return items


def seed_learner(
    client: Any,
    table: str,
    user_id: str,
    course: Course,
    *,
    cards: int,
    now: datetime,
    sessions: int = 0,
    reviews_per_session: int = REVIEWS_PER_SESSION,
) -> None:
    """A learner of `course` with `cards` cards (the backlog above) who has met its first `cards`
    phrases, so that new phrases come after them, and `sessions` past sessions with their days."""
    profile = Profile(
        user_id=user_id,
        time_zone="UTC",
        day_start_hour=4,
        daily_new_limit=10,
        course_id=course.course_id,
        courses={course.course_id: CourseProgress(next_new_position=cards)},
    )
    planted = backlog(course, cards, now)
    counts = Counter(card.due_day for card in planted if card.due_day is not None)
    items = [profile_item(profile), *(card_item(user_id, card) for card in planted)]
    if counts:
        items.append(due_days_item(user_id, course.course_id, counts))
    items += past_sessions(user_id, course, sessions, now, reviews=reviews_per_session)
    write_items(client, table, items)


def write_items(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Items as the stores make them, in BatchWriteItem's pages."""
    for start in range(0, len(items), _BATCH):
        pending: Any = {
            table: [{"PutRequest": {"Item": serialize_item(item)}} for item in items[start : start + _BATCH]]
        }
        while pending:
            pending = client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
