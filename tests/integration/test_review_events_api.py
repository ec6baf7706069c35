"""POST …/complete with review events, through the real handler and moto: the review log comes back
on GET /sessions/{id}, bad events are 422 with nothing written, and the largest completion the
settings allow fits DynamoDB's limits (one item under 400 KB, one transaction)."""

import json
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from practice.dynamodb.codec import serialize_item, stored_size
from practice.dynamodb.items import session_item
from practice.runtime.settings import Settings
from tests.conftest import FakeClock, load_event
from tests.integration.conftest import daily_event
from tests.integration.test_complete_session_api import complete_event, get_item, route_event

DYNAMODB_ITEM_LIMIT = 400 * 1024


def stamp(clock: FakeClock, offset_seconds: int) -> str:
    """A time the phone reports, `offset_seconds` after the test clock's now."""
    return (clock.now + timedelta(seconds=offset_seconds)).isoformat()


def test_reviews_with_learning_steps_are_logged_and_read_back(invoke, clock):
    # Given a new learner's pack, and reviews with a learning step for the first phrase
    _, pack = invoke(daily_event())
    first, second = (p["phrase_id"] for p in pack["new_phrases"][:2])
    body = {
        "reviews": [
            {"phrase_id": first, "rating": "again", "reviewed_at": stamp(clock, 1), "duration_ms": 2100},
            {"phrase_id": first, "rating": "good", "reviewed_at": stamp(clock, 61), "duration_ms": 1500},
            {"phrase_id": second, "correct": True, "reviewed_at": stamp(clock, 70)},
        ],
        "completed_at": stamp(clock, 90),
    }

    # When the session is completed, then read back
    status, summary = invoke(complete_event(pack["session_id"], body))
    _, stored = invoke(route_event("GET", pack["session_id"]))

    # Then the log holds the three reviews in time order, each with the card before and after
    assert status == 200
    assert stored["reviews"] == summary["reviews"]
    log = stored["reviews"]
    assert [(r["phrase_id"], r["rating"]) for r in log] == [
        (first, "again"),
        (first, "good"),
        (second, "good"),
    ]
    assert log[0]["before"] is None
    assert log[1]["before"] == log[0]["after"]
    assert log[1]["elapsed_days"] == pytest.approx(60 / 86400, abs=1e-6)
    assert summary["practice_day"] == stored["practice_day"]
    assert 85 <= summary["duration_seconds"] <= 95


def test_the_sample_event_body_completes_a_real_session(invoke):
    # events/complete_session.json, pointed at a session of its caller: its times (long past)
    # are moved into the session's window, nothing is refused for them
    _, pack = invoke(daily_event())
    event = load_event("complete_session.json")
    body = json.loads(event["body"])
    status, summary = invoke(complete_event(pack["session_id"], body))
    assert status == 200, summary
    assert len(summary["reviews"]) == len(body["reviews"])
    assert all(r["reviewed_at"] >= summary["started_at"] for r in summary["reviews"])


@pytest.mark.parametrize(
    "review",
    [
        {"phrase_id": "hola", "rating": "perfect"},
        {"phrase_id": "hola", "rating": "good", "reviewed_at": 1764576000},
        {"phrase_id": "hola", "rating": "good", "reviewed_at": "yesterday"},
        {"phrase_id": "hola", "rating": "good", "reviewed_at": "2026-12-01T08:00:00"},  # no offset
        {"phrase_id": "hola", "rating": "good", "duration_ms": -1},
        {"phrase_id": "hola", "rating": "good", "response_time_ms": 5},  # a result's field
        {"phrase_id": "hola", "correct": True, "rating": "good"},
    ],
)
def test_a_malformed_review_is_a_422_and_nothing_is_written(invoke, dynamodb, review):
    _, pack = invoke(daily_event())
    status, error = invoke(complete_event(pack["session_id"], {"reviews": [review]}))
    assert (status, error["error"]["code"]) == (422, "validation_error")
    assert get_item(dynamodb, "learner-0001", f"SESSION#{pack['session_id']}")["status"] == {"S": "open"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"reviews": [{"phrase_id": "not-in-pack", "rating": "good"}]}, "invalid_results"),
        ({"reviews": [{"phrase_id": "hola", "rating": "good"}], "results": []}, "validation_error"),
        ({"reviews": [], "completed_at": "2026-12-01T08:00:00Z"}, "validation_error"),
    ],
)
def test_reviews_that_do_not_fit_are_a_422_and_nothing_is_written(invoke, dynamodb, body, code):
    _, pack = invoke(daily_event())
    status, error = invoke(complete_event(pack["session_id"], body))
    assert (status, error["error"]["code"]) == (422, code)
    assert get_item(dynamodb, "learner-0001", f"SESSION#{pack['session_id']}")["status"] == {"S": "open"}


def test_the_largest_completion_the_settings_allow_fits_one_item_and_one_transaction(invoke, dynamodb, clock):
    # Given a pack, and as many reviews as the settings allow, spread over its phrases
    settings = Settings()
    _, pack = invoke(daily_event())
    phrases = [p["phrase_id"] for p in pack["review_phrases"] + pack["new_phrases"]]
    per_phrase = min(settings.max_reviews_per_phrase, settings.max_reviews_per_completion // len(phrases))
    reviews: list[dict[str, Any]] = [
        {"phrase_id": pid, "rating": "again", "reviewed_at": stamp(clock, i), "duration_ms": 3_600_000}
        for i, pid in enumerate(phrases * per_phrase)
    ]

    # When it is completed, the stored session item stays well under DynamoDB's 400 KB
    status, _ = invoke(complete_event(pack["session_id"], {"reviews": reviews}))
    assert status == 200
    stored = get_item(dynamodb, "learner-0001", f"SESSION#{pack['session_id']}")
    assert stored_size(stored) < DYNAMODB_ITEM_LIMIT / 2

    # and one review more than the bound is refused
    _, other = invoke(daily_event())
    too_many = [{"phrase_id": phrases[0], "rating": "good"}] * (settings.max_reviews_per_phrase + 1)
    status, error = invoke(complete_event(other["session_id"], {"reviews": too_many}))
    assert (status, error["error"]["code"]) == (422, "invalid_results")


def test_the_review_log_at_the_absolute_bound_still_fits_one_item():
    # MAX_REVIEWS_PER_COMPLETION reviews with every field at its widest: the item stays under 400 KB
    from practice.domain.learner import CardSnapshot, Rating, ReviewLogEntry, Session
    from practice.domain.limits import MAX_REVIEWS_PER_COMPLETION

    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    snapshot = CardSnapshot(state=3, stability=123.456789012345, difficulty=9.87654321098765, due=now)
    entry = ReviewLogEntry(
        phrase_id="p" * 64, rating=Rating.AGAIN, reviewed_at=now, duration_ms=3_600_000,
        elapsed_days=1234.56789012345, before=snapshot, after=snapshot,
    )  # fmt: skip
    session = Session(
        session_id="0" * 26, user_id="u" * 128, pack_id="daily_2026-12-01", course_id="es-en",
        review_phrase_ids=("p" * 64,) * 48, new_phrase_ids=("p" * 64,) * 50, started_at=now,
        ended_at=now, reviews=(entry,) * MAX_REVIEWS_PER_COMPLETION, results_digest="d" * 64,
    )  # fmt: skip
    stored = serialize_item(session_item(session))
    compressed = stored["review_log"]["B"]
    # (even were the log not to compress at all)
    assert stored_size(stored) - len(compressed) + len(zlib.decompress(compressed)) < DYNAMODB_ITEM_LIMIT
