"""The benchmark's own pieces that its figures rely on."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bench.emulator import cheap_transaction_backups
from bench.report import render_table
from bench.seed import BENCH_NEW_PHRASES, backlog, bench_course
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


def test_percentiles_interpolate_between_ranks():
    samples = [4.0, 1.0, 3.0, 2.0]
    assert percentile(samples, 0) == 1.0
    assert percentile(samples, 50) == 2.5
    assert percentile(samples, 100) == 4.0
    assert summary(samples)["p25"] == 1.75


def test_the_table_states_what_a_cold_starts_first_request_pays_over_a_warm_one():
    def timing(p50: float) -> dict[str, Any]:
        return {"p50": p50, "p25": p50 - 1, "p75": p50 + 1, "p95": p50, "p99": p50, "n": 21}

    route = {"requests": ["GetItem"], "emulator_ms": timing(9.0), "in_process_ms": timing(2.0)}
    learner = {
        "pack": {"review": 0, "new": 10},
        "export_page": {"items": 1, "bytes": 2048},
        "deletion": {"requests": ["UpdateItem"], "emulator_ms": timing(3.0)},
        "erasure": {"items": 1, "requests": {"Query": 1}, "emulator_seconds": 0.1},
        "peak_rss_mib": 70.0,
        "rss_after_init_mib": 60.0,
        **dict.fromkeys(("daily", "completion", "history", "stats", "export"), route),
    }
    results = {
        "meta": {"when": "now", "commit": "abc", "cpus": 2, "python": "3.13", "invokes": 21, "cold_runs": 21},
        "bytecode": "all compiled",
        "cold_start": {
            name: {"init_ms": timing(p50), "network_calls_at_init": []}
            for name, p50 in (("floor", 250.0), ("handler", 300.0))
        },
        "warm": {"10": learner, "10000": learner},
        "first_call": {
            "cards": 10,
            "course_phrases": 10200,
            "init_ms": timing(310.0),
            "first_call_ms": timing(40.0),
        },
    }
    [row] = [line for line in render_table(results).splitlines() if line.startswith("| First request")]
    assert "10 cards, reading the course (10,200 phrases" in row
    assert "p50 40.0 ms (IQR 39.0-41.0, n=21)" in row
    assert "init + first call 350 ms; warm GET /daily p50 2.00 ms" in row
