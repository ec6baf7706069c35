"""DELETE /profile, GET /export and the account worker through their real handlers, with moto's
DynamoDB and SQS: the message the API queues is the event the worker erases from."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from practice.compose import api_services
from practice.runtime.clients import sqs_client
from tests.conftest import ERASURE_QUEUE_URL, TABLE_NAMES, FakeClock, LambdaContext, load_event
from tests.integration.conftest import daily_event
from tests.integration.test_complete_session_api import all_good, complete_event, route_event
from tests.integration.test_profile_api import profile_event
from tests.integration.test_progress_api import with_caller

TABLE = TABLE_NAMES["PracticeTable"]
Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


def delete_event(sub: str = "learner-0001") -> dict[str, Any]:
    return with_caller(load_event("delete_profile.json"), sub)


def export_event(cursor: str | None = None, sub: str = "learner-0001") -> dict[str, Any]:
    event = with_caller(load_event("export_data.json"), sub)
    if cursor is not None:
        event["queryStringParameters"] = {"cursor": cursor}
        event["rawQueryString"] = f"cursor={cursor}"
    return event


def practise(invoke: Invoke, clock: FakeClock, sub: str = "learner-0001", days: int = 2) -> list[str]:
    """A completed session a day, then one left open: their ids."""
    ids = []
    for _ in range(days):
        _, pack = invoke(daily_event(sub=sub))
        clock.advance(minutes=5)
        status, _ = invoke(complete_event(pack["session_id"], all_good(pack), sub=sub))
        assert status == 200
        ids.append(pack["session_id"])
        clock.advance(days=1, minutes=-5)
    ids.append(invoke(daily_event(sub=sub))[1]["session_id"])
    return ids


def items_of(dynamodb: Any, sub: str) -> list[dict[str, Any]]:
    return dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{sub}"}},
        ConsistentRead=True,
    )["Items"]


def queued_erasures() -> list[dict[str, Any]]:
    """The erasure queue's messages, as the worker's event source would receive them."""
    return (
        sqs_client()
        .receive_message(QueueUrl=ERASURE_QUEUE_URL, MaxNumberOfMessages=10, AttributeNames=["All"])
        .get("Messages", [])
    )


def worker_event(messages: list[dict[str, Any]]) -> dict[str, Any]:
    from practice_local.cloud.queue_poller import sqs_event

    return sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:practice-erasures-test")


def run_worker(event: dict[str, Any], seconds_left: float = 300) -> dict[str, Any]:
    from account_worker.app import lambda_handler

    context = LambdaContext(function_name="AccountWorkerFunction")
    context.get_remaining_time_in_millis = lambda: int(seconds_left * 1000)  # type: ignore[method-assign]
    return lambda_handler(event, context)


def test_a_deleted_learner_is_gone_at_once_then_erased_by_the_worker(invoke, dynamodb, clock):
    # Given a learner with two days of practice and an open session, and another learner
    sessions = practise(invoke, clock)
    practise(invoke, clock, sub="other", days=1)
    others_items = items_of(dynamodb, "other")

    # When they delete their account
    status, body = invoke(delete_event())

    # Then the deletion is accepted and queued, and they are gone for the API at once
    assert (status, body) == (202, {"status": "deleting"})
    [message] = queued_erasures()
    assert json.loads(message["Body"])["user_id"] == "learner-0001"
    status, profile = invoke(profile_event())
    assert (status, profile["total_xp"], profile["streak"], profile["last_practice_day"]) == (200, 0, 0, None)
    status, error = invoke(route_event("GET", sessions[0]))
    assert (status, error["error"]["code"]) == (404, "session_not_found")
    assert invoke(export_event()) == (200, {"profile": None, "items": [], "next_cursor": None})
    # and nothing new can be started or changed while the erasure runs (409), nor completed (404)
    status, error = invoke(daily_event())
    assert (status, error["error"]["code"]) == (409, "account_deleting")
    status, error = invoke(profile_event("PATCH", {"daily_goal_xp": 50}))
    assert (status, error["error"]["code"]) == (409, "account_deleting")
    status, error = invoke(
        complete_event(sessions[-1], {"results": [{"phrase_id": "hola", "rating": "good"}]})
    )
    assert (status, error["error"]["code"]) == (404, "session_not_found")
    assert len(items_of(dynamodb, "learner-0001")) > len(sessions)  # the worker has not run yet

    # When the worker receives the message
    response = run_worker(worker_event([message]))

    # Then not one of their items is left, the other learner's are untouched, and they may
    # come back as a new learner
    assert response == {"batchItemFailures": []}
    assert items_of(dynamodb, "learner-0001") == []
    assert items_of(dynamodb, "other") == others_items
    status, pack = invoke(daily_event())
    assert (status, pack["review_phrases"]) == (200, [])


def test_a_second_delete_is_accepted_and_queues_the_erasure_again(invoke, dynamodb, clock):
    practise(invoke, clock, days=1)
    assert invoke(delete_event())[0] == 202
    assert invoke(delete_event())[0] == 202
    messages = queued_erasures()
    assert [json.loads(m["Body"])["user_id"] for m in messages] == ["learner-0001", "learner-0001"]

    # Both messages reach the worker (SQS delivers at least once): the second finds nothing to do
    assert run_worker(worker_event(messages)) == {"batchItemFailures": []}
    assert items_of(dynamodb, "learner-0001") == []


def test_a_pack_replayed_after_the_deletion_is_refused_not_the_deleted_accounts(invoke, dynamodb):
    # Given a pack started with an Idempotency-Key, then the account deleted
    key = {"idempotency-key": "5b0c7a0e-2d44-4c7e-8f5e-1f2a3b4c5d6e"}
    status, pack = invoke(daily_event(headers=key))
    assert status == 200
    assert invoke(delete_event())[0] == 202

    # When the app retries that request (its record outlives the account by up to a day)
    status, error = invoke(daily_event(headers=key))

    # Then the old pack is not answered: the account it belonged to is being deleted
    assert (status, error["error"]["code"]) == (409, "account_deleting")

    # And once erased, that key still gets no pack of the old account; a new key starts afresh
    assert run_worker(worker_event(queued_erasures())) == {"batchItemFailures": []}
    status, error = invoke(daily_event(headers=key))
    assert (status, error["error"]["code"]) == (409, "account_deleting")
    status, fresh = invoke(daily_event(headers={"idempotency-key": "9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a"}))
    assert status == 200 and fresh["session_id"] != pack["session_id"]


def test_the_worker_reports_only_the_records_that_failed(invoke, dynamodb, clock):
    # Given a batch with a learner to erase and a message that is not an erasure request
    practise(invoke, clock, days=1)
    invoke(delete_event())
    [good] = queued_erasures()
    bad = {**good, "MessageId": "not-an-erasure", "Body": '{"user": "x"}'}

    # When the worker runs on it
    response = run_worker(worker_event([good, bad]))

    # Then only the bad one fails (to come back, and end in the DLQ), and the learner is erased
    assert response == {"batchItemFailures": [{"itemIdentifier": "not-an-erasure"}]}
    assert items_of(dynamodb, "learner-0001") == []


def test_an_erasure_out_of_time_fails_its_record_and_the_next_attempt_finishes(invoke, dynamodb, clock):
    # Given a deleted learner
    practise(invoke, clock, days=2)
    invoke(delete_event())
    [message] = queued_erasures()

    # When the worker runs with less time left than a page needs
    response = run_worker(worker_event([message]), seconds_left=1)

    # Then the record fails (SQS delivers it again), with the first page deleted, the rest kept
    assert response == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    left = items_of(dynamodb, "learner-0001")
    assert [item["sk"]["S"] for item in left] == ["PROFILE"]  # one page held all the items
    assert invoke(profile_event())[1]["total_xp"] == 0
    # and the next delivery finishes
    assert run_worker(worker_event([message])) == {"batchItemFailures": []}
    assert items_of(dynamodb, "learner-0001") == []


# -- export -----------------------------------------------------------------------------------


def test_the_export_holds_the_profile_and_every_item_in_its_documented_shape(invoke, dynamodb, clock):
    # Given a learner who practised two days
    sessions = practise(invoke, clock)

    # When they export their data
    status, export = invoke(export_event())

    # Then it is one page with their profile, sessions (with reviews), cards and ledger days
    assert status == 200
    assert export["next_cursor"] is None
    assert export["profile"]["user_id"] == "learner-0001"
    assert export["profile"]["total_xp"] > 0
    by_type: dict[str, list[dict[str, Any]]] = {}
    for item in export["items"]:
        by_type.setdefault(item["type"], []).append(item)
    assert sorted(s["session_id"] for s in by_type["session"]) == sorted(sessions)
    assert all(s["reviews"] for s in by_type["session"] if s["status"] == "completed")
    stored_cards = [i for i in items_of(dynamodb, "learner-0001") if i["sk"]["S"].startswith("CARD#")]
    assert len(by_type["card"]) == len(stored_cards) > 0
    assert {"phrase_id", "state", "stability", "difficulty", "due", "last_review", "reps", "lapses"} <= set(
        by_type["card"][0]
    )
    assert len(by_type["day"]) == 2
    assert all(day["xp"] > 0 and day["goal_xp"] == 20 for day in by_type["day"])
    assert set(by_type) == {"session", "card", "day"}


def test_export_pages_of_a_large_learner_stay_small_and_concatenate_to_all_their_items(
    invoke, dynamodb, clock, dynamodb_requests
):
    from practice.courses.service import read_course_file
    from practice_api.app import lambda_handler
    from practice_local.simulation.seed import bench_course, seed_learner
    from tests.conftest import COURSES_DIR

    # Given a learner with 1,000 cards and 300 sessions of 30 reviews each (~3 MB of JSON)
    course = bench_course(read_course_file(COURSES_DIR / "es-en.json"), 1_000)
    seed_learner(
        dynamodb, TABLE, "big", course, cards=1_000, sessions=300, now=clock.now, reviews_per_session=30
    )

    # When they export everything, page by page
    keys, sizes, cursor = [], [], None
    while True:
        dynamodb_requests.clear()
        response = lambda_handler(export_event(cursor, sub="big"), LambdaContext())
        assert response["statusCode"] == 200, response["body"][:300]
        # two requests a page, whatever the history; the first also counts an export begun
        assert dynamodb_requests == ["GetItem", "Query"] if cursor else ["GetItem", "UpdateItem", "Query"]
        sizes.append(len(response["body"]))
        page = json.loads(response["body"])
        keys += [
            {"session": "SESSION#", "card": f"CARD#{item.get('course_id')}#", "day": "DAY#"}[item["type"]]
            + str(item.get("session_id") or item.get("phrase_id") or item.get("day"))
            for item in page["items"]
        ]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    # Then every page stays far below Lambda's 6 MB, and the pages hold each item exactly once
    assert len(sizes) >= 4
    assert max(sizes) < 1_200_000  # 1 MiB of items, and the last item over it
    assert sum(sizes) > 2_500_000
    stored = dynamodb.get_paginator("query").paginate(
        TableName=TABLE, KeyConditionExpression="pk = :pk", ProjectionExpression="sk",
        ExpressionAttributeValues={":pk": {"S": "USER#big"}},
    )  # fmt: skip
    # (the profile has a route of its own; the cards due per day are a recount of the cards; the
    # export's quota counter counts requests)
    kept = [item["sk"]["S"] for p in stored for item in p["Items"]]
    stored_keys = [sk for sk in kept if sk != "PROFILE" and not sk.startswith(("DUE#", "QUOTA#"))]
    assert len(kept) == len(stored_keys) + 3
    assert len(keys) == len(set(keys)) == len(stored_keys)
    assert set(keys) == set(stored_keys)


@pytest.mark.parametrize("cursor", ["forged-cursor-of-the-right-shape", "A" * 40])
def test_a_forged_export_cursor_is_a_400_before_any_read(invoke, dynamodb_requests, cursor):
    status, error = invoke(export_event(cursor))
    assert (status, error["error"]["code"]) == (400, "invalid_cursor")
    assert dynamodb_requests == []


def test_another_learners_export_cursor_is_a_400(api, invoke, dynamodb, clock):
    from practice_api import dependencies

    practise(invoke, clock, days=3)
    small_pages = dependencies.app_settings().model_copy(update={"export_page_bytes": 1024})
    api.dependency_overrides[dependencies.services] = lambda: api_services(small_pages, dynamodb, clock)
    cursor = invoke(export_event())[1]["next_cursor"]
    assert cursor is not None

    status, error = invoke(export_event(cursor, sub="someone-else"))
    assert (status, error["error"]["code"]) == (400, "invalid_cursor")
    assert invoke(export_event(cursor))[0] == 200  # the learner's own goes on


@pytest.mark.parametrize("query", ["cursor=", "cursor=has%20space", "cursor=" + "a" * 257])
def test_a_malformed_export_cursor_is_a_422(invoke, query):
    event = export_event()
    event["rawQueryString"] = query
    event["queryStringParameters"] = {"cursor": query.split("=", 1)[1].replace("%20", " ")}
    status, error = invoke(event)
    assert (status, error["error"]["code"]) == (422, "validation_error")
