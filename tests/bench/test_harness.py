"""The benchmark's own pieces that its figures rely on."""

from typing import Any

import pytest

from bench.emulator import cheap_transaction_backups
from bench.seed import card_phrase_ids
from bench.stats import percentile, summary
from practice.content import read_course_file
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


def test_seeded_cards_are_the_course_phrases_from_its_end_then_unknown_ones():
    course = read_course_file(COURSES_DIR / "es-en.json")
    ids = card_phrase_ids(course, len(course.phrases) + 3)
    assert ids[0] == course.phrases[-1].phrase_id
    assert set(ids[: len(course.phrases)]) == set(course.phrase_by_id)
    assert len(set(ids)) == len(ids)
    assert card_phrase_ids(course, 2) == [course.phrases[-1].phrase_id, course.phrases[-2].phrase_id]


def test_percentiles_interpolate_between_ranks():
    samples = [4.0, 1.0, 3.0, 2.0]
    assert percentile(samples, 0) == 1.0
    assert percentile(samples, 50) == 2.5
    assert percentile(samples, 100) == 4.0
    assert summary(samples)["p25"] == 1.75
