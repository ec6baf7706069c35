"""POST /sessions/{id}/complete and GET /sessions/{id} through the real handler, with moto."""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from practice.domain.learner import Session
from practice.domain.scoring import DIALOG_BONUS, PACK_FINISHED_BONUS, STREAK_BONUS_PER_DAY, XP_PER_PHRASE
from practice.dynamodb.codec import deserialize_item
from practice.dynamodb.items import card_from_item
from tests.conftest import TABLE_NAMES, load_event
from tests.integration.conftest import daily_event

TABLE = TABLE_NAMES["PracticeTable"]
ULID_NOBODY_HAS = "01KAXR5G8T3M2N4P6Q8R0S2T4V"


def route_event(
    method: str, session_id: str, *, suffix: str = "", body: Any = None, sub: str | None = "learner-0001"
):
    """The sample completion / session events, for another session, body or caller."""
    event = load_event("complete_session.json" if suffix else "get_session.json")
    path = f"/api/v2/practice/sessions/{session_id}{suffix}"
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["pathParameters"] = {"session_id": session_id}
    if sub is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = sub
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    return event


def complete_event(session_id: str, body: Any, *, sub: str | None = "learner-0001"):
    return route_event("POST", session_id, suffix="/complete", body=body, sub=sub)


def all_good(pack: dict[str, Any]) -> dict[str, Any]:
    phrases = pack["review_phrases"] + pack["new_phrases"]
    return {"results": [{"phrase_id": p["phrase_id"], "rating": "good"} for p in phrases]}


def get_item(dynamodb: Any, user_id: str, sk: str) -> dict[str, Any]:
    key = {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": sk}}
    return dynamodb.get_item(TableName=TABLE, Key=key).get("Item", {})


def test_sample_completion_event_is_a_valid_request_for_its_session_id(invoke):
    # The sample names a session nobody has: it parses and validates, then 404s
    status, body = invoke(load_event("complete_session.json"))
    assert status == 404
    assert body["error"]["code"] == "session_not_found"


def test_completing_a_first_session_awards_xp_starts_the_streak_and_schedules_cards(invoke, dynamodb, clock):
    # Given a learner who opened their first pack
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    served = len(pack["new_phrases"])

    # When they finish it with every phrase rated good
    status, summary = invoke(complete_event(pack["session_id"], all_good(pack)))

    # Then XP follows the documented rules and the streak starts at 1
    assert status == 200
    assert summary["status"] == "completed"
    assert summary["xp_phrases"] == served * XP_PER_PHRASE
    assert summary["xp_session_bonus"] == PACK_FINISHED_BONUS
    assert summary["xp_streak_bonus"] == STREAK_BONUS_PER_DAY * 1
    assert (
        summary["total_xp"]
        == summary["xp_phrases"] + summary["xp_session_bonus"] + summary["xp_streak_bonus"]
    )
    assert (summary["streak_before"], summary["streak_after"]) == (0, 1)
    assert summary["learner"] == {"total_xp": summary["total_xp"], "streak": 1, "best_streak": 1}
    assert summary["duration_seconds"] == 300
    # and the session, the profile and one card per phrase are stored
    session = get_item(dynamodb, "learner-0001", f"SESSION#{pack['session_id']}")
    assert session["status"] == {"S": "completed"}
    assert "ttl" not in session  # completed sessions are history and never expire
    for field in ("xp_phrases", "xp_session_bonus", "xp_streak_bonus", "total_xp", "duration_seconds"):
        assert session[field] == {"N": str(summary[field])}
    profile = get_item(dynamodb, "learner-0001", "PROFILE")
    assert profile["total_xp"] == {"N": str(summary["total_xp"])}
    assert profile["courses"]["M"]["es-en"]["M"]["next_new_position"] == {"N": str(served)}
    for phrase in pack["new_phrases"]:
        card = get_item(dynamodb, "learner-0001", f"CARD#es-en#{phrase['phrase_id']}")
        assert card_from_item(deserialize_item(card)).reps == 1
        assert card["due_at"]["S"] > summary["ended_at"][:19]


def test_get_session_shows_it_open_and_then_completed(invoke):
    _, pack = invoke(daily_event())
    status, open_session = invoke(route_event("GET", pack["session_id"]))
    assert status == 200
    assert open_session["status"] == "open"
    assert open_session["ended_at"] is None
    assert open_session["total_xp"] == 0
    assert open_session["phrase_ids"] == [p["phrase_id"] for p in pack["new_phrases"]]

    _, summary = invoke(complete_event(pack["session_id"], all_good(pack)))
    status, completed = invoke(route_event("GET", pack["session_id"]))
    assert status == 200
    assert completed == summary


def test_a_retried_completion_returns_the_same_summary_and_awards_nothing_twice(invoke, dynamodb, clock):
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    _, first = invoke(complete_event(pack["session_id"], all_good(pack)))
    status, again = invoke(complete_event(pack["session_id"], all_good(pack)))
    assert status == 200
    assert again == first
    profile = get_item(dynamodb, "learner-0001", "PROFILE")
    assert profile["total_xp"] == {"N": str(first["total_xp"])}
    assert profile["sessions_on_last_day"] == {"N": "1"}


def test_a_second_completion_with_other_results_is_a_409(invoke, dynamodb):
    _, pack = invoke(daily_event())
    _, first = invoke(complete_event(pack["session_id"], all_good(pack)))
    other = all_good(pack)
    other["results"][0]["rating"] = "again"
    status, body = invoke(complete_event(pack["session_id"], other))
    assert status == 409
    assert body["error"]["code"] == "session_already_completed"
    assert get_item(dynamodb, "learner-0001", "PROFILE")["total_xp"] == {"N": str(first["total_xp"])}


def test_another_learners_session_is_not_found_and_untouched(invoke, dynamodb):
    _, pack = invoke(daily_event(sub="owner"))
    status, body = invoke(complete_event(pack["session_id"], all_good(pack), sub="intruder"))
    assert status == 404
    assert body["error"]["code"] == "session_not_found"
    status, _ = invoke(route_event("GET", pack["session_id"], sub="intruder"))
    assert status == 404
    assert get_item(dynamodb, "owner", f"SESSION#{pack['session_id']}")["status"] == {"S": "open"}
    assert get_item(dynamodb, "intruder", "PROFILE") == {}


def test_an_unknown_session_is_a_404(invoke):
    status, body = invoke(
        complete_event(ULID_NOBODY_HAS, {"results": [{"phrase_id": "hola", "rating": "good"}]})
    )
    assert status == 404
    assert body["error"]["code"] == "session_not_found"
    status, _ = invoke(route_event("GET", ULID_NOBODY_HAS))
    assert status == 404


def backdate(dynamodb: Any, session_id: str, age: timedelta, now: datetime) -> None:
    """Make learner-0001's session look as if it started `age` before `now`."""
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "USER#learner-0001"}, "sk": {"S": f"SESSION#{session_id}"}},
        UpdateExpression="SET started_at = :t",
        ExpressionAttributeValues={":t": {"S": (now - age).isoformat()}},
    )


def test_a_session_past_the_completion_window_is_a_409_session_expired(invoke, dynamodb, clock):
    _, pack = invoke(daily_event())
    backdate(dynamodb, pack["session_id"], timedelta(days=3), clock.now)
    status, body = invoke(complete_event(pack["session_id"], all_good(pack)))
    assert status == 409
    assert body["error"]["code"] == "session_expired"
    assert get_item(dynamodb, "learner-0001", "PROFILE")["total_xp"] == {"N": "0"}


def test_duration_is_capped_for_an_abandoned_session(invoke, dynamodb, clock):
    _, pack = invoke(daily_event())
    backdate(dynamodb, pack["session_id"], timedelta(hours=5), clock.now)
    _, summary = invoke(complete_event(pack["session_id"], all_good(pack)))
    assert summary["duration_seconds"] == 2 * 3600


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"results": [{"phrase_id": "not-in-this-pack", "rating": "good"}]}, 422, "invalid_results"),
        ({"results": [{"phrase_id": "hola", "rating": "perfect"}]}, 422, "validation_error"),
        ({"results": [{"phrase_id": "hola", "rating": "good", "correct": True}]}, 422, "validation_error"),
        ({"results": [{"phrase_id": "hola"}]}, 422, "validation_error"),
        ({"results": []}, 422, "validation_error"),
        (
            {"results": [{"phrase_id": "hola", "rating": "good", "response_time_ms": -5}]},
            422,
            "validation_error",
        ),
        ({"results": [{"phrase_id": "hola", "rating": "good"}], "bonus": 1000}, 422, "validation_error"),
        ({}, 422, "validation_error"),
        ('{"results": [', 400, "invalid_json"),
        ("", 422, "validation_error"),
        ("[1, 2]", 422, "validation_error"),
    ],
)
def test_bad_completion_bodies_are_4xx_and_change_nothing(invoke, dynamodb, body, status, code):
    _, pack = invoke(daily_event())
    got_status, got = invoke(complete_event(pack["session_id"], body))
    assert (got_status, got["error"]["code"]) == (status, code)
    assert get_item(dynamodb, "learner-0001", f"SESSION#{pack['session_id']}")["status"] == {"S": "open"}
    assert get_item(dynamodb, "learner-0001", "PROFILE")["total_xp"] == {"N": "0"}


@pytest.mark.parametrize("session_id", ["not-a-ulid", "01KAXR5G8T3M2N4P6Q8R0S2T4", "x" * 2000])
def test_a_malformed_session_id_is_a_422(invoke, session_id):
    status, body = invoke(complete_event(session_id, {"results": [{"phrase_id": "hola", "rating": "good"}]}))
    assert status == 422
    assert body["error"]["code"] == "validation_error"


def test_completion_without_identity_is_a_401(invoke):
    _, pack = invoke(daily_event())
    status, body = invoke(complete_event(pack["session_id"], all_good(pack), sub=None))
    assert status == 401
    assert body["error"]["code"] == "unauthenticated"


def test_correct_and_incorrect_count_as_good_and_again(invoke, clock):
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    first, second, *rest = [p["phrase_id"] for p in pack["new_phrases"]]
    body = {"results": [{"phrase_id": first, "correct": True}, {"phrase_id": second, "correct": False}]}
    _, summary = invoke(complete_event(pack["session_id"], body))
    assert summary["xp_phrases"] == 2 * XP_PER_PHRASE
    assert summary["xp_session_bonus"] == 0  # the pack was not finished
    assert rest


def test_completion_costs_three_dynamodb_requests_and_a_retry_one(invoke, dynamodb_requests):
    _, pack = invoke(daily_event())
    dynamodb_requests.clear()
    status, _ = invoke(complete_event(pack["session_id"], all_good(pack)))
    assert status == 200
    # the session with the profile, the cards of the session's course, the transaction
    assert dynamodb_requests == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    dynamodb_requests.clear()
    status, _ = invoke(complete_event(pack["session_id"], all_good(pack)))
    assert (status, dynamodb_requests) == (200, ["BatchGetItem"])  # a retry reads the session alone


def test_a_pack_with_only_the_dialog_done_still_counts_for_the_streak(invoke, clock):
    # Given a learner who only did the dialog of today's pack
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    # When they complete with no phrase results
    status, summary = invoke(complete_event(pack["session_id"], {"results": [], "dialog_completed": True}))
    # Then the dialog bonus is all the XP, and the day counts for the streak
    assert status == 200
    assert (summary["xp_phrases"], summary["xp_session_bonus"]) == (0, DIALOG_BONUS)
    assert summary["streak_after"] == 1


def test_a_session_completed_the_moment_it_started_earns_nothing_and_counts_for_no_day(invoke, dynamodb):
    # Given a pack completed with every phrase rated, no time after it was served (finding 7)
    _, pack = invoke(daily_event())
    status, summary = invoke(complete_event(pack["session_id"], all_good(pack)))
    # Then the ratings schedule the cards, but no XP is earned and the streak does not start
    assert status == 200
    assert (summary["total_xp"], summary["streak_after"], summary["practice_day"]) == (0, 0, None)
    card = get_item(dynamodb, "learner-0001", f"CARD#es-en#{pack['new_phrases'][0]['phrase_id']}")
    assert card_from_item(deserialize_item(card)).reps == 1


def test_a_response_that_fails_its_own_model_is_a_500_not_a_client_error(api, invoke):
    from types import SimpleNamespace

    from practice_api.dependencies import services

    # Given a service that (by a bug) answers with a session the response model cannot hold
    asked: list[str] = []

    class LosingService:
        def get_session(self, user_id: str, session_id: str) -> Session:
            asked.append(session_id)
            return Session.model_construct(session_id=session_id, pack_id=None, started_at="lost")

    api.dependency_overrides[services] = lambda **_: SimpleNamespace(sessions=LosingService())
    status, body = invoke(route_event("GET", ULID_NOBODY_HAS))
    assert asked == [ULID_NOBODY_HAS]
    assert status == 500
    assert body["error"]["code"] == "internal_error"


def test_more_reviews_of_one_phrase_than_the_bound_are_refused_and_nothing_is_written(invoke, dynamodb):
    _, pack = invoke(daily_event())
    phrase_id = pack["new_phrases"][0]["phrase_id"]
    body = {"reviews": [{"phrase_id": phrase_id, "rating": "again"}] * 11}
    status, error = invoke(complete_event(pack["session_id"], body))
    assert (status, error["error"]["code"]) == (422, "invalid_results")
    assert phrase_id in error["error"]["message"]
    assert get_item(dynamodb, "learner-0001", f"SESSION#{pack['session_id']}")["status"] == {"S": "open"}
    assert get_item(dynamodb, "learner-0001", f"CARD#es-en#{phrase_id}") == {}


def lose_answers_of(dynamodb: Any, operation: str, times: int = 1):
    """An after-call hook: the first `times` answers to `operation` never reach the function (the
    request was applied; what botocore raises when the connection drops after all its retries)."""
    from botocore.exceptions import ReadTimeoutError

    left = [times]

    def lost(model, **_: Any) -> None:
        if model.name == operation and left[0] > 0:
            left[0] -= 1
            raise ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com")

    dynamodb.meta.events.register("after-call.dynamodb", lost)
    return lambda: dynamodb.meta.events.unregister("after-call.dynamodb", lost)


def test_a_completion_applied_whose_answer_was_lost_is_answered_as_done(invoke, dynamodb, clock):
    # Given a session, and DynamoDB's answer to the completion's transaction lost (it was applied)
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    restore = lose_answers_of(dynamodb, "TransactWriteItems")
    try:
        status, summary = invoke(complete_event(pack["session_id"], all_good(pack)))
    finally:
        restore()

    # Then the learner is told it is done (one read of the session showed it), awarded once
    assert status == 200
    assert summary["status"] == "completed" and summary["total_xp"] > 0
    profile = get_item(dynamodb, "learner-0001", "PROFILE")
    assert profile["total_xp"] == {"N": str(summary["total_xp"])}
    assert invoke(complete_event(pack["session_id"], all_good(pack))) == (200, summary)


def test_a_completion_not_applied_and_unanswered_is_a_503_and_changes_nothing(
    invoke, dynamodb, on_dynamodb_call, clock
):
    from botocore.exceptions import ReadTimeoutError

    # Given a session, and the completion's transaction timing out before DynamoDB applies it
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)

    def timed_out(model, **_: Any) -> None:
        if model.name == "TransactWriteItems":
            raise ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com")

    on_dynamodb_call(timed_out)
    status, body = invoke(complete_event(pack["session_id"], all_good(pack)))

    # Then it is a 503 the app retries, and the session is still open
    assert (status, body["error"]["code"]) == (503, "service_unavailable")
    assert get_item(dynamodb, "learner-0001", f"SESSION#{pack['session_id']}")["status"] == {"S": "open"}
