"""GET /sessions (history), GET /stats and the daily goal through the real handler, with moto:
what they answer, and that bad input is a 4xx JSON error before anything is read."""

import json
from datetime import timedelta
from typing import Any

import pytest

from practice.domain.limits import HISTORY_PAGE_MAX, STATS_MAX_DAYS
from tests.conftest import load_event
from tests.integration.conftest import daily_event
from tests.integration.test_complete_session_api import all_good, complete_event
from tests.integration.test_profile_api import profile_event


def with_caller(event: dict[str, Any], sub: str) -> dict[str, Any]:
    event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = sub
    return event


def with_query(event: dict[str, Any], query: dict[str, str] | None) -> dict[str, Any]:
    event["queryStringParameters"] = query
    event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    return event


def history_event(query: dict[str, str] | None = None, sub: str = "learner-0001") -> dict[str, Any]:
    return with_query(with_caller(load_event("list_sessions.json"), sub), query)


def stats_event(query: dict[str, str] | None = None, sub: str = "learner-0001") -> dict[str, Any]:
    return with_query(with_caller(load_event("get_stats.json"), sub), query)


def practise_days(invoke, clock, days: int, sub: str = "learner-0001") -> list[dict[str, Any]]:
    """One completed session a day for `days` days; the summaries, oldest first."""
    summaries = []
    for _ in range(days):
        _, pack = invoke(daily_event(sub=sub))
        clock.advance(minutes=5)
        status, summary = invoke(complete_event(pack["session_id"], all_good(pack), sub=sub))
        assert status == 200, summary
        summaries.append(summary)
        clock.advance(days=1, minutes=-5)
    return summaries


# -- history ---------------------------------------------------------------------------------


def test_the_history_pages_through_every_session_newest_first(invoke, clock, dynamodb_requests):
    # Given a learner with three completed sessions and one open
    done = practise_days(invoke, clock, 3)
    _, open_pack = invoke(daily_event())

    # When they read their history two at a time
    pages, cursor = [], None
    while True:
        dynamodb_requests.clear()
        status, page = invoke(history_event({"limit": "2"} | ({"cursor": cursor} if cursor else {})))
        assert status == 200, page
        assert dynamodb_requests == ["GetItem", "Query"]  # the profile (not deleted?), one bounded page
        pages.append(page["sessions"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    # Then every session comes once, newest first, open and completed, as GET /sessions/{id} shows it
    sessions = [session for page in pages for session in page]
    assert [s["session_id"] for s in sessions] == [open_pack["session_id"]] + [
        s["session_id"] for s in reversed(done)
    ]
    assert [s["status"] for s in sessions] == ["open", "completed", "completed", "completed"]
    assert sessions[1] == done[-1]
    assert all(len(page) <= 2 for page in pages)


def test_the_default_page_is_20_and_a_learner_without_sessions_has_an_empty_history(invoke):
    status, page = invoke(load_event("list_sessions.json"))
    assert (status, page) == (200, {"sessions": [], "next_cursor": None})


def test_a_cursor_is_good_only_for_the_learner_it_was_issued_to(invoke, clock, dynamodb_requests):
    # Given Ana's cursor to the second page of her history
    practise_days(invoke, clock, 2, sub="ana")
    _, first = invoke(history_event({"limit": "1"}, sub="ana"))
    cursor = first["next_cursor"]
    assert cursor

    # When Bob (who has sessions too) sends it, or an altered copy is sent
    practise_days(invoke, clock, 1, sub="bob")
    dynamodb_requests.clear()
    refused = [
        invoke(history_event({"cursor": cursor}, sub="bob")),
        invoke(history_event({"cursor": cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")}, sub="ana")),
        invoke(history_event({"cursor": "bm90LW91cnMsIGJ1dCBsb25nIGVub3VnaA"}, sub="ana")),
    ]

    # Then each is a 400 and nothing was read
    assert [(status, body["error"]["code"]) for status, body in refused] == [(400, "invalid_cursor")] * 3
    assert dynamodb_requests == []


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": str(HISTORY_PAGE_MAX + 1)},
        {"limit": "-1"},
        {"limit": "ten"},
        {"limit": "2.5"},
        {"cursor": "not a cursor!"},
        {"cursor": "x" * 257},
    ],
)
def test_bad_history_parameters_are_422_before_any_read(invoke, dynamodb_requests, query):
    status, body = invoke(history_event(query))
    assert status == 422, body
    assert body["error"]["code"] == "validation_error"
    assert dynamodb_requests == []


# -- stats and the daily goal ----------------------------------------------------------------


def test_stats_show_each_day_of_the_range_with_totals_goal_and_today(invoke, clock):
    # Given a learner who practised on two days in a row, then skipped one
    done = practise_days(invoke, clock, 2)
    days = [s["practice_day"] for s in done]
    clock.advance(days=1)

    # When they ask for the last four days
    status, stats = invoke(stats_event({"from": days[0], "to": _plus(days[0], 3)}))

    # Then there is a row per day, zeros where nothing happened
    assert status == 200, stats
    assert [row["day"] for row in stats["days"]] == [_plus(days[0], n) for n in range(4)]
    first = stats["days"][0]
    assert (first["xp"], first["sessions"], first["goal_met"], first["frozen"]) == (
        done[0]["total_xp"],
        1,
        True,
        False,
    )
    assert first["reviews"] == first["new_phrases"] == len(done[0]["phrase_ids"])
    assert first["seconds"] == done[0]["duration_seconds"] == 300
    assert stats["days"][2] | stats["days"][3] == {
        "day": stats["days"][3]["day"], "xp": 0, "sessions": 0, "reviews": 0, "again": 0,
        "new_phrases": 0, "seconds": 0, "goal_met": False, "frozen": False,
    }  # fmt: skip
    assert stats["totals"]["xp"] == sum(s["total_xp"] for s in done)
    assert (stats["totals"]["sessions"], stats["totals"]["days_practised"]) == (2, 2)
    assert stats["retention"] is None  # phrases still in their learning steps: no learned phrase yet
    # a day was missed with no freeze held: the live streak is over
    assert (stats["streak"], stats["best_streak"], stats["freezes_available"]) == (0, 2, 0)
    assert stats["today"] == {"day": _plus(days[0], 3), "xp": 0, "goal_xp": 20, "goal_met": False}


def test_stats_default_to_the_last_30_learner_days(invoke, clock):
    practise_days(invoke, clock, 1)
    status, stats = invoke(stats_event(None))
    assert status == 200
    assert len(stats["days"]) == 30
    assert stats["to"] == stats["today"]["day"]
    assert stats["days"][-2]["sessions"] == 1  # yesterday's session (practise_days moved a day on)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"from": "2027-01-05", "to": "2027-01-04"}, "invalid_date_range"),
        ({"from": "2025-12-31", "to": "2027-01-01"}, "invalid_date_range"),  # 367 days
        ({"from": "2027-02-30"}, "validation_error"),
        ({"from": "04/01/2027"}, "validation_error"),
        ({"to": "1700000000"}, "validation_error"),
        ({"to": "2027-1-4"}, "validation_error"),
        ({"from": ""}, "validation_error"),
    ],
)
def test_bad_stats_ranges_are_422_before_any_read(invoke, dynamodb_requests, query, code):
    status, body = invoke(stats_event(query))
    assert status == 422, body
    assert body["error"]["code"] == code
    assert dynamodb_requests == []


def test_a_learner_who_never_practised_has_stats_of_zeros_from_one_read(invoke, dynamodb_requests):
    status, stats = invoke(stats_event(sub="newcomer"))
    assert status == 200
    assert stats["totals"]["xp"] == 0
    assert {day["xp"] for day in stats["days"]} == {0}
    assert dynamodb_requests == ["GetItem"]


def test_the_longest_range_is_one_read_of_the_ledger(invoke, dynamodb_requests):
    invoke(daily_event())  # a learner with a profile (one without has no ledger to read)
    dynamodb_requests.clear()
    first = "2026-01-01"
    status, stats = invoke(stats_event({"from": first, "to": _plus(first, STATS_MAX_DAYS - 1)}))
    assert status == 200
    assert len(stats["days"]) == STATS_MAX_DAYS
    assert dynamodb_requests == ["GetItem", "Query"]


def test_the_daily_goal_is_set_by_patch_and_met_by_todays_xp(invoke, clock):
    # Given a learner who sets a goal of 50 XP
    status, profile = invoke(profile_event("PATCH", {"daily_goal_xp": 50}))
    assert (status, profile["daily_goal_xp"], profile["today"]["goal_xp"]) == (200, 50, 50)

    # When they finish a first pack worth less than that, then a second
    _, pack = invoke(daily_event())
    clock.advance(seconds=30)  # a session short enough to earn 3 phrases' XP
    _, summary = invoke(complete_event(pack["session_id"], {"results": all_good(pack)["results"][:3]}))
    _, profile = invoke(profile_event())
    assert profile["today"] == {
        "day": summary["practice_day"],
        "xp": summary["total_xp"],
        "goal_xp": 50,
        "goal_met": False,
    }
    _, pack = invoke(daily_event())
    clock.advance(minutes=5)
    _, second = invoke(complete_event(pack["session_id"], all_good(pack)))

    # Then the goal is met today, on the profile and in the ledger
    _, profile = invoke(profile_event())
    xp_today = summary["total_xp"] + second["total_xp"]
    assert profile["today"] == {
        "day": summary["practice_day"],
        "xp": xp_today,
        "goal_xp": 50,
        "goal_met": xp_today >= 50,
    }
    _, stats = invoke(stats_event({"from": summary["practice_day"], "to": summary["practice_day"]}))
    assert (stats["days"][0]["xp"], stats["days"][0]["goal_met"], stats["today"]) == (
        xp_today,
        xp_today >= 50,
        profile["today"],
    )
    assert xp_today >= 50


@pytest.mark.parametrize("goal", [0, 15, 100, "20", None, True, 20.5])
def test_a_daily_goal_that_is_not_a_choice_is_refused(invoke, goal):
    status, body = invoke(profile_event("PATCH", json.dumps({"daily_goal_xp": goal})))
    assert status == 422, body
    assert body["error"]["code"] == "validation_error"


def _plus(day: str, days: int) -> str:
    from datetime import date

    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()
