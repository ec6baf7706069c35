"""Learners with a history: cards due in the past, written as the repository writes them."""

from datetime import datetime, timedelta
from typing import Any

from practice.models.content import Course
from practice.models.learner import CardState
from practice.repository.dynamodb import card_item, serialize_item

_BATCH = 25  # BatchWriteItem's limit


def card_phrase_ids(course: Course, count: int) -> list[str]:
    """`count` phrase ids, oldest due first: the course's phrases from its end backwards (so the
    phrases a new learner meets first stay new), then ids the course does not know."""
    known = [phrase.phrase_id for phrase in reversed(course.phrases)][:count]
    return known + [f"bench-unknown-{i:05d}" for i in range(count - len(known))]


def seed_cards(
    client: Any, table: str, user_id: str, course: Course, *, count: int, due_before: datetime
) -> None:
    """Give `user_id` `count` review cards, all due before `due_before`; the course's phrases are
    the most overdue ones, so a daily pack serves them as reviews."""
    phrase_ids = card_phrase_ids(course, count)
    first_due = due_before - timedelta(days=30)
    items = [
        card_item(
            user_id,
            CardState(
                phrase_id=phrase_id,
                state=2,
                step=None,
                stability=3.2,
                difficulty=5.1,
                due=first_due + timedelta(milliseconds=i),
                last_review=first_due - timedelta(days=3),
                reps=3,
            ),
        )
        for i, phrase_id in enumerate(phrase_ids)
    ]
    for start in range(0, len(items), _BATCH):
        pending: Any = {
            table: [{"PutRequest": {"Item": serialize_item(item)}} for item in items[start : start + _BATCH]]
        }
        while pending:
            pending = client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
