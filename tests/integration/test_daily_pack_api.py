"""GET /api/v2/practice/daily through the real handler, with DynamoDB answered by moto."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from practice.courses.service import read_course_file
from practice.domain.learner import CardState
from practice.domain.limits import MAX_RETIRED_PER_START
from practice.dynamodb.codec import serialize_item
from practice.dynamodb.items import card_item
from tests.conftest import COURSES_DIR, TABLE_NAMES, load_event
from tests.integration.conftest import daily_event

TABLE = TABLE_NAMES["PracticeTable"]


def items_of(dynamodb: Any, user_id: str, prefix: str) -> list[dict[str, Any]]:
    response = dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
    )
    return [item for item in response["Items"] if item["sk"]["S"].startswith(prefix)]


def test_sample_event_starts_a_session_with_a_pack(invoke, dynamodb):
    # Given the sample event of a learner on their first day
    event = load_event("get_daily_pack.json")

    # When the handler answers it
    status, body = invoke(event)

    # Then it returns a pack of new phrases and a session id, and the session is stored open
    assert status == 200
    assert body["pack_id"].startswith("daily_")
    assert len(body["new_phrases"]) == 10
    assert body["review_phrases"] == []
    assert body["dialog"]["lines"]
    assert body["pronunciation_drill"]["phrases"]
    [item] = items_of(dynamodb, "learner-0001", "SESSION#")
    assert item["session_id"] == {"S": body["session_id"]}
    assert item["status"] == {"S": "open"}
    assert item["ended_at"] == {"NULL": True}
    # an open session expires (TTL) a week after it can no longer be completed
    started = datetime.fromisoformat(body["started_at"])
    assert int(item["ttl"]["N"]) == int((started + timedelta(hours=48, days=7)).timestamp())
    assert item["duration_seconds"] == {"NULL": True}
    # the design note's UserSession fields, flat: every XP field 0 at start
    xp_fields = ("xp_phrases", "xp_session_bonus", "xp_streak_bonus", "total_xp")
    assert [item[name] for name in (*xp_fields, "streak_before", "streak_after")] == [{"N": "0"}] * 6
    assert item["user_id"] == {"S": "learner-0001"}
    # the served ids, one string a list (botocore parses a list element by element)
    assert [p["phrase_id"] for p in body["new_phrases"]] == item["new_phrase_ids"]["S"].split(" ")


def test_first_visit_creates_a_profile_in_the_time_zone_of_the_header(invoke, dynamodb):
    status, _ = invoke(daily_event(sub="tokyo-learner", headers={"x-timezone": "Asia/Tokyo"}))
    assert status == 200
    [profile] = items_of(dynamodb, "tokyo-learner", "PROFILE")
    assert profile["time_zone"] == {"S": "Asia/Tokyo"}
    assert profile["daily_new_limit"] == {"N": "10"}
    assert profile["day_start_hour"] == {"N": "4"}


def test_pack_id_is_the_date_in_the_learners_own_day(invoke, clock):
    # Kiritimati is UTC+14: its day is always the UTC day or the next one
    now = clock.now
    _, body = invoke(daily_event(headers={"x-timezone": "Pacific/Kiritimati"}))
    local = now + timedelta(hours=14) - timedelta(hours=4)
    assert body["pack_id"] in {f"daily_{local.date()}", f"daily_{(local + timedelta(minutes=1)).date()}"}


def test_calls_without_an_idempotency_key_start_new_sessions(invoke, dynamodb):
    _, first = invoke(daily_event())
    _, second = invoke(daily_event())
    assert first["session_id"] != second["session_id"]
    assert first["session_id"] < second["session_id"]  # ULIDs sort by time
    assert len(items_of(dynamodb, "learner-0001", "SESSION#")) == 2


def test_a_retry_with_the_same_idempotency_key_returns_the_same_session(invoke, dynamodb):
    event = load_event("get_daily_pack_idempotent.json")
    status_1, first = invoke(event)
    status_2, second = invoke(event)
    assert (status_1, status_2) == (200, 200)
    assert second == first
    assert len(items_of(dynamodb, "learner-0001", "SESSION#")) == 1
    [record] = dynamodb.scan(TableName=TABLE_NAMES["IdempotencyTable"])["Items"]
    expires_in = int(record["expiration"]["N"]) - datetime.now(UTC).timestamp()
    assert 24 * 3600 - 60 < expires_in <= 24 * 3600


def test_the_same_idempotency_key_from_another_learner_is_another_request(invoke, dynamodb):
    headers = {"idempotency-key": "shared-key-123456"}
    _, mine = invoke(daily_event(sub="learner-a", headers=headers))
    _, theirs = invoke(daily_event(sub="learner-b", headers=headers))
    assert mine["session_id"] != theirs["session_id"]


def test_an_idempotency_key_reused_for_a_different_request_is_refused(invoke, dynamodb):
    key = {"idempotency-key": "reused-key-123456"}
    invoke(daily_event(headers=key | {"x-timezone": "Europe/Madrid"}))
    status, body = invoke(daily_event(headers=key | {"x-timezone": "Asia/Tokyo"}))
    assert status == 422
    assert body["error"]["code"] == "idempotency_key_reused"
    assert len(items_of(dynamodb, "learner-0001", "SESSION#")) == 1


@pytest.mark.parametrize("key", ["short", "has spaces in it", "x" * 129, "emoji-🙂-key-123"])
def test_a_malformed_idempotency_key_is_a_422_and_starts_nothing(invoke, dynamodb, key):
    status, body = invoke(daily_event(headers={"idempotency-key": key}))
    assert status == 422
    assert body["error"]["code"] == "validation_error"
    assert "idempotency-key" in body["error"]["message"].lower()
    assert items_of(dynamodb, "learner-0001", "SESSION#") == []


def test_a_request_without_identity_is_a_401(invoke, dynamodb):
    status, body = invoke(daily_event(sub=None))
    assert status == 401
    assert body == {
        "error": {"code": "unauthenticated", "message": "sign in first: the request carries no identity"}
    }


def test_the_user_id_query_parameter_is_ignored_outside_local_mode(invoke, dynamodb):
    status, _ = invoke(daily_event(sub=None, query={"user_id": "1"}))
    assert status == 401
    assert items_of(dynamodb, "1", "") == []


def test_an_unusable_subject_claim_is_a_401(invoke):
    status, body = invoke(daily_event(sub="has spaces/and#hash"))
    assert status == 401
    assert body["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "not a zone", "Europe/"])
def test_an_invalid_time_zone_header_is_a_400_and_writes_nothing(invoke, dynamodb, zone):
    status, body = invoke(daily_event(headers={"x-timezone": zone}))
    assert status == 400
    assert body["error"]["code"] == "invalid_time_zone"
    assert items_of(dynamodb, "learner-0001", "") == []


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v2/practice/nightly"), ("POST", "/api/v2/practice/dai"), ("GET", "/")],
)
def test_unknown_routes_are_json_404s(invoke, method, path):
    event = daily_event()
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["routeKey"] = event["requestContext"]["routeKey"] = "$default"
    status, body = invoke(event)
    assert status == 404
    assert body["error"]["code"] == "route_not_found"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/api/v2/practice/daily", "GET"),
        ("DELETE", "/api/v2/practice/daily", "GET"),
        ("TRACE", "/api/v2/practice/profile", "GET, PATCH, DELETE"),
        ("PUT", "/api/v2/practice/profile", "GET, PATCH, DELETE"),
        ("GET", f"/api/v2/practice/sessions/{'0' * 26}/complete", "POST"),
        ("PATCH", f"/api/v2/practice/sessions/{'0' * 26}", "GET"),
        ("POST", "/api/v2/practice/sessions", "GET"),
        ("DELETE", "/api/v2/practice/stats", "GET"),
        ("DELETE", "/api/v2/practice/export", "GET"),
    ],
)
def test_a_method_a_path_does_not_take_is_a_405_with_allow(invoke, lambda_context, method, path, allowed):
    from practice_api.app import lambda_handler

    event = daily_event()
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["routeKey"] = event["requestContext"]["routeKey"] = f"ANY {path}"
    response = lambda_handler(event, lambda_context)
    assert response["statusCode"] == 405
    assert response["headers"]["Allow"] == allowed
    assert '"code":"method_not_allowed"' in response["body"]


def throttle(operation: str):
    """A botocore before-call hook that answers `operation` as DynamoDB does when it throttles
    after the SDK has used up its retries."""

    class ThrottledResponse:
        status_code = 400

    def answer(model, **_: Any):
        if model.name == operation:
            error = {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}
            return ThrottledResponse(), {"Error": error, "ResponseMetadata": {}}
        return None

    return answer


@pytest.mark.parametrize(
    ("operation", "returning"),
    [("GetItem", True), ("Query", True), ("TransactWriteItems", True), ("TransactWriteItems", False)],
)
def test_throttling_that_outlives_the_retries_is_a_503_with_retry_after(
    invoke, on_dynamodb_call, lambda_context, operation, returning
):
    from practice_api.app import lambda_handler

    # Given a returning learner or a new one (the session is written in a transaction either way:
    # with the new profile, or with a check that the profile is still the one read)
    if returning:
        invoke(daily_event())
    on_dynamodb_call(throttle(operation))
    response = lambda_handler(daily_event(), lambda_context)
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"] == "1"
    assert '"code":"service_unavailable"' in response["body"]


def test_an_idempotency_store_that_throttles_is_a_503_and_starts_nothing(
    invoke, dynamodb, on_dynamodb_call, lambda_context
):
    from practice_api.app import lambda_handler

    # Given DynamoDB throttling the write of the key's record (Powertools' PutItem)
    on_dynamodb_call(throttle("PutItem"))

    # When a pack is asked for with an Idempotency-Key
    response = lambda_handler(
        daily_event(headers={"idempotency-key": "key-of-a-throttled-day"}), lambda_context
    )

    # Then it is a 503 the app retries after Retry-After, and no session was started
    assert (response["statusCode"], response["headers"]["Retry-After"]) == (503, "1")
    assert '"code":"service_unavailable"' in response["body"]
    assert dynamodb.scan(TableName=TABLE_NAMES["PracticeTable"], FilterExpression="begins_with(pk, :u)",
                         ExpressionAttributeValues={":u": {"S": "USER#"}})["Items"] == []  # fmt: skip


def session_ids(dynamodb: Any, user_id: str) -> list[str]:
    """The ids of the learner's stored sessions, oldest first."""
    sessions = dynamodb.query(
        TableName=TABLE_NAMES["PracticeTable"],
        KeyConditionExpression="pk = :u AND begins_with(sk, :s)",
        ExpressionAttributeValues={":u": {"S": f"USER#{user_id}"}, ":s": {"S": "SESSION#"}},
    )["Items"]
    return [s["session_id"]["S"] for s in sessions]


def test_a_start_applied_whose_answer_was_lost_is_answered_with_its_pack(invoke, dynamodb):
    from tests.integration.test_complete_session_api import lose_answers_of

    # Given DynamoDB's answer to the start's transaction lost (the session was written)
    restore = lose_answers_of(dynamodb, "TransactWriteItems")
    try:
        status, pack = invoke(daily_event())
    finally:
        restore()

    # Then the app gets the pack of that session (a 503 would have it start a second one)
    assert status == 200
    assert session_ids(dynamodb, "learner-0001") == [pack["session_id"]]


def put_cards(dynamodb: Any, user_id: str, phrase_ids: list[str], *, due: datetime) -> None:
    for n, phrase_id in enumerate(phrase_ids):
        card = CardState(
            course_id="es-en",
            phrase_id=phrase_id, state=2, step=None, stability=4.0, difficulty=5.0,
            due=due + timedelta(seconds=n), last_review=due - timedelta(days=4), reps=3,
        )  # fmt: skip
        dynamodb.put_item(TableName=TABLE, Item=serialize_item(card_item(user_id, card)))


def test_cards_of_phrases_that_left_the_course_take_no_place_and_leave_the_due_index(
    invoke, dynamodb, dynamodb_requests, clock
):
    # Given a learner whose 40 most recently due cards are of phrases the course no longer has,
    # and 5 older due cards of phrases it has (finding 2: the stale ones used to fill every pack)
    invoke(daily_event(sub="veteran"))
    now = clock.now
    course = read_course_file(COURSES_DIR / "es-en.json")
    kept = [phrase.phrase_id for phrase in course.phrases[-5:]]
    put_cards(dynamodb, "veteran", kept, due=now - timedelta(days=3))
    put_cards(dynamodb, "veteran", [f"gone-{n:02d}" for n in range(40)], due=now - timedelta(days=1))
    dynamodb_requests.clear()

    # When they open today's pack
    status, body = invoke(daily_event(sub="veteran"))

    # Then the five known cards are the reviews, and the pack's write retired 25 stale cards with
    # the session (one transaction, after one read of the days those cards are counted on): five
    # requests, however many cards there are
    assert status == 200
    assert {p["phrase_id"] for p in body["review_phrases"]} == set(kept)
    assert dynamodb_requests == ["GetItem", "Query", "Query", "BatchGetItem", "TransactWriteItems"]
    stale = items_of(dynamodb, "veteran", "CARD#es-en#gone-")
    assert sum("due_pk" not in item for item in stale) == MAX_RETIRED_PER_START
    assert all(item["retired"] == {"BOOL": True} for item in stale if "due_pk" not in item)
    # and the next pack retires the rest; their FSRS state stays on the card
    invoke(daily_event(sub="veteran"))
    stale = items_of(dynamodb, "veteran", "CARD#es-en#gone-")
    assert len(stale) == 40
    assert not any("due_pk" in item for item in stale)
    assert all(item["stability"] == {"N": "4.0"} for item in stale)


def test_a_learner_whose_course_is_not_loaded_gets_a_503(invoke, dynamodb):
    # Given a learner moved to a course that was never loaded into the table
    invoke(daily_event(sub="french-learner"))
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "USER#french-learner"}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET course_id = :course",
        ExpressionAttributeValues={":course": {"S": "de-en"}},
    )
    status, body = invoke(daily_event(sub="french-learner"))
    assert status == 503
    assert body["error"]["code"] == "course_not_loaded"


def test_an_unexpected_failure_is_a_json_500_without_internals(on_dynamodb_call, invoke):
    class Rejected:
        status_code = 400

    def reject(model, **_: Any):
        error = {"Code": "ValidationException", "Message": "secret table detail"}
        return (Rejected(), {"Error": error, "ResponseMetadata": {}}) if model.name == "GetItem" else None

    on_dynamodb_call(reject)
    status, body = invoke(daily_event())
    assert status == 500
    assert "secret" not in json.dumps(body)
    assert body["error"]["code"] == "internal_error"


def test_a_retry_while_the_first_request_still_runs_is_a_409(invoke, dynamodb, on_dynamodb_call):
    # Given a request with a key whose twin arrives while it is still building the pack
    event = load_event("get_daily_pack_idempotent.json")
    twin: list[tuple[int, dict[str, Any]]] = []

    def twin_arrives(model, **_: Any) -> None:
        if model.name == "Query" and not twin:
            twin.append(invoke(event))

    on_dynamodb_call(twin_arrives)
    status, first = invoke(event)

    # Then the first completes and the twin is told to retry later, with one session stored
    assert status == 200
    [(twin_status, twin_body)] = twin
    assert twin_status == 409
    assert twin_body["error"]["code"] == "request_in_progress"
    assert len(items_of(dynamodb, "learner-0001", "SESSION#")) == 1
    _, replay = invoke(event)
    assert replay == first


def test_a_started_pack_whose_key_record_cannot_be_saved_is_still_answered(
    invoke, dynamodb, on_dynamodb_call
):
    # Given DynamoDB throttling the update that marks the key's record done (Powertools' UpdateItem)
    on_dynamodb_call(throttle("UpdateItem"))

    # When a pack is asked for with an Idempotency-Key
    status, pack = invoke(daily_event(headers={"idempotency-key": "key-whose-record-stays-open"}))

    # Then the session started is answered (a 503 would have the app start a second one)
    assert status == 200
    assert session_ids(dynamodb, "learner-0001") == [pack["session_id"]]
