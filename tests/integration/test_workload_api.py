"""GET /api/v2/practice/forecast through the real handler on moto: the coming days' reviews of the
active course, read from the counts completions keep; and every way to call it wrong."""

import json
from collections import Counter
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from practice.domain.learner_day import learner_day
from tests.conftest import TABLE_NAMES, load_event
from tests.fakes import on_dynamodb
from tests.integration.conftest import daily_event
from tests.integration.test_complete_session_api import all_good, complete_event
from tests.integration.test_profile_api import profile_event


def forecast_event(query: dict[str, str] | None = None, sub: str | None = "learner-0001") -> dict[str, Any]:
    event = load_event("get_forecast.json")
    event["queryStringParameters"] = query
    event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    if sub is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = sub
    return event


def practise_days(invoke: Any, clock: Any, days: int) -> None:
    for _ in range(days):
        _, pack = invoke(daily_event())
        clock.advance(minutes=5)
        assert invoke(complete_event(pack["session_id"], all_good(pack)))[0] == 200
        clock.advance(days=1, minutes=-5)


def test_a_new_learner_sees_30_empty_days_and_nothing_is_written(invoke, dynamodb, clock):
    status, body = invoke(forecast_event())
    today = learner_day(clock.now, ZoneInfo("UTC"), 4)
    assert status == 200
    assert (body["course_id"], body["today"], body["overdue"], body["total"]) == (
        "es-en",
        today.isoformat(),
        0,
        0,
    )
    assert body["days"] == [{"day": (today + timedelta(days=n)).isoformat(), "due": 0} for n in range(30)]
    assert dynamodb.scan(TableName=TABLE_NAMES["PracticeTable"], FilterExpression="begins_with(pk, :u)",
                         ExpressionAttributeValues={":u": {"S": "USER#"}})["Items"] == []  # fmt: skip


def test_the_forecast_counts_each_card_on_the_day_it_falls_due(invoke, dynamodb, clock):
    # Given a learner who practised for ten days
    practise_days(invoke, clock, 10)

    # When they ask for the next two weeks
    status, body = invoke(forecast_event({"days": "14"}))

    # Then each day holds the cards due on it, as a recount of the cards finds them
    assert status == 200
    cards = on_dynamodb(dynamodb, TABLE_NAMES["PracticeTable"]).cards_of("learner-0001")
    by_day = Counter(card.due_day for card in cards.values())
    today = date.fromisoformat(body["today"])
    assert body["days"] == [
        {"day": (today + timedelta(days=n)).isoformat(), "due": by_day[today + timedelta(days=n)]}
        for n in range(14)
    ]
    assert body["total"] == sum(day["due"] for day in body["days"]) > 0
    assert body["overdue"] == sum(n for day, n in by_day.items() if day < today)


def test_the_forecast_follows_the_active_course(invoke, clock):
    practise_days(invoke, clock, 3)
    assert invoke(profile_event("PATCH", {"course_id": "fr-en"}))[0] == 200
    status, body = invoke(forecast_event())
    assert (status, body["course_id"], body["total"], body["overdue"]) == (200, "fr-en", 0, 0)
    practise_days(invoke, clock, 2)
    assert invoke(forecast_event())[1]["total"] > 0


@pytest.mark.parametrize("days", ["0", "91", "-1", "abc", "1.5", ""])
def test_a_bad_range_is_a_422(invoke, days):
    status, body = invoke(forecast_event({"days": days}))
    assert (status, body["error"]["code"]) == (422, "validation_error")


def test_the_forecast_needs_an_identity_and_is_read_only(invoke):
    status, body = invoke(forecast_event(sub=None))
    assert (status, body["error"]["code"]) == (401, "unauthenticated")
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        event = forecast_event()
        event["requestContext"]["http"]["method"] = method
        event["routeKey"] = f"{method} /api/v2/practice/forecast"
        event["body"] = json.dumps({})
        status, body = invoke(event)
        assert (status, body["error"]["code"]) == (405, "method_not_allowed")
