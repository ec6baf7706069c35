"""Per-learner quotas through the real handler on moto's DynamoDB (docs/quotas.md): a client in a
loop meets its quota with a 429 and Retry-After, the learner next to it never notices, a real
learner's busy day never meets it, and a quota costs a session start no request of its own."""

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from practice.domain.quotas import COUNTER_KEPT
from tests.conftest import TABLE_NAMES, FakeClock, LambdaContext
from tests.integration.conftest import daily_event, serve_on
from tests.integration.test_account_api import delete_event, export_event, items_of, practise, queued_erasures
from tests.integration.test_profile_api import profile_event

TABLE = TABLE_NAMES["PracticeTable"]


@pytest.fixture
def limits(api: Any, dynamodb: Any, clock: FakeClock) -> dict[str, int]:
    """The handler with small quotas: 5 session starts a learner day, 3 exports an hour, 2
    erasure requests a tombstone."""
    from practice_api import dependencies

    small = {"session_starts_per_day": 5, "exports_per_hour": 3, "erasure_requests_per_tombstone": 2}
    serve_on(api, dynamodb, clock, dependencies.app_settings().model_copy(update=small))
    return small


def answer(lambda_handler: Any, event: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
    response = lambda_handler(event, LambdaContext())
    return response["statusCode"], response.get("headers") or {}, json.loads(response["body"])


def learner_day_ends(invoke: Any, clock: FakeClock) -> datetime:
    """When the sample learner's day (in their zone, from their start hour) ends, as a local time
    in their zone (its date is the next day's)."""
    profile = invoke(profile_event())[1]
    local = clock.now.astimezone(ZoneInfo(profile["time_zone"]))
    start = local.replace(hour=profile["day_start_hour"], minute=0, second=0, microsecond=0)
    return start + timedelta(days=1) if start <= local else start


def sessions_of(dynamodb: Any, sub: str) -> list[str]:
    return [i["sk"]["S"] for i in items_of(dynamodb, sub) if i["sk"]["S"].startswith("SESSION#")]


def test_a_learner_in_a_loop_meets_the_start_quota_and_another_learner_does_not(
    limits, invoke, dynamodb, clock, dynamodb_requests
):
    from practice_api.app import lambda_handler

    # Given a client that starts session after session
    for _ in range(limits["session_starts_per_day"]):
        assert invoke(daily_event())[0] == 200
    dynamodb_requests.clear()

    # When it asks once more, it is refused, told when its learner day ends, and nothing is written
    status, headers, body = answer(lambda_handler, daily_event())
    assert (status, body["error"]["code"]) == (429, "quota_exceeded")
    assert int(headers["Retry-After"]) == int((learner_day_ends(invoke, clock) - clock.now).total_seconds())
    assert "5 session starts per day" in body["error"]["message"]
    assert dynamodb_requests.count("TransactWriteItems") == 1  # the refusal was that write's condition
    assert len(sessions_of(dynamodb, "learner-0001")) == limits["session_starts_per_day"]

    # Then another learner starts as usual
    assert invoke(daily_event(sub="learner-0002"))[0] == 200

    # And once the learner's next day begins, so do they
    clock.advance(seconds=int(headers["Retry-After"]))
    assert invoke(daily_event())[0] == 200


def test_the_quota_rides_on_the_start_and_its_counter_expires(
    limits, invoke, dynamodb, clock, dynamodb_requests
):
    # When a learner starts a session, and another (the course read and cached by the first)
    assert invoke(daily_event())[0] == 200
    dynamodb_requests.clear()
    assert invoke(daily_event())[0] == 200

    # Then it cost the requests a start always costs (the counter is one more item of its transaction)
    assert dynamodb_requests == ["GetItem", "Query", "Query", "TransactWriteItems"]
    [counter] = [i for i in items_of(dynamodb, "learner-0001") if i["sk"]["S"].startswith("QUOTA#")]
    day_ends = learner_day_ends(invoke, clock)
    assert counter["sk"]["S"] == f"QUOTA#session_starts#{(day_ends - timedelta(days=1)).date().isoformat()}"
    assert counter["used"] == {"N": "2"}
    # and DynamoDB deletes the counter a day after the learner day it counts ends
    assert int(counter["ttl"]["N"]) == int((day_ends + COUNTER_KEPT).timestamp())


def test_a_replayed_start_is_not_counted_again(limits, invoke, dynamodb):
    key = {"idempotency-key": "0f7ad3b4-6b4d-4d0e-9f55-0a4f1a3c2b10"}
    for _ in range(limits["session_starts_per_day"] + 3):
        assert invoke(daily_event(headers=key))[0] == 200
    assert len(sessions_of(dynamodb, "learner-0001")) == 1
    for _ in range(limits["session_starts_per_day"] - 1):
        assert invoke(daily_event())[0] == 200  # the rest of the day's starts are still there


def test_exports_are_counted_when_they_begin_and_their_pages_are_free(limits, api, invoke, dynamodb, clock):
    from practice_api import dependencies

    practise(invoke, clock, days=3)
    small_pages = dependencies.app_settings().model_copy(update={**limits, "export_page_bytes": 1024})
    serve_on(api, dynamodb, clock, small_pages)

    # Given a learner who began the exports of one hour, and follows one of them page by page
    status, first = invoke(export_event())
    assert status == 200 and first["next_cursor"]
    for _ in range(limits["exports_per_hour"] - 1):
        assert invoke(export_event())[0] == 200
    cursor, pages = first["next_cursor"], 0
    while cursor:
        status, page = invoke(export_event(cursor))
        assert status == 200
        cursor, pages = page["next_cursor"], pages + 1
    assert pages >= 2

    # When they begin one more that hour, it is refused until the hour ends
    from practice_api.app import lambda_handler

    status, headers, body = answer(lambda_handler, export_event())
    assert (status, body["error"]["code"]) == (429, "quota_exceeded")
    assert int(headers["Retry-After"]) == 3600 - clock.now.minute * 60 - clock.now.second
    assert invoke(export_event(sub="learner-0002"))[0] == 200  # no one else is

    clock.advance(seconds=int(headers["Retry-After"]))
    assert invoke(export_event())[0] == 200


def test_deletion_requests_are_counted_on_the_tombstone(limits, invoke, dynamodb, clock):
    from practice_api.app import lambda_handler

    # Given a learner who asked to be deleted as often as one may
    practise(invoke, clock, days=1)
    for _ in range(limits["erasure_requests_per_tombstone"]):
        assert invoke(delete_event())[0] == 202

    # When they ask again, it is refused, and nothing more is queued
    status, headers, body = answer(lambda_handler, delete_event())
    assert (status, body["error"]["code"], headers["Retry-After"]) == (429, "quota_exceeded", "3600")
    assert len(queued_erasures()) == limits["erasure_requests_per_tombstone"]
    [profile] = [i for i in items_of(dynamodb, "learner-0001") if i["sk"]["S"] == "PROFILE"]
    assert profile["erasure_requests"] == {"N": "2"}


def test_a_busy_real_day_never_meets_the_default_quotas(invoke, clock):
    # A learner who practises 30 sessions in a day (each a start and a completion) and exports once
    practise(invoke, clock, days=1)
    for _ in range(30):
        assert invoke(daily_event())[0] == 200
        clock.advance(minutes=10)
    assert invoke(export_event())[0] == 200
    assert invoke(delete_event())[0] == 202
    assert invoke(delete_event())[0] == 202  # an app that retries the deletion
