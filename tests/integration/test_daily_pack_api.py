"""GET /api/v2/practice/daily through the real handler, with DynamoDB answered by moto."""

from typing import Any

from tests.conftest import TABLE_NAMES, load_event


def session_item(dynamodb: Any, user_id: str, session_id: str) -> dict[str, Any]:
    key = {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": f"SESSION#{session_id}"}}
    return dynamodb.get_item(TableName=TABLE_NAMES["PracticeTable"], Key=key)["Item"]


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
    item = session_item(dynamodb, "learner-0001", body["session_id"])
    assert item["status"] == {"S": "open"}
    assert item["ended_at"] == {"NULL": True}
    assert item["xp"]["M"] == {k: {"N": "0"} for k in ("phrases", "session_bonus", "streak_bonus")}
    assert [p["phrase_id"] for p in body["new_phrases"]] == [v["S"] for v in item["new_phrase_ids"]["L"]]
