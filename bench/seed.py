"""Learners with a history, written as the repository writes them: a course long enough for
10,000 cards, and a learner whose cards have the mix of a real backlog (in their learning steps,
due today, overdue by days to months, and not due yet)."""

from datetime import datetime, timedelta
from typing import Any

from practice.models.content import Course, Phrase
from practice.models.learner import CardState, Profile
from practice.repository.dynamodb import card_item, profile_item, serialize_item

BENCH_COURSE_ID = "bench-course"
BENCH_NEW_PHRASES = 200  # phrases of the course after the learner's cards: new ones to meet
_BATCH = 25  # BatchWriteItem's limit
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
                phrase_id=phrase.phrase_id,
                state=state,
                step=step,
                stability=stability,
                difficulty=5.1,
                due=due,
                last_review=due - timedelta(days=stability if state == 2 else 0.01),
                reps=4,
                lapses=int(state == 3),
            )
        )
    return cards


def seed_learner(client: Any, table: str, user_id: str, course: Course, *, cards: int, now: datetime) -> None:
    """A learner of `course` with `cards` cards (the backlog above) who has met its first `cards`
    phrases, so that new phrases come after them."""
    profile = Profile(
        user_id=user_id,
        time_zone="UTC",
        day_start_hour=4,
        daily_new_limit=10,
        course_id=course.course_id,
        next_new_position=cards,
    )
    write_items(
        client, table, [profile_item(profile), *(card_item(user_id, c) for c in backlog(course, cards, now))]
    )


def write_items(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Items as the repository makes them, in BatchWriteItem's pages."""
    for start in range(0, len(items), _BATCH):
        pending: Any = {
            table: [{"PutRequest": {"Item": serialize_item(item)}} for item in items[start : start + _BATCH]]
        }
        while pending:
            pending = client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
