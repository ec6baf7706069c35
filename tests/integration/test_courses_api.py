"""The courses through the real handler on moto: the catalog, switching with PATCH /profile
(refused whole for an unknown course), packs of the active course, the export of every course,
and links that play each phrase's recording."""

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from practice.runtime.settings import Settings
from tests.conftest import FakeClock, LambdaContext, load_event
from tests.integration.conftest import daily_event, serve_on
from tests.integration.test_complete_session_api import all_good, complete_event
from tests.integration.test_profile_api import stored_profile

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


def event(
    name: str, sub: str = "learner-0001", body: Any = None, method: str | None = None
) -> dict[str, Any]:
    sample = load_event(name)
    sample["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = sub
    if body is not None:
        sample["body"] = json.dumps(body)
    if method is not None:
        sample["requestContext"]["http"]["method"] = method
    return sample


def switch(course_id: str, sub: str = "learner-0001") -> dict[str, Any]:
    return event("switch_course.json", sub, {"course_id": course_id})


def complete_all(invoke: Invoke, clock: FakeClock, pack: dict[str, Any]) -> None:
    clock.advance(minutes=5)
    status, _ = invoke(complete_event(pack["session_id"], all_good(pack)))
    assert status == 200


def test_the_catalog_lists_both_courses_with_their_size_and_the_learners_place(invoke, dynamodb_requests):
    status, body = invoke(event("list_courses.json"))
    assert status == 200
    courses = {course["course_id"]: course for course in body["courses"]}
    assert sorted(courses) == ["es-en", "fr-en"]
    french = courses["fr-en"]
    assert (french["source_language"], french["target_language"]) == ("en", "fr")
    assert french["phrases"] >= 1000 and french["dialogs"] >= 4 and french["drills"] >= 4
    assert french["topics"][:2] == ["greetings", "introductions"] and "words 1-100" in french["topics"]
    assert any("FreeDict" in credit for credit in french["attribution"])
    assert (courses["es-en"]["active"], french["active"], french["phrases_introduced"]) == (True, False, 0)

    # A warm container has the catalog: the learner's profile is the one request
    dynamodb_requests.clear()
    assert invoke(event("list_courses.json"))[0] == 200
    assert dynamodb_requests == ["GetItem"]


def test_switching_course_changes_the_next_pack_and_keeps_each_courses_place(invoke, clock, dynamodb):
    # Given a learner of Spanish who finished a pack
    status, spanish = invoke(daily_event())
    assert (status, spanish["course_id"]) == (200, "es-en")
    complete_all(invoke, clock, spanish)

    # When they switch to French
    status, profile = invoke(switch("fr-en"))

    # Then the profile says so, with their place in both courses, and the next pack is French
    assert status == 200
    assert (profile["course_id"], profile["phrases_introduced"]) == ("fr-en", 0)
    assert profile["courses"] == [
        {"course_id": "es-en", "phrases_introduced": 10},
        {"course_id": "fr-en", "phrases_introduced": 0},
    ]
    clock.advance(days=1)
    status, french = invoke(daily_event())
    assert (status, french["course_id"], french["review_phrases"]) == (200, "fr-en", [])
    assert french["new_phrases"][0]["phrase_id"] == "bonjour"
    complete_all(invoke, clock, french)

    # And back in Spanish, the pack resumes after the first ten phrases, reviews Spanish only
    assert invoke(switch("es-en"))[0] == 200
    clock.advance(days=3)
    _, again = invoke(daily_event())
    spanish_ids = {p["phrase_id"] for p in spanish["new_phrases"]}
    assert again["course_id"] == "es-en"
    assert {p["phrase_id"] for p in again["review_phrases"]} <= spanish_ids
    assert not {p["phrase_id"] for p in again["new_phrases"]} & spanish_ids

    # And the export holds the cards of both courses, each saying its course
    status, export = invoke(event("export_data.json"))
    cards = [item for item in export["items"] if item["type"] == "card"]
    assert status == 200 and {card["course_id"] for card in cards} == {"es-en", "fr-en"}
    assert len(cards) == 20
    assert stored_profile(dynamodb)["course_id"] == {"S": "es-en"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"course_id": "de-en"}, 404, "unknown_course"),
        ({"course_id": "de-en", "daily_new_limit": 5}, 404, "unknown_course"),  # refused whole
        ({"course_id": "FR EN"}, 422, "validation_error"),
        ({"course_id": 7}, 422, "validation_error"),
        ({"course_id": ""}, 422, "validation_error"),
    ],
)
def test_a_course_that_is_not_loaded_is_refused_and_nothing_is_written(invoke, dynamodb, body, status, code):
    invoke(daily_event())
    before = stored_profile(dynamodb)
    got, answer = invoke(event("switch_course.json", body=body))
    assert (got, answer["error"]["code"]) == (status, code)
    if code == "unknown_course":
        assert answer["error"]["message"] == "no course 'de-en'; GET /api/v2/practice/courses lists them"
    assert stored_profile(dynamodb) == before


def test_the_catalog_answers_only_get_and_only_to_a_signed_in_learner(invoke):
    status, body = invoke(event("list_courses.json", method="POST"))
    assert (status, body["error"]["code"]) == (405, "method_not_allowed")
    anonymous = event("list_courses.json")
    del anonymous["requestContext"]["authorizer"]
    status, body = invoke(anonymous)
    assert status == 401


@pytest.fixture
def with_audio(dynamodb: Any, clock: FakeClock) -> Iterator[APIGatewayHttpResolver]:
    """The handler with the stack's audio bucket configured, as deployed."""
    from practice_api import dependencies
    from practice_api.app import app

    settings = dependencies.app_settings().model_copy(update={"audio_bucket": "practice-audio-123"})
    serve_on(app, dynamodb, clock, settings)
    yield app
    app.dependency_overrides.clear()


def test_each_phrase_of_a_pack_links_to_its_recording_for_hours(with_audio, lambda_context: LambdaContext):
    from practice_api.app import lambda_handler

    for headers in (
        {},
        {"idempotency-key": "pack-one-123456"},
        {"idempotency-key": "pack-one-123456"},
    ):  # fresh, then replayed
        response = lambda_handler(daily_event(headers=headers), lambda_context)
        assert response["statusCode"] == 200
        pack = json.loads(response["body"])
        items = [*pack["review_phrases"], *pack["new_phrases"], *pack["dialog"]["lines"]]
        items += pack["pronunciation_drill"]["phrases"]
        for item in items:
            url = urlsplit(item["audio_url"])
            assert (url.scheme, url.netloc) == ("https", "practice-audio-123.s3.us-east-1.amazonaws.com")
            assert url.path == "/" + item["audio_key"]
            query = parse_qs(url.query)
            assert query["X-Amz-Expires"] == [str(Settings.model_fields["audio_url_seconds"].default)]
            assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Signature"]


def test_without_an_audio_bucket_packs_carry_the_key_alone(invoke):
    _, pack = invoke(daily_event())
    assert all(p["audio_url"] is None and p["audio_key"] for p in pack["new_phrases"])
