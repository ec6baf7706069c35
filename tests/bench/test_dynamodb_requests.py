"""DynamoDB requests per call do not grow with a learner's history: a learner with 10 cards and
one with 10,000 cost the same requests for today's pack and for completing it. Requests are
counted through botocore's before-call hook on the function's own client. No timings here:
those are `make bench`'s."""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bench.seed import seed_cards
from practice.content import read_course_file
from tests.conftest import COURSES_DIR, TABLE_NAMES, load_event
from tests.integration.conftest import daily_event

TABLE = TABLE_NAMES["PracticeTable"]
CARDS = {"few-cards": 10, "many-cards": 10_000}
MAX_REQUESTS = 3
MAX_REVIEWS_PER_PACK = 30

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


@pytest.fixture
def learners(dynamodb: Any) -> dict[str, int]:
    """Learners whose cards are all overdue, the course's phrases among them; no profile yet."""
    course = read_course_file(COURSES_DIR / "es-en.json")
    for user_id, cards in CARDS.items():
        seed_cards(dynamodb, TABLE, user_id, course, count=cards, due_before=datetime.now(UTC))
    return CARDS


def completion_event(user_id: str, pack: dict[str, Any]) -> dict[str, Any]:
    """events/complete_session.json for `pack`: review events for every phrase served (good), the
    first failed once before (a learning step)."""
    event = load_event("complete_session.json")
    session_id = pack["session_id"]
    event["rawPath"] = event["requestContext"]["http"]["path"] = (
        f"/api/v2/practice/sessions/{session_id}/complete"
    )
    event["pathParameters"] = {"session_id": session_id}
    event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
    phrases = pack["review_phrases"] + pack["new_phrases"]
    steps = [{"phrase_id": p["phrase_id"], "rating": "again"} for p in phrases[:1]]
    reviews = steps + [{"phrase_id": p["phrase_id"], "rating": "good"} for p in phrases]
    event["body"] = json.dumps({"reviews": reviews})
    return event


def returning(invoke: Invoke, user_id: str) -> None:
    """A first visit, which creates the profile (left open: its cards stay due)."""
    status, _ = invoke(daily_event(sub=user_id))
    assert status == 200


def call(invoke: Invoke, event: dict[str, Any], dynamodb_requests: list[str]) -> tuple[list[str], Any]:
    """One call, which must succeed: the DynamoDB operations it made, and its body."""
    dynamodb_requests.clear()
    status, body = invoke(event)
    assert status == 200, body
    return list(dynamodb_requests), body


def test_a_daily_pack_costs_the_same_requests_with_10_and_10000_cards(invoke, learners, dynamodb_requests):
    # Given two returning learners, one with 10 overdue cards and one with 10,000
    for user_id in learners:
        returning(invoke, user_id)

    # When each opens today's pack
    requests, packs = {}, {}
    for user_id in learners:
        requests[user_id], packs[user_id] = call(invoke, daily_event(sub=user_id), dynamodb_requests)

    # Then both packs cost the same few requests, and the due cards are served (limited)
    assert requests["few-cards"] == requests["many-cards"]
    assert len(requests["many-cards"]) <= MAX_REQUESTS
    assert len(packs["many-cards"]["review_phrases"]) == MAX_REVIEWS_PER_PACK
    assert 0 < len(packs["few-cards"]["review_phrases"]) <= learners["few-cards"]


def test_completing_a_pack_costs_the_same_requests_with_10_and_10000_cards(
    invoke, learners, dynamodb_requests
):
    # Given two returning learners with today's pack open, one with 10 cards and one with 10,000
    packs = {}
    for user_id in learners:
        returning(invoke, user_id)
        status, packs[user_id] = invoke(daily_event(sub=user_id))
        assert status == 200

    # When each completes the pack, every phrase rated good
    requests = {
        user_id: call(invoke, completion_event(user_id, pack), dynamodb_requests)[0]
        for user_id, pack in packs.items()
    }

    # Then both completions cost the same few requests
    assert requests["few-cards"] == requests["many-cards"]
    assert len(requests["many-cards"]) <= MAX_REQUESTS
