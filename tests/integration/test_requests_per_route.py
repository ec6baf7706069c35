"""DynamoDB requests per call do not grow with a learner's history: a learner with 10 cards and
10 past sessions and one with 10,000 of each (the cards in a real backlog's mix: relearning, due
today, overdue, not due yet) cost the same requests for today's pack, for completing it, for a
page of their history, for their stats, for a page of their export, for a page of their
phrasebook and what changed in it, and for deleting their account; erasing them costs requests
in proportion to their items, a bounded page at a time. Requests are counted through botocore's
before-call hook on the function's own client. No timings here: those are `make bench`'s."""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from practice.courses.service import read_course_file
from practice_local.cloud.moto_transactions import cheap_transaction_backups
from practice_local.simulation.seed import BENCH_NEW_PHRASES, bench_course, seed_learner
from tests.conftest import COURSES_DIR, TABLE_NAMES, load_event
from tests.fakes import on_dynamodb
from tests.integration.conftest import daily_event


@pytest.fixture(autouse=True)
def transactions_independent_of_table_size() -> Iterator[None]:
    """moto copies every table a transaction touches; the learners here have 10,000 items."""
    with cheap_transaction_backups():
        yield


TABLE = TABLE_NAMES["PracticeTable"]
CARDS = {"few-cards": 10, "many-cards": 10_000}
SESSIONS = {"few-sessions": 10, "many-sessions": 10_000}
# (an export's first page also counts an export begun against the learner's quota: docs/quotas.md)
MAX_REQUESTS = {"daily": 4, "completion": 3, "history": 2, "stats": 2, "export": 3, "forecast": 2}
MAX_REVIEWS_PER_PACK = 30

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


@pytest.fixture
def learners(dynamodb: Any) -> dict[str, int]:
    """Learners of a course long enough for their cards, with a real backlog's mix of cards."""
    course = bench_course(
        read_course_file(COURSES_DIR / "es-en.json"), max(CARDS.values()) + BENCH_NEW_PHRASES
    )
    on_dynamodb(dynamodb, TABLE).put_course(course)
    for user_id, cards in CARDS.items():
        seed_learner(dynamodb, TABLE, user_id, course, cards=cards, now=datetime.now(UTC))
    return CARDS


@pytest.fixture
def historians(dynamodb: Any) -> dict[str, int]:
    """Learners with 10 and 10,000 past sessions (three a day) and the day ledger they added up to.
    Their sessions carry no review log here: moto takes ~10 ms to store each one that does, and
    the requests do not depend on it (`make bench` times them with one)."""
    course = bench_course(read_course_file(COURSES_DIR / "es-en.json"), 100)
    on_dynamodb(dynamodb, TABLE).put_course(course)
    for user_id, sessions in SESSIONS.items():
        seed_learner(
            dynamodb, TABLE, user_id, course, cards=0, sessions=sessions, reviews_per_session=0,
            now=datetime.now(UTC),
        )  # fmt: skip
    return SESSIONS


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


def call(invoke: Invoke, event: dict[str, Any], dynamodb_requests: list[str]) -> tuple[list[str], Any]:
    """One call, which must succeed: the DynamoDB operations it made, and its body."""
    dynamodb_requests.clear()
    status, body = invoke(event)
    assert status == 200, body
    return list(dynamodb_requests), body


def test_a_daily_pack_costs_the_same_requests_with_10_and_10000_cards(invoke, learners, dynamodb_requests):
    # Given two learners, one with 10 cards and one with 10,000, each with cards in every state
    # (and the course in the function's cache, as after any first call)
    for user_id in learners:
        assert invoke(daily_event(sub=user_id))[0] == 200

    # When each opens today's pack
    requests, packs = {}, {}
    for user_id in learners:
        requests[user_id], packs[user_id] = call(invoke, daily_event(sub=user_id), dynamodb_requests)

    # Then both packs cost the same few requests: the profile, one limited query per due queue
    # (relearning, reviews) and the session write (with a check that the profile is unchanged)
    assert (
        requests["few-cards"] == requests["many-cards"] == ["GetItem", "Query", "Query", "TransactWriteItems"]
    )
    assert len(requests["many-cards"]) <= MAX_REQUESTS["daily"]
    # and the backlog is served in its limits: relearning cards first, reviews up to the pack's cap
    many = packs["many-cards"]
    assert len(many["review_phrases"]) == 30 + MAX_REVIEWS_PER_PACK  # 30 relearning due today, 30 reviews
    assert len(many["new_phrases"]) == 10
    assert 0 < len(packs["few-cards"]["review_phrases"]) <= learners["few-cards"]


def test_completing_a_pack_costs_the_same_requests_with_10_and_10000_cards(
    invoke, learners, dynamodb_requests
):
    # Given two learners with today's pack open, one with 10 cards and one with 10,000
    packs = {}
    for user_id in learners:
        status, packs[user_id] = invoke(daily_event(sub=user_id))
        assert status == 200

    # When each completes the pack, every phrase rated good
    requests = {
        user_id: call(invoke, completion_event(user_id, pack), dynamodb_requests)[0]
        for user_id, pack in packs.items()
    }

    # Then both completions cost the same few requests
    assert requests["few-cards"] == requests["many-cards"]
    assert len(requests["many-cards"]) <= MAX_REQUESTS["completion"]


def test_a_forecast_costs_the_same_two_reads_with_10_and_10000_cards(invoke, learners, dynamodb_requests):
    # Given two learners, one with 10 cards and one with 10,000 spread over a year and more
    # When each asks for the longest forecast
    requests, bodies = {}, {}
    for user_id in learners:
        event = load_event("get_forecast.json")
        event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
        event["queryStringParameters"], event["rawQueryString"] = {"days": "90"}, "days=90"
        requests[user_id], bodies[user_id] = call(invoke, event, dynamodb_requests)

    # Then both cost the profile and the one item of counts, whatever the cards
    assert requests["few-cards"] == requests["many-cards"] == ["GetItem", "GetItem"]
    assert len(requests["many-cards"]) <= MAX_REQUESTS["forecast"]
    assert bodies["many-cards"]["total"] > 10 * bodies["few-cards"]["total"] > 0


READS = [  # (route, sample event, query string, the requests it must cost)
    ("history", "list_sessions.json", {"limit": "20"}, ["GetItem", "Query"]),
    ("history", "list_sessions.json", {"limit": "100"}, ["GetItem", "Query"]),
    ("stats", "get_stats.json", None, ["GetItem", "Query"]),
    ("stats", "get_stats.json", {"from": "2026-01-01", "to": "2026-12-31"}, ["GetItem", "Query"]),
    ("export", "export_data.json", None, ["GetItem", "UpdateItem", "Query"]),
]


def test_history_and_stats_cost_the_same_requests_with_10_and_10000_sessions(
    invoke, historians, dynamodb_requests
):
    for route, event_file, query, expected in READS:
        # Given two learners, one with 10 past sessions and one with 10,000 (and their day ledgers)
        # When each reads a page of their history, or their stats
        requests, bodies = {}, {}
        for user_id in historians:
            event = load_event(event_file)
            event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
            event["queryStringParameters"] = query
            event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
            requests[user_id], bodies[user_id] = call(invoke, event, dynamodb_requests)

        # Then both cost the same few requests, and the larger history fills its pages
        assert requests["few-sessions"] == requests["many-sessions"] == expected, (route, query)
        assert len(expected) <= MAX_REQUESTS[route]
        if route == "history":
            assert [len(bodies[u]["sessions"]) for u in historians] == [10, int(query["limit"])]
            assert bodies["many-sessions"]["next_cursor"] is not None
        elif route == "export":  # the few fit one page; the many fill theirs and go on
            assert bodies["few-sessions"]["next_cursor"] is None
            assert bodies["many-sessions"]["next_cursor"] is not None
            assert len(bodies["many-sessions"]["items"]) > len(bodies["few-sessions"]["items"])
        else:
            assert (
                bodies["many-sessions"]["totals"]["sessions"] > bodies["few-sessions"]["totals"]["sessions"]
            )


def test_deleting_an_account_costs_one_write_with_10_and_10000_sessions(
    invoke, historians, dynamodb_requests
):
    # Given two learners, one with 10 past sessions and one with 10,000
    # When each deletes their account (twice: the app may retry)
    for user_id in historians:
        event = load_event("delete_profile.json")
        event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
        for _ in range(2):
            dynamodb_requests.clear()
            status, body = invoke(event)
            # Then each costs one DynamoDB write, the tombstone (and one SQS message)
            assert (status, body) == (202, {"status": "deleting"})
            assert dynamodb_requests == ["UpdateItem"]


def test_an_erasure_costs_requests_in_proportion_to_the_items_a_bounded_page_at_a_time(
    dynamodb, historians, on_dynamodb_call
):
    from practice.account.service import erase_learner
    from practice.domain.limits import ITEMS_PER_QUERY

    def keys_of(user_id: str) -> list[str]:
        pages = dynamodb.get_paginator("query").paginate(
            TableName=TABLE, KeyConditionExpression="pk = :pk", ProjectionExpression="sk",
            ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        )  # fmt: skip
        return [item["sk"]["S"] for page in pages for item in page["Items"]]

    repository = on_dynamodb(dynamodb, TABLE)
    operations: list[str] = []
    on_dynamodb_call(lambda model, **_: operations.append(model.name))
    for user_id, sessions in historians.items():
        # Given a learner with `sessions` sessions and their ledger days, deleted
        items = len(keys_of(user_id)) - 1  # the profile aside
        assert items > sessions
        repository.mark_deleting(user_id, datetime.now(UTC), max_requests=5)
        operations.clear()

        # When the worker erases them
        deleted = erase_learner(repository, user_id, time_left=lambda: 60.0, stop_seconds=1)

        # Then each page of at most ITEMS_PER_QUERY keys costs a tombstone check, a keys-only query
        # and one BatchWriteItem per 25 items; a last check and query find nothing; the tombstone
        # goes. (These sessions carry no review log, so 1,000 keys stay below the 1 MB a query may
        # read; sessions with one make pages shorter, as `make bench` shows.)
        pages = -(-items // ITEMS_PER_QUERY)
        assert deleted == items
        assert operations.count("GetItem") == operations.count("Query") == pages + 1
        assert operations.count("BatchWriteItem") == sum(
            -(-min(ITEMS_PER_QUERY, items - page * ITEMS_PER_QUERY) // 25) for page in range(pages)
        )
        assert operations[-1] == "DeleteItem"
        assert keys_of(user_id) == []


def phrases_event(user_id: str, query: dict[str, str]) -> dict[str, Any]:
    event = load_event("get_phrases.json")
    event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
    event["queryStringParameters"] = query
    event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    return event


def test_a_phrasebook_page_and_a_delta_cost_the_same_with_10_and_10000_cards(
    invoke, learners, dynamodb_requests
):
    # Given two learners, one with 10 cards and one with 10,000, each of whom listed the
    # phrasebook once (the course in the function's cache, as after any first call)
    tokens = {}
    for user_id in learners:
        tokens[user_id] = invoke(phrases_event(user_id, {"limit": "100"}))[1]["sync_token"]

    # When each reads the largest page of their phrasebook, then asks what changed since (nothing),
    # then completes today's pack and asks again
    full, unchanged, delta, bodies = {}, {}, {}, {}
    for user_id in learners:
        full[user_id], bodies[user_id] = call(
            invoke, phrases_event(user_id, {"limit": "100"}), dynamodb_requests
        )
        unchanged[user_id], _ = call(
            invoke, phrases_event(user_id, {"since": tokens[user_id]}), dynamodb_requests
        )
        status, pack = invoke(daily_event(sub=user_id))
        assert status == 200
        assert invoke(completion_event(user_id, pack))[0] == 200
        delta[user_id], bodies[user_id] = call(
            invoke, phrases_event(user_id, {"since": tokens[user_id], "limit": "100"}), dynamodb_requests
        )

    # Then a page is the profile and one bounded query; nothing changed is the profile alone; a
    # delta is the profile, the log and the changed cards, whatever the phrasebook's size
    assert full["few-cards"] == full["many-cards"] == ["GetItem", "Query"]
    assert unchanged["few-cards"] == unchanged["many-cards"] == ["GetItem"]
    assert delta["few-cards"] == delta["many-cards"] == ["GetItem", "Query", "BatchGetItem"]
    assert (
        len(bodies["many-cards"]["phrases"])
        == len({p["phrase_id"] for p in bodies["many-cards"]["phrases"]})
        > len(bodies["few-cards"]["phrases"])
    )


def test_registering_and_removing_a_device_cost_the_same_with_10_and_10000_cards(
    invoke, learners, dynamodb_requests
):
    from practice_api.app import lambda_handler
    from tests.conftest import LambdaContext

    # When each learner registers the app's token, registers it again (each start of the app),
    # then removes the device
    first, again, removal = {}, {}, {}
    for user_id in learners:
        event = load_event("register_device.json")
        event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
        dynamodb_requests.clear()
        status, device = invoke(event)
        assert status == 201, device
        first[user_id] = list(dynamodb_requests)
        again[user_id], _ = call(invoke, event, dynamodb_requests)
        removal_event = load_event("remove_device.json")
        removal_event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
        assert removal_event["pathParameters"]["device_id"] == device["device_id"]
        dynamodb_requests.clear()
        assert lambda_handler(removal_event, LambdaContext())["statusCode"] == 204
        removal[user_id] = list(dynamodb_requests)

    # Then a new device is the profile (which lists the learner's devices) and one transaction;
    # one known, or one removed, is the profile, the device (a batch read), and one write
    assert first["few-cards"] == first["many-cards"] == ["GetItem", "TransactWriteItems"]
    assert again["few-cards"] == again["many-cards"] == ["GetItem", "BatchGetItem", "PutItem"]
    assert removal["few-cards"] == removal["many-cards"] == ["GetItem", "BatchGetItem", "TransactWriteItems"]
