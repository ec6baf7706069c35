"""GET and PATCH /api/v2/practice/profile through the real handler, with moto."""

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from practice.domain.learner_day import learner_day
from practice.domain.workload import WEEKDAYS
from tests.conftest import TABLE_NAMES, load_event
from tests.fakes import on_dynamodb
from tests.integration.conftest import daily_event
from tests.integration.test_complete_session_api import all_good, complete_event


def profile_event(method: str = "GET", body: Any = None, sub: str | None = "learner-0001") -> dict[str, Any]:
    return sample_event("get_profile.json" if method == "GET" else "update_profile.json", body, sub)


def sample_event(name: str, body: Any = None, sub: str | None = "learner-0001") -> dict[str, Any]:
    """events/<name> with `body` (JSON, or text as is) and `sub` as the caller (None: no identity)."""
    event = load_event(name)
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    if sub is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = sub
    return event


def stored_profile(dynamodb: Any, user_id: str = "learner-0001") -> dict[str, Any]:
    key = {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "PROFILE"}}
    return dynamodb.get_item(TableName=TABLE_NAMES["PracticeTable"], Key=key).get("Item", {})


def test_a_new_learner_sees_the_defaults_and_nothing_is_written(invoke, dynamodb, clock):
    status, profile = invoke(profile_event())
    today = learner_day(clock.now, ZoneInfo("UTC"), 4).isoformat()
    assert status == 200
    assert profile == {
        "user_id": "learner-0001",
        "time_zone": "UTC",
        "day_start_hour": 4,
        "daily_new_limit": 10,
        "daily_review_limit": 200,
        "daily_goal_xp": 20,
        "desired_retention": 0.9,
        "easy_days": dict.fromkeys(WEEKDAYS, "normal"),
        "reminders": {
            "enabled": True,
            "time": "auto",
            "usual_time": None,
            "next_reminder_at": None,  # no device to remind
            "devices": 0,
        },
        "course_id": "es-en",
        "streak": 0,
        "best_streak": 0,
        "freezes_available": 0,
        "last_practice_day": None,
        "total_xp": 0,
        "phrases_introduced": 0,
        "courses": [{"course_id": "es-en", "phrases_introduced": 0}],
        "today": {"day": today, "xp": 0, "goal_xp": 20, "goal_met": False},
        "scheduling": {
            "parameters": "default",
            "reviews_logged": 0,
            "fsrs_parameters": None,
            "fitted_at": None,
            "fitted_on_reviews": None,
            "log_loss_before": None,
            "log_loss_after": None,
        },
    }
    assert stored_profile(dynamodb) == {}


def test_the_profile_shows_xp_streak_and_progress_after_practice(invoke, clock):
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    _, summary = invoke(complete_event(pack["session_id"], all_good(pack)))
    _, profile = invoke(profile_event())
    assert (profile["total_xp"], profile["streak"], profile["best_streak"]) == (summary["total_xp"], 1, 1)
    assert profile["phrases_introduced"] == len(pack["new_phrases"])
    assert profile["last_practice_day"] == pack["pack_id"].removeprefix("daily_")


def test_the_sample_update_changes_the_settings_and_the_next_pack_follows_them(invoke, dynamodb):
    status, profile = invoke(load_event("update_profile.json"))
    assert status == 200
    assert (profile["time_zone"], profile["day_start_hour"], profile["daily_new_limit"]) == (
        "America/Mexico_City",
        5,
        15,
    )
    assert stored_profile(dynamodb)["daily_new_limit"] == {"N": "15"}
    _, pack = invoke(daily_event())
    assert len(pack["new_phrases"]) == 15


def test_a_partial_update_keeps_the_other_settings_and_the_progress(invoke, dynamodb, clock):
    _, pack = invoke(daily_event(headers={"x-timezone": "Asia/Tokyo"}))
    clock.advance(minutes=5)
    invoke(complete_event(pack["session_id"], all_good(pack)))
    status, profile = invoke(profile_event("PATCH", {"daily_new_limit": 3}))
    assert status == 200
    assert (profile["time_zone"], profile["daily_new_limit"], profile["streak"]) == ("Asia/Tokyo", 3, 1)
    assert stored_profile(dynamodb)["version"] == {"N": "3"}  # created, completed, updated


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"time_zone": "Mars/Olympus"}, 400, "invalid_time_zone"),
        ({"day_start_hour": 24}, 422, "validation_error"),
        ({"daily_new_limit": -1}, 422, "validation_error"),
        ({"daily_new_limit": 51}, 422, "validation_error"),
        ({"daily_review_limit": -1}, 422, "validation_error"),
        ({"daily_review_limit": 1001}, 422, "validation_error"),
        ({"daily_review_limit": "200"}, 422, "validation_error"),
        ({"daily_review_limit": None}, 422, "validation_error"),
        ({"desired_retention": 0.69}, 422, "validation_error"),
        ({"desired_retention": 0.98}, 422, "validation_error"),
        ({"desired_retention": 1}, 422, "validation_error"),
        ({"desired_retention": "0.9"}, 422, "validation_error"),
        ({"desired_retention": True}, 422, "validation_error"),
        ({"desired_retention": None}, 422, "validation_error"),
        ({"easy_days": {"caturday": "reduced"}}, 422, "validation_error"),
        ({"easy_days": {"sunday": "off"}}, 422, "validation_error"),
        ({"easy_days": {"sunday": 0.5}}, 422, "validation_error"),
        ({"easy_days": {"Sunday": "minimum"}}, 422, "validation_error"),
        ({"easy_days": ["sunday"]}, 422, "validation_error"),
        ({"easy_days": None}, 422, "validation_error"),
        ({"streak": 400}, 422, "validation_error"),
        ({"total_xp": 1_000_000}, 422, "validation_error"),
        ({}, 422, "validation_error"),
        ("{not json", 400, "invalid_json"),
    ],
)
def test_bad_updates_are_4xx_and_change_nothing(invoke, dynamodb, body, status, code):
    invoke(daily_event())
    before = stored_profile(dynamodb)
    got_status, got = invoke(profile_event("PATCH", body))
    assert (got_status, got["error"]["code"]) == (status, code)
    assert stored_profile(dynamodb) == before


def test_the_profile_needs_an_identity(invoke):
    for method in ("GET", "PATCH"):
        status, body = invoke(profile_event(method, sub=None))
        assert status == 401
        assert body["error"]["code"] == "unauthenticated"


def test_a_missed_day_shows_a_live_streak_of_zero_but_keeps_the_best(invoke, clock):
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    invoke(complete_event(pack["session_id"], all_good(pack)))
    clock.advance(hours=24)
    _, tomorrow = invoke(profile_event())
    clock.advance(hours=24)
    _, after_a_missed_day = invoke(profile_event())
    assert (tomorrow["streak"], tomorrow["best_streak"]) == (1, 1)
    assert (after_a_missed_day["streak"], after_a_missed_day["best_streak"]) == (0, 1)


def test_easy_days_are_set_by_patch_for_the_whole_week_and_shown(invoke, dynamodb):
    # When a learner lightens their weekend
    status, profile = invoke(
        profile_event("PATCH", {"easy_days": {"saturday": "reduced", "sunday": "minimum"}})
    )

    # Then the profile shows every weekday, those two light, and stores only those two
    week = dict.fromkeys(WEEKDAYS, "normal") | {"saturday": "reduced", "sunday": "minimum"}
    assert (status, profile["easy_days"]) == (200, week)
    assert invoke(profile_event())[1]["easy_days"] == week
    stored = stored_profile(dynamodb)["easy_days"]
    assert stored == {"M": {"saturday": {"S": "reduced"}, "sunday": {"S": "minimum"}}}

    # and a later week replaces it whole: days left out are normal again
    _, profile = invoke(profile_event("PATCH", {"easy_days": {"wednesday": "reduced", "sunday": "normal"}}))
    assert profile["easy_days"] == dict.fromkeys(WEEKDAYS, "normal") | {"wednesday": "reduced"}
    _, profile = invoke(profile_event("PATCH", {"easy_days": {}}))
    assert profile["easy_days"] == dict.fromkeys(WEEKDAYS, "normal")


def test_the_daily_review_limit_is_a_setting_of_its_own(invoke, dynamodb):
    status, profile = invoke(profile_event("PATCH", {"daily_review_limit": 50}))
    assert (status, profile["daily_review_limit"], profile["daily_new_limit"]) == (200, 50, 10)
    assert stored_profile(dynamodb)["daily_review_limit"] == {"N": "50"}


def test_every_profile_route_takes_the_caller_from_the_current_learner_provider(api, invoke):
    from practice_api.dependencies import current_learner

    # Given the identity provider swapped: events signed by another learner act for its learner
    # (an override is called with the provider's own dependencies, here the settings)
    api.dependency_overrides[current_learner] = lambda **_: "learner-from-override"
    patched, _ = invoke(profile_event("PATCH", {"daily_new_limit": 3}, sub="someone-else"))
    status, profile = invoke(profile_event(sub="someone-else"))

    # Then both routes act for the provider's learner
    assert (patched, status) == (200, 200)
    assert (profile["user_id"], profile["daily_new_limit"]) == ("learner-from-override", 3)


@pytest.mark.parametrize("retention", [0.7, 0.85, 0.97])
def test_the_desired_retention_is_set_by_patch_and_shown(invoke, dynamodb, retention):
    status, profile = invoke(profile_event("PATCH", {"desired_retention": retention}))
    assert (status, profile["desired_retention"]) == (200, retention)
    assert invoke(profile_event())[1]["desired_retention"] == retention
    assert stored_profile(dynamodb)["desired_retention"] == {"N": repr(retention)}


def test_the_profile_shows_the_reviews_logged_and_the_learners_fitted_parameters(invoke, dynamodb, clock):
    from practice.domain.learner import PersonalParameters

    # Given a learner who practised, then was fitted by the optimizer
    status, pack = invoke(daily_event())
    clock.advance(minutes=5)
    assert invoke(complete_event(pack["session_id"], all_good(pack)))[0] == 200
    repository = on_dynamodb(dynamodb, TABLE_NAMES["PracticeTable"])
    stored = repository.get_profile("learner-0001")
    assert stored is not None and stored.reviews_logged == len(all_good(pack)["results"]) > 0
    fit = PersonalParameters(
        parameters=(0.3, 1.1, 2.5, 9.0, 6.6, 0.7, 2.9, 0.01, 1.7, 0.2, 0.7, 1.6, 0.05, 0.35, 1.7,
                    0.55, 1.8, 0.54, 0.09, 0.07, 0.2),
        fitted_at=clock(), reviews=stored.reviews_logged, log_loss_before=0.41, log_loss_after=0.37,
    )  # fmt: skip
    repository.save_fit("learner-0001", stored.version, stored.reviews_logged, fit)

    # Then GET /profile shows the personal parameters and how the fit was judged
    status, profile = invoke(profile_event())
    assert status == 200
    assert profile["scheduling"] == {
        "parameters": "personal",
        "reviews_logged": stored.reviews_logged,
        "fsrs_parameters": list(fit.parameters),
        "fitted_at": clock().isoformat().replace("+00:00", "Z"),
        "fitted_on_reviews": stored.reviews_logged,
        "log_loss_before": 0.41,
        "log_loss_after": 0.37,
    }
