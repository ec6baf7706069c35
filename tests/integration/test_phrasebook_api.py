"""GET /api/v2/practice/phrases, conditional GETs and the app-version gate, through the real
handler on moto: what a phrasebook page holds, leeches at 8 lapses, every way to call it wrong;
an ETag on each conditional route and 304 exactly when nothing it returns changed; 426 only when
a minimum version is set and the app is older."""

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from practice.domain.learner import CardState
from practice.dynamodb.items import card_item
from practice_api.dependencies import app_settings
from practice_local.simulation.seed import write_items
from tests.conftest import TABLE_NAMES, LambdaContext, load_event
from tests.fakes import on_dynamodb
from tests.integration.conftest import daily_event
from tests.integration.test_complete_session_api import all_good, complete_event
from tests.integration.test_profile_api import profile_event
from tests.integration.test_workload_api import practise_days

USER = "learner-0001"


def phrases_event(
    query: dict[str, str] | None = None, headers: dict[str, str] | None = None, sub: str | None = USER
) -> dict[str, Any]:
    event = load_event("get_phrases.json")
    event["queryStringParameters"] = query
    event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    event["headers"] |= headers or {}
    if sub is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = sub
    return event


def with_headers(event: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    event["headers"] = event.get("headers", {}) | headers
    return event


@pytest.fixture
def handle(api: Any, lambda_context: LambdaContext) -> Any:
    """The handler's raw result (status, headers, body text), for what `invoke` does not show."""
    from practice_api.app import lambda_handler

    return lambda event: lambda_handler(event, lambda_context)


def test_a_new_learner_has_an_empty_phrasebook_and_nothing_is_written(invoke, dynamodb):
    status, body = invoke(phrases_event())
    assert status == 200
    assert (body["course_id"], body["phrases"], body["removed"], body["next_cursor"]) == (
        "es-en",
        [],
        [],
        None,
    )
    assert (body["has_more"], body["reset"]) == (False, False) and body["sync_token"]
    assert dynamodb.scan(TableName=TABLE_NAMES["PracticeTable"], FilterExpression="begins_with(pk, :u)",
                         ExpressionAttributeValues={":u": {"S": "USER#"}})["Items"] == []  # fmt: skip


def test_each_phrase_shows_its_content_state_strength_and_schedule(invoke, dynamodb, clock):
    practise_days(invoke, clock, 3)
    stored = on_dynamodb(dynamodb, TABLE_NAMES["PracticeTable"]).cards_of(USER)["hola"]
    status, body = invoke(phrases_event({"limit": "100"}))
    assert status == 200 and len(body["phrases"]) > 10
    ids = [phrase["phrase_id"] for phrase in body["phrases"]]
    assert ids == sorted(ids)  # phrase id order
    hola = next(phrase for phrase in body["phrases"] if phrase["phrase_id"] == "hola")
    assert (hola["text"], hola["translation"], hola["audio_key"]) == ("Hola", "Hello", "audio/es-en/hola.mp3")
    assert (hola["state"], hola["reps"], hola["lapses"], hola["leech"]) == ("review", stored.reps, 0, False)
    assert stored.reps >= 2 and hola["stability_days"] == stored.stability > 1
    assert (datetime.fromisoformat(hola["due"]), datetime.fromisoformat(hola["last_reviewed"])) == (
        stored.due,
        stored.last_review,
    )
    assert 0.9 < hola["strength"] <= 1


def test_a_phrase_forgotten_8_times_is_a_leech_and_the_filter_finds_it(invoke, dynamodb, clock):
    practise_days(invoke, clock, 1)
    now = clock.now
    planted = [
        CardState(course_id="es-en", phrase_id=pid, state=3, step=0, stability=0.5, difficulty=9.0,
                  due=now + timedelta(hours=1), last_review=now - timedelta(hours=1), reps=30, lapses=lapses)
        for pid, lapses in (("gracias", 7), ("por-favor", 8))
    ]  # fmt: skip
    write_items(dynamodb, TABLE_NAMES["PracticeTable"], [card_item(USER, card) for card in planted])
    leeches = invoke(phrases_event({"leech": "true"}))[1]["phrases"]
    assert [(p["phrase_id"], p["lapses"], p["state"]) for p in leeches] == [("por-favor", 8, "relearning")]
    others = invoke(phrases_event({"leech": "false", "state": "relearning"}))[1]["phrases"]
    assert [p["phrase_id"] for p in others] == ["gracias"]


def test_pages_follow_each_other_and_a_cursor_is_sealed_to_its_learner(invoke, clock):
    practise_days(invoke, clock, 2)
    everything = invoke(phrases_event({"limit": "100"}))[1]["phrases"]
    seen, query = [], {"limit": "3"}
    while True:
        status, page = invoke(phrases_event(query))
        assert status == 200
        seen += page["phrases"]
        if page["next_cursor"] is None:
            break
        query = {"limit": "3", "cursor": page["next_cursor"]}
    assert [p["phrase_id"] for p in seen] == [p["phrase_id"] for p in everything]
    cursor = invoke(phrases_event({"limit": "3"}))[1]["next_cursor"]
    status, body = invoke(phrases_event({"cursor": cursor}, sub="someone-else"))
    assert (status, body["error"]["code"]) == (400, "invalid_cursor")


def test_a_delta_holds_what_a_session_changed_and_a_token_is_sealed_to_its_learner(invoke, clock):
    practise_days(invoke, clock, 2)
    token = invoke(phrases_event({"limit": "100"}))[1]["sync_token"]
    status, body = invoke(phrases_event({"since": token}))
    assert (status, body["phrases"], body["removed"], body["sync_token"]) == (200, [], [], token)
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    assert invoke(complete_event(pack["session_id"], all_good(pack)))[0] == 200
    status, body = invoke(phrases_event({"since": token, "limit": "100"}))
    rated = {p["phrase_id"] for p in pack["review_phrases"] + pack["new_phrases"]}
    assert status == 200 and {p["phrase_id"] for p in body["phrases"]} == rated
    assert body["sync_token"] != token and body["next_cursor"] is None
    status, refused = invoke(phrases_event({"since": token}, sub="someone-else"))
    assert (status, refused["error"]["code"]) == (400, "invalid_sync_token")


def test_a_token_whose_changes_are_gone_is_410(invoke, dynamodb, clock):
    practise_days(invoke, clock, 1)
    token = invoke(phrases_event())[1]["sync_token"]
    practise_days(invoke, clock, 1)
    key = {"pk": {"S": f"USER#{USER}"}, "sk": {"S": "SYNC#es-en#0000000002"}}
    dynamodb.delete_item(TableName=TABLE_NAMES["PracticeTable"], Key=key)  # as the log's TTL does
    status, body = invoke(phrases_event({"since": token}))
    assert (status, body["error"]["code"]) == (410, "sync_token_expired")


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"limit": "0"}, 422, "validation_error"),
        ({"limit": "101"}, 422, "validation_error"),
        ({"state": "forgotten"}, 422, "validation_error"),
        ({"leech": "maybe"}, 422, "validation_error"),
        ({"course_id": "NOT A COURSE"}, 422, "validation_error"),
        ({"course_id": "xx-yy"}, 404, "unknown_course"),
        ({"cursor": "0"}, 422, "validation_error"),  # shorter than any cursor issued (the spec says so)
        ({"cursor": "bm90LWEtY3Vyc29yLCBidXQgbG9uZw"}, 400, "invalid_cursor"),
        ({"since": "bm90LWEtdG9rZW4sIGJ1dCBsb25n"}, 400, "invalid_sync_token"),
        ({"since": "bm90LWEtdG9rZW4sIGJ1dCBsb25n", "state": "review"}, 422, "sync_query_conflict"),
        ({"since": "bm90LWEtdG9rZW4sIGJ1dCBsb25n", "course_id": "es-en"}, 422, "sync_query_conflict"),
    ],
)
def test_a_bad_query_is_a_clear_4xx_and_writes_nothing(invoke, dynamodb, query, status, code):
    answered, body = invoke(phrases_event(query))
    assert (answered, body["error"]["code"]) == (status, code)
    assert dynamodb.scan(TableName=TABLE_NAMES["PracticeTable"], FilterExpression="begins_with(pk, :u)",
                         ExpressionAttributeValues={":u": {"S": "USER#"}})["Items"] == []  # fmt: skip


def test_other_methods_and_no_identity_are_refused(invoke):
    event = phrases_event()
    event["requestContext"]["http"]["method"] = "POST"
    status, body = invoke(event)
    assert (status, body["error"]["code"]) == (405, "method_not_allowed")
    assert invoke(phrases_event(sub=None))[0] == 401


# -- conditional GETs ----------------------------------------------------------------------------


def session_event(session_id: str) -> dict[str, Any]:
    event = load_event("get_session.json")
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/api/v2/practice/sessions/{session_id}"
    event["pathParameters"] = {"session_id": session_id}
    return event


def conditional_get(handle: Any, event: dict[str, Any], etag: str | None = None) -> dict[str, Any]:
    return handle(with_headers(event, {"if-none-match": etag} if etag else {}))


def test_each_conditional_route_answers_304_exactly_while_nothing_it_returns_changed(handle, invoke, clock):
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    routes = {
        "profile": profile_event,
        "stats": lambda: load_event("get_stats.json") | {"queryStringParameters": None, "rawQueryString": ""},
        "session": lambda: session_event(pack["session_id"]),
        "phrases": phrases_event,
    }
    tags = {}
    for name, event in routes.items():
        first = conditional_get(handle, event())
        assert first["statusCode"] == 200, name
        assert first["headers"]["Cache-Control"] == "private, no-cache"
        tags[name] = first["headers"]["ETag"]
        again = conditional_get(handle, event(), tags[name])
        assert (again["statusCode"], again["body"], again["headers"]["ETag"]) == (304, "", tags[name]), name
        for listed in (f'"other", {tags[name]}', f"W/{tags[name]}", "*"):
            assert conditional_get(handle, event(), listed)["statusCode"] == 304, (name, listed)
        assert conditional_get(handle, event(), '"other"')["statusCode"] == 200, name

    # A goal change is in the profile and the stats' today, not in the session nor the phrasebook
    assert invoke(profile_event("PATCH", {"daily_goal_xp": 50}))[0] == 200
    changed = {name: conditional_get(handle, event(), tags[name]) for name, event in routes.items()}
    assert {name: answer["statusCode"] for name, answer in changed.items()} == {
        "profile": 200, "stats": 200, "session": 304, "phrases": 304
    }  # fmt: skip
    tags |= {
        name: answer["headers"]["ETag"] for name, answer in changed.items() if answer["statusCode"] == 200
    }

    # Completing the session changes all four
    assert invoke(complete_event(pack["session_id"], all_good(pack)))[0] == 200
    for name, event in routes.items():
        answer = conditional_get(handle, event(), tags[name])
        assert answer["statusCode"] == 200 and answer["headers"]["ETag"] != tags[name], name
        assert json.loads(answer["body"])  # the whole body again


def test_a_phrasebook_etag_ignores_strength_now_which_moves_with_the_clock(handle, clock):
    practise_days(lambda event: _invoke(handle, event), clock, 1)
    first = conditional_get(handle, phrases_event())
    clock.advance(hours=6)
    later = conditional_get(handle, phrases_event())
    strengths = [[p["strength"] for p in json.loads(answer["body"])["phrases"]] for answer in (first, later)]
    assert strengths[0] != strengths[1]
    assert later["headers"]["ETag"] == first["headers"]["ETag"]
    assert conditional_get(handle, phrases_event(), first["headers"]["ETag"])["statusCode"] == 304


def test_errors_carry_no_etag(handle):
    answer = conditional_get(handle, session_event("01KBK0000000000000000000AA"), '"x"')
    assert answer["statusCode"] == 404 and "ETag" not in answer["headers"]


def _invoke(handle: Any, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    answer = handle(event)
    return answer["statusCode"], json.loads(answer["body"])


# -- the app-version gate ------------------------------------------------------------------------


@pytest.fixture
def minimum_version(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The function deployed with MinAppVersion 3.2.0."""
    monkeypatch.setenv("MIN_APP_VERSION", "3.2.0")
    app_settings.cache_clear()
    yield "3.2.0"
    monkeypatch.delenv("MIN_APP_VERSION")
    app_settings.cache_clear()


EVERY_KIND_OF_ROUTE = [
    daily_event,
    phrases_event,
    lambda: profile_event("PATCH", {"daily_goal_xp": 30}),
    lambda: load_event("list_courses.json"),
]


@pytest.mark.parametrize("event", EVERY_KIND_OF_ROUTE)
def test_an_app_older_than_the_minimum_gets_426_on_every_route(invoke, dynamodb, minimum_version, event):
    status, body = invoke(with_headers(event(), {"x-app-version": "3.1.9"}))
    assert (status, body["error"]["code"]) == (426, "app_upgrade_required")
    assert "3.2.0" in body["error"]["message"]
    assert dynamodb.scan(TableName=TABLE_NAMES["PracticeTable"], FilterExpression="begins_with(pk, :u)",
                         ExpressionAttributeValues={":u": {"S": "USER#"}})["Items"] == []  # fmt: skip


@pytest.mark.parametrize("version", ["3.2.0", "3.2", "3.10.0", "4"])
def test_an_app_as_new_as_the_minimum_is_served(invoke, minimum_version, version):
    assert invoke(with_headers(daily_event(), {"x-app-version": version}))[0] == 200


def test_without_the_header_an_app_is_served_and_a_bad_one_is_400(invoke, minimum_version):
    event = daily_event()
    event["headers"].pop("x-app-version", None)
    assert invoke(event)[0] == 200
    status, body = invoke(with_headers(daily_event(), {"x-app-version": "latest"}))
    assert (status, body["error"]["code"]) == (400, "invalid_app_version")


def test_without_a_minimum_every_version_is_served(invoke):
    assert app_settings().min_app_version == ""
    assert invoke(with_headers(daily_event(), {"x-app-version": "0.0.1"}))[0] == 200
    status, body = invoke(with_headers(phrases_event(), {"x-app-version": "not even a version"}))
    assert (status, body["error"]["code"]) == (400, "invalid_app_version")  # as the spec says


def test_the_gate_runs_before_anything_is_read(invoke, minimum_version, dynamodb_requests):
    assert invoke(with_headers(phrases_event(), {"x-app-version": "1.0"}))[0] == 426
    assert dynamodb_requests == []
