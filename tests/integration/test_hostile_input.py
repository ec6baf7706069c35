"""Input a hostile but fair client sends: every answer is a 4xx JSON error of the documented
shape, and nothing is written. (Found by schemathesis and hand-made probes; tests/e2e/test_contract.py
runs schemathesis itself.)"""

import base64
import json
from typing import Any

import pytest

from practice.domain.limits import MAX_REVIEWS_PER_COMPLETION
from practice_api.http.gate import MAX_BODY_BYTES
from tests.conftest import TABLE_NAMES
from tests.integration.conftest import daily_event
from tests.integration.test_complete_session_api import complete_event
from tests.integration.test_profile_api import profile_event

TABLE = TABLE_NAMES["PracticeTable"]


def learner_items(dynamodb: Any, user_id: str = "learner-0001") -> list[dict[str, Any]]:
    response = dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        ConsistentRead=True,
    )
    return response["Items"]


@pytest.fixture
def practising(invoke: Any) -> dict[str, Any]:
    """A learner with an open session (their profile exists)."""
    status, pack = invoke(daily_event())
    assert status == 200
    return pack


def assert_error(answer: tuple[int, dict[str, Any]], status: int, code: str) -> None:
    got_status, body = answer
    assert (got_status, body["error"]["code"]) == (status, code), body
    assert body["error"]["message"]


@pytest.mark.parametrize("field", ["time_zone", "day_start_hour", "daily_new_limit"])
def test_a_null_setting_is_refused_and_the_profile_stays_usable(invoke, dynamodb, practising, field):
    before = learner_items(dynamodb)

    # When the learner sends null for a setting
    assert_error(invoke(profile_event("PATCH", {field: None})), 422, "validation_error")

    # Then nothing changed, and the profile, the pack and a valid change all still work
    assert learner_items(dynamodb) == before
    assert invoke(profile_event())[0] == 200
    assert invoke(daily_event())[0] == 200
    assert invoke(profile_event("PATCH", {"daily_new_limit": 5}))[0] == 200


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/octet-stream",
        "image/png",
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "application/jsonp",
        "application/merge-patch+json",
    ],
)
def test_a_body_that_is_not_sent_as_json_is_a_415(invoke, dynamodb, practising, content_type):
    before = learner_items(dynamodb)
    for event in (
        profile_event("PATCH", {"daily_new_limit": 5}),
        complete_event(practising["session_id"], {"results": [], "dialog_completed": True}),
    ):
        event["headers"]["content-type"] = content_type
        assert_error(invoke(event), 415, "unsupported_media_type")
    assert learner_items(dynamodb) == before


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_json_with_parameters_or_in_capitals_is_accepted(invoke, practising, content_type):
    event = profile_event("PATCH", {"daily_new_limit": 5})
    event["headers"]["content-type"] = content_type
    assert invoke(event)[0] == 200


@pytest.mark.parametrize("raw", [b"\xff", b'{"daily_new_limit": "\xe9"}', b"\xc3\x28"])
def test_a_body_that_is_not_utf8_is_a_400(invoke, dynamodb, practising, raw):
    before = learner_items(dynamodb)
    for event in (profile_event("PATCH"), complete_event(practising["session_id"], None)):
        event["body"], event["isBase64Encoded"] = base64.b64encode(raw).decode(), True
        assert_error(invoke(event), 400, "invalid_json")
    assert learner_items(dynamodb) == before


def test_a_base64_body_that_is_json_is_accepted(invoke, practising):
    event = profile_event("PATCH")
    event["body"] = base64.b64encode(json.dumps({"daily_new_limit": 4}).encode()).decode()
    event["isBase64Encoded"] = True
    status, profile = invoke(event)
    assert (status, profile["daily_new_limit"]) == (200, 4)


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000])
def test_a_body_nested_too_deep_is_invalid_json_not_a_server_error(invoke, dynamodb, practising, body):
    before = learner_items(dynamodb)
    for event in (profile_event("PATCH"), complete_event(practising["session_id"], None)):
        event["body"] = body
        assert_error(invoke(event), 400, "invalid_json")
    assert learner_items(dynamodb) == before


def oversized(
    event: dict[str, Any], size: int, *, character: str = "a", base64_encoded: bool = False
) -> dict[str, Any]:
    """`event` with a JSON body of `size` bytes (a string of `character`s, UTF-8)."""
    padding = character * ((size - len('{"x":""}')) // len(character.encode()))
    body = json.dumps({"x": padding}, ensure_ascii=False)
    if base64_encoded:
        event["body"], event["isBase64Encoded"] = base64.b64encode(body.encode()).decode(), True
    else:
        event["body"] = body
    return event


@pytest.mark.parametrize(
    ("character", "base64_encoded"), [("a", False), ("a", True), ("\u00e9", False), ("\U0001f600", False)]
)
def test_a_body_over_512_kb_is_a_413_before_it_is_parsed(
    invoke, dynamodb, practising, character, base64_encoded
):
    before = learner_items(dynamodb)
    for event in (profile_event("PATCH"), complete_event(practising["session_id"], None)):
        answer = invoke(
            oversized(event, MAX_BODY_BYTES + 8, character=character, base64_encoded=base64_encoded)
        )
        assert_error(answer, 413, "payload_too_large")
    assert learner_items(dynamodb) == before


@pytest.mark.parametrize("character", ["a", "\U0001f600"])
def test_a_body_just_under_the_bound_is_parsed_and_validated(invoke, practising, character):
    # 4-byte characters: the bound counts the bytes sent, not the characters
    event = oversized(profile_event("PATCH"), MAX_BODY_BYTES - 8, character=character)
    assert_error(invoke(event), 422, "validation_error")


def test_the_largest_completion_a_learner_sends_is_far_below_the_bound(invoke, practising):
    # Given the most reviews a completion takes, each with the longest id and every optional field
    reviews = [
        {
            "phrase_id": "p" * 64,
            "rating": "good",
            "reviewed_at": "2026-12-05T09:30:00.123456+00:00",
            "duration_ms": 123456,
        }
        for _ in range(MAX_REVIEWS_PER_COMPLETION)
    ]
    event = complete_event(practising["session_id"], {"reviews": reviews, "dialog_completed": True})

    # Then it is a seventh of the bound (70 KB), refused for what it says (phrases not served)
    assert len(event["body"].encode()) < MAX_BODY_BYTES / 7
    assert_error(invoke(event), 422, "invalid_results")


@pytest.mark.parametrize("zone", ["America", "Europe", "Etc", "__pycache__", "zones", "Europe/", "utc"])
def test_a_time_zone_naming_a_tzdata_folder_or_file_is_a_400(invoke, dynamodb, zone):
    assert_error(invoke(daily_event(headers={"x-timezone": zone})), 400, "invalid_time_zone")
    assert_error(invoke(profile_event("PATCH", {"time_zone": zone})), 400, "invalid_time_zone")
    assert learner_items(dynamodb) == []


@pytest.mark.parametrize(
    "result",
    [
        {"correct": "yes"},
        {"correct": "true"},
        {"correct": 1},
        {"rating": "good", "response_time_ms": "100"},
        {"rating": "good", "response_time_ms": 1.5},
        {"rating": "good", "response_time_ms": True},
        {"rating": None, "correct": True},
        {"rating": "good", "response_time_ms": None},
        {"rating": "GOOD"},
        {"rating": 3},
    ],
)
def test_a_result_is_not_coerced_from_another_type(invoke, dynamodb, practising, result):
    before = learner_items(dynamodb)
    phrase_id = (practising["review_phrases"] + practising["new_phrases"])[0]["phrase_id"]
    body = {"results": [{"phrase_id": phrase_id, **result}]}
    assert_error(invoke(complete_event(practising["session_id"], body)), 422, "validation_error")
    assert learner_items(dynamodb) == before


@pytest.mark.parametrize(
    "body",
    [
        {"results": [], "dialog_completed": "true"},
        {"results": [], "drill_completed": 1},
        {"results": [], "dialog_completed": None},
        {"results": None, "dialog_completed": True},
    ],
)
def test_completion_flags_are_not_coerced(invoke, dynamodb, practising, body):
    before = learner_items(dynamodb)
    assert_error(invoke(complete_event(practising["session_id"], body)), 422, "validation_error")
    assert learner_items(dynamodb) == before


@pytest.mark.parametrize(
    "body", [{"day_start_hour": True}, {"day_start_hour": "5"}, {"daily_new_limit": 5.5}, {"time_zone": 3}]
)
def test_settings_are_not_coerced(invoke, dynamodb, practising, body):
    before = learner_items(dynamodb)
    assert_error(invoke(profile_event("PATCH", body)), 422, "validation_error")
    assert learner_items(dynamodb) == before


@pytest.mark.parametrize(
    "event",
    [
        lambda: profile_event("PATCH", "{not json", sub=None),
        lambda: profile_event("PATCH", {"streak": 400}, sub=None),
        lambda: complete_event("not-a-ulid", {"results": "no"}, sub=None),
        lambda: daily_event(sub=None, headers={"x-timezone": "Mars/Olympus"}),
    ],
)
def test_without_identity_the_answer_is_401_whatever_else_is_wrong(invoke, dynamodb, event):
    assert_error(invoke(event()), 401, "unauthenticated")
    assert dynamodb.scan(TableName=TABLE, FilterExpression="begins_with(pk, :u)",
                         ExpressionAttributeValues={":u": {"S": "USER#"}})["Items"] == []  # fmt: skip


def test_without_identity_a_body_that_is_not_json_is_still_a_401(invoke):
    event = profile_event("PATCH", {"daily_new_limit": 5}, sub=None)
    event["headers"]["content-type"] = "text/plain"
    assert_error(invoke(event), 401, "unauthenticated")


@pytest.mark.parametrize("body", [{}, {"results": [{"phrase_id": "hola"}]}])
def test_what_the_spec_calls_invalid_the_server_refuses(invoke, practising, body):
    # PATCH {} (the spec: minProperties 1) and a result with neither rating nor correct (oneOf)
    event = profile_event("PATCH", body) if body == {} else complete_event(practising["session_id"], body)
    assert_error(invoke(event), 422, "validation_error")
