"""The whole API on the local server, over real HTTP: the real handler, template.yaml's routes
and an embedded DynamoDB."""

import json
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from practice.compose import dynamodb_stores
from practice.domain.content import Course
from practice_local.cloud.events import unsigned_jwt
from practice_local.cloud.template import http_api_routes, load_template
from tests.e2e.conftest import REPO_ROOT, LocalServer

pytestmark = pytest.mark.e2e

DAILY = "/api/v2/practice/daily"
ULID_NOBODY_HAS = "01KAXR5G8T3M2N4P6Q8R0S2T4V"


def bearer(sub: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {unsigned_jwt({'sub': sub, 'iss': 'e2e'})}"}


def stored_sessions(server: LocalServer, user_id: str) -> set[str]:
    items = server.dynamodb().query(
        TableName="practice-local",
        KeyConditionExpression="pk = :pk AND begins_with(sk, :session)",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}, ":session": {"S": "SESSION#"}},
    )["Items"]
    return {item["sk"]["S"].removeprefix("SESSION#") for item in items}


def backdate_session(server: LocalServer, user_id: str, session_id: str, minutes: int) -> None:
    """Make a session `minutes` old, as if the learner had been practising since: the server
    pays XP only for time it saw pass (scoring.py), and these tests do not sleep."""
    key = {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": f"SESSION#{session_id}"}}
    table = server.dynamodb()
    started = table.get_item(TableName="practice-local", Key=key)["Item"]["started_at"]["S"]
    earlier = datetime.fromisoformat(started) - timedelta(minutes=minutes)
    table.update_item(
        TableName="practice-local",
        Key=key,
        UpdateExpression="SET started_at = :at",
        ExpressionAttributeValues={":at": {"S": earlier.isoformat()}},
    )


def assert_json_error(reply: Any, status: int, code: str | None = None) -> None:
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"].startswith("application/json")
    error = reply.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code


def test_daily_pack_starts_a_new_session_each_call_in_the_embedded_table(local_server):
    # Given a learner identified the local way, by ?user_id=
    path = f"{DAILY}?user_id=e2e-daily"

    # When they ask for their daily pack twice
    first = local_server.request("GET", path)
    second = local_server.request("GET", path)

    # Then each call returns a pack of real phrases and starts its own session, stored in DynamoDB
    assert first.status == second.status == 200
    pack = first.json()
    assert pack["pack_id"].startswith("daily_")
    assert pack["new_phrases"][0]["text"]
    assert pack["new_phrases"][0]["translation"]
    assert second.json()["session_id"] != pack["session_id"]
    assert stored_sessions(local_server, "e2e-daily") == {pack["session_id"], second.json()["session_id"]}


def test_a_retry_with_the_same_idempotency_key_gets_the_same_session(local_server):
    # Given a first request with an Idempotency-Key
    headers = {"Idempotency-Key": "e2e-retry-0001"}
    first = local_server.request("GET", f"{DAILY}?user_id=e2e-retry", headers=headers)

    # When the app retries it with the same key
    retry = local_server.request("GET", f"{DAILY}?user_id=e2e-retry", headers=headers)

    # Then it gets the same session back, and only one session exists
    assert first.status == retry.status == 200
    assert retry.json()["session_id"] == first.json()["session_id"]
    assert stored_sessions(local_server, "e2e-retry") == {first.json()["session_id"]}


def test_the_bearer_tokens_sub_is_the_caller(local_server):
    # Given a learner who sends a JWT instead of ?user_id=
    started = local_server.request("GET", DAILY, headers=bearer("e2e-jwt-learner"))
    assert started.status == 200
    session_id = started.json()["session_id"]

    # When they, and then someone else, read that session
    session = f"/api/v2/practice/sessions/{session_id}"
    own = local_server.request("GET", session, headers=bearer("e2e-jwt-learner"))
    other = local_server.request("GET", session, headers=bearer("someone-else"))

    # Then the session is stored under the token's sub, and only its owner sees it
    assert stored_sessions(local_server, "e2e-jwt-learner") == {session_id}
    assert own.status == 200
    assert own.json()["status"] == "open"
    assert_json_error(other, 404, "session_not_found")


def test_a_completed_session_earns_xp(local_server):
    # Given a learner with today's pack
    pack = local_server.request("GET", f"{DAILY}?user_id=e2e-complete").json()
    backdate_session(local_server, "e2e-complete", pack["session_id"], minutes=5)
    phrases = pack["review_phrases"] + pack["new_phrases"]
    results = {"results": [{"phrase_id": p["phrase_id"], "rating": "good"} for p in phrases]}

    # When they complete its session
    done = local_server.request(
        "POST",
        f"/api/v2/practice/sessions/{pack['session_id']}/complete?user_id=e2e-complete",
        headers={"Content-Type": "application/json"},
        body=json.dumps(results).encode(),
    )

    # Then the session is completed with XP, and reads back completed
    assert done.status == 200, done.body
    assert done.json()["status"] == "completed"
    assert done.json()["total_xp"] > 0
    read = local_server.request("GET", f"/api/v2/practice/sessions/{pack['session_id']}?user_id=e2e-complete")
    assert read.json()["status"] == "completed"


@pytest.mark.parametrize(
    "token",
    ["not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.sample.signature", ""],
    ids=["one-segment", "not-base64-json", "sample-event-token", "empty"],
)
def test_a_malformed_bearer_token_is_refused_with_401(local_server, token):
    # Given a request whose Authorization header is not a decodable JWT
    headers = {"Authorization": f"Bearer {token}"}

    # When it reaches the server
    reply = local_server.request("GET", f"{DAILY}?user_id=e2e-ignored", headers=headers)

    # Then it is refused as API Gateway's authorizer would, with the API's error shape
    assert_json_error(reply, 401, "unauthenticated")


COMPLETE_NOBODY = f"/api/v2/practice/sessions/{ULID_NOBODY_HAS}/complete?user_id=e2e-mistakes"
MISTAKEN_DAILY = f"{DAILY}?user_id=e2e-mistakes"
CLIENT_MISTAKES = {
    "no-identity": ("GET", DAILY, {}, None, 401),
    "bad-json-body": ("POST", COMPLETE_NOBODY, {"Content-Type": "application/json"}, b"{not json", 400),
    "unknown-route": ("GET", "/api/v2/nothing-here", {}, None, 404),
    "wrong-method": ("DELETE", MISTAKEN_DAILY, {}, None, 405),
    "body-over-1-mib": ("POST", COMPLETE_NOBODY, {}, b"x" * (1024 * 1024 + 1), 413),
    "bad-idempotency-key": ("GET", MISTAKEN_DAILY, {"Idempotency-Key": "no spaces!"}, None, 422),
    "bad-time-zone": ("GET", MISTAKEN_DAILY, {"X-Timezone": "Mars/Olympus_Mons"}, None, 400),
}


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status"), CLIENT_MISTAKES.values(), ids=CLIENT_MISTAKES
)
def test_client_mistakes_get_a_4xx_json_error_and_the_server_keeps_serving(
    local_server, method, path, headers, body, status
):
    # Given a client that gets something wrong
    # When it sends its request
    reply = local_server.request(method, path, headers=headers, body=body)

    # Then it gets a JSON error with a 4xx status, and the next request is served as usual
    assert_json_error(reply, status)
    assert local_server.request("GET", f"{DAILY}?user_id=e2e-after").status == 200


POST_COMPLETE = b"POST " + COMPLETE_NOBODY.encode() + b" HTTP/1.1\r\n"
GET_DAILY = b"GET " + DAILY.encode() + b"?user_id=e2e-raw HTTP/1.1\r\n"
RAW_MISTAKES = {
    "content-length-not-a-number": (POST_COMPLETE + b"Content-Length: ten\r\n", 400),
    "two-content-lengths": (POST_COMPLETE + b"Content-Length: 1\r\nContent-Length: 2\r\n", 400),
    "chunked-body": (POST_COMPLETE + b"Transfer-Encoding: chunked\r\n", 411),
    "unknown-method": (GET_DAILY.replace(b"GET", b"BREW", 1), 404),
    "header-line-too-long": (GET_DAILY + b"X-Long: " + b"a" * 70_000 + b"\r\n", 431),
    "garbage-request-line": (b"GET\r\n", 400),
}


@pytest.mark.parametrize(("request_head", "status"), RAW_MISTAKES.values(), ids=RAW_MISTAKES)
def test_malformed_http_gets_a_4xx_json_error_and_the_server_keeps_serving(
    local_server, request_head, status
):
    # Given bytes that no well-behaved HTTP client sends
    request = request_head + b"Host: localhost\r\nConnection: close\r\n\r\n"

    # When they reach the server
    reply = local_server.raw(request)

    # Then they get a JSON error with a 4xx status, and the next request is served as usual
    assert_json_error(reply, status)
    assert local_server.request("GET", f"{DAILY}?user_id=e2e-after").status == 200


def test_the_api_docs_are_served(local_server):
    # Given the routes the template declares
    routes = http_api_routes(load_template(), "PracticeApiFunction")

    # When a developer opens the docs
    page = local_server.request("GET", "/docs")
    spec = local_server.request("GET", "/openapi.json").json()
    script = local_server.request("GET", "/docs/swagger-ui-bundle.min.js")

    # Then Swagger UI comes from this server (nothing from a CDN), over the handler's own spec
    assert page.status == 200
    assert b"/docs/swagger-ui-bundle.min.js" in page.body
    assert b"https://" not in page.body.split(b"<script>")[0]
    assert script.status == 200
    assert spec["info"]["title"] == "Practice API"
    assert {route.path for route in routes} <= set(spec["paths"])


@pytest.mark.parametrize(
    "claims", [{"sub": None}, {"sub": ""}, {"iss": "no-sub"}], ids=["null", "empty", "absent"]
)
def test_a_token_without_a_usable_sub_is_a_401_not_the_learner_none(local_server, claims):
    token = unsigned_jwt(claims)
    reply = local_server.request("GET", DAILY, headers={"Authorization": f"Bearer {token}"})
    assert_json_error(reply, 401, "unauthenticated")
    stored = local_server.dynamodb().query(
        TableName="practice-local",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "USER#None"}},
    )
    assert stored["Items"] == []  # no learner "None" was created


def test_an_unknown_route_is_a_404_even_with_identity(local_server):
    reply = local_server.request("GET", "/api/v2/nothing-here?user_id=e2e-lost")
    assert_json_error(reply, 404, "route_not_found")


def test_a_deleted_account_is_erased_by_the_local_worker_from_the_embedded_queue(local_server):
    # Given a learner with a completed session and an open one, and their data export
    user = "?user_id=e2e-deleted"
    pack = local_server.request("GET", DAILY + user).json()
    backdate_session(local_server, "e2e-deleted", pack["session_id"], minutes=5)
    results = {"results": [{"phrase_id": p["phrase_id"], "rating": "good"} for p in pack["new_phrases"]]}
    path = f"/api/v2/practice/sessions/{pack['session_id']}/complete{user}"
    assert local_server.request("POST", path, body=json.dumps(results).encode(),
                                headers={"Content-Type": "application/json"}).status == 200  # fmt: skip
    local_server.request("GET", DAILY + user)
    export = local_server.request("GET", "/api/v2/practice/export" + user).json()
    assert {item["type"] for item in export["items"]} == {"session", "card", "day"}

    # When they delete their account
    reply = local_server.request("DELETE", "/api/v2/practice/profile" + user)

    # Then it is accepted, and the worker, fed by the embedded SQS queue, erases every item of theirs
    assert (reply.status, reply.json()) == (202, {"status": "deleting"})
    table = local_server.dynamodb()
    deadline = time.monotonic() + 30
    while table.query(
        TableName="practice-local", KeyConditionExpression="pk = :pk", ConsistentRead=True,
        ExpressionAttributeValues={":pk": {"S": "USER#e2e-deleted"}},
    )["Items"]:  # fmt: skip
        assert time.monotonic() < deadline, local_server.output()[-2000:]
        time.sleep(0.05)  # the worker runs in the server's own thread; wait for it, not for time
    assert '"message":"learner erased"' in local_server.output()
    # and they may come back as a new learner
    assert local_server.request("GET", "/api/v2/practice/profile" + user).json()["total_xp"] == 0
    assert local_server.request("GET", DAILY + user).status == 200


def test_a_course_loaded_into_the_running_server_can_be_chosen_at_once(local_server):
    # Given a running server whose container has read the catalog
    learner = "?user_id=e2e-new-course"
    courses = local_server.request("GET", f"/api/v2/practice/courses{learner}").json()["courses"]
    assert [c["course_id"] for c in courses] == ["es-en", "fr-en"]

    # When an operator loads a new course into its table (make load-course does the same)
    french = json.loads((REPO_ROOT / "content" / "courses" / "fr-en.json").read_text(encoding="utf-8"))
    french |= {"course_id": "fr-fr", "title": "French in French"}
    store = dynamodb_stores(local_server.dynamodb(), "practice-local").courses
    store.put_course(Course.model_validate(french))

    # Then a learner can switch to it right away, and their next pack is from it
    switched = local_server.request(
        "PATCH",
        f"/api/v2/practice/profile{learner}",
        body=b'{"course_id": "fr-fr"}',
        headers={"Content-Type": "application/json"},
    )
    assert (switched.status, switched.json()["course_id"]) == (200, "fr-fr")
    pack = local_server.request("GET", f"{DAILY}{learner}").json()
    assert pack["course_id"] == "fr-fr"
    assert pack["new_phrases"][0]["phrase_id"] == french["phrases"][0]["phrase_id"]
