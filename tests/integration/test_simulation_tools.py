"""The local tooling that tests and benchmarks stand on: moto's transactions made cheap still roll
back, and the seeded learners have a real backlog's mix of cards."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from practice.courses.service import read_course_file
from practice_local.cloud.moto_transactions import cheap_transaction_backups
from practice_local.simulation.seed import BENCH_NEW_PHRASES, backlog, bench_course
from tests.conftest import COURSES_DIR, TABLE_NAMES

TABLE = TABLE_NAMES["PracticeTable"]


def item(sk: str, value: str) -> dict[str, Any]:
    return {"pk": {"S": "USER#rollback"}, "sk": {"S": sk}, "value": {"S": value}}


def test_a_failed_transaction_still_rolls_back_with_cheap_backups(dynamodb):
    # Given an item, and moto's table backups made cheap
    dynamodb.put_item(TableName=TABLE, Item=item("A", "before"))
    # When a transaction overwrites it and puts another, but its last condition fails
    with cheap_transaction_backups(), pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": item("A", "after")}},
                {"Put": {"TableName": TABLE, "Item": item("B", "new")}},
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": item("C", "new"),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )

    # Then nothing of it is stored
    def stored(sk: str) -> dict[str, Any]:
        key = {"pk": {"S": "USER#rollback"}, "sk": {"S": sk}}
        return dynamodb.get_item(TableName=TABLE, Key=key).get("Item", {})

    assert stored("A")["value"] == {"S": "before"}
    assert stored("B") == {}


def test_the_seeded_backlog_has_every_kind_of_card_all_in_the_course():
    course = bench_course(read_course_file(COURSES_DIR / "es-en.json"), 10_000 + BENCH_NEW_PHRASES)
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    cards = backlog(course, 10_000, now)
    assert len(course.phrases) == 10_200
    assert {card.phrase_id for card in cards} == {p.phrase_id for p in course.phrases[:10_000]}
    relearning = [card for card in cards if card.state == 3]
    reviews_due = [card for card in cards if card.state == 2 and card.due <= now]
    assert len(relearning) == 200
    assert any(card.due > now for card in relearning)  # failed today, due again in minutes
    assert len([card for card in reviews_due if card.due < now - timedelta(days=1)]) == 1000  # overdue
    assert len(reviews_due) == 1300
    assert backlog(course, 10, now)[0].state == 3  # a small learner has each kind too
