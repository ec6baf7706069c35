"""A completed session's review log in the table (practice/repository/dynamodb.py): one compressed
JSON attribute, and sessions stored before that, with the log as a list of maps, still read back
the same everywhere (the session, history, export, the fit's review log)."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from practice.domain.learner import CardSnapshot, Rating, ReviewLogEntry, Session
from practice.dynamodb.codec import serialize_item, stored_size
from practice.dynamodb.items import session_item
from practice.dynamodb.keys import user_pk
from tests.conftest import TABLE_NAMES
from tests.fakes import on_dynamodb

TABLE = TABLE_NAMES["PracticeTable"]
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def completed_session(session_id: str, reviews: int) -> Session:
    """A completed session whose log reviews `reviews` phrases, each seen before."""
    entries = []
    for n in range(reviews):
        at = START + timedelta(seconds=20 * n)
        before = CardSnapshot(state=2, stability=3.5 + n, difficulty=5.25, due=at - timedelta(days=1))
        after = CardSnapshot(state=2, stability=9.75 + n, difficulty=5.0, due=at + timedelta(days=9))
        entries.append(
            ReviewLogEntry(
                phrase_id=f"phrase-{n:03d}", rating=Rating.GOOD if n % 4 else Rating.AGAIN, reviewed_at=at,
                duration_ms=1500 + n, elapsed_days=1.0 + n / 10, before=before, after=after,
            )
        )  # fmt: skip
    return Session(
        session_id=session_id, user_id="ana", pack_id="daily_2026-12-01", course_id="es-en",
        review_phrase_ids=tuple(e.phrase_id for e in entries), new_phrase_ids=(), started_at=START,
        ended_at=START + timedelta(minutes=30), duration_seconds=1800, reviews=tuple(entries),
        practice_day=START.date(), results_digest="d" * 64,
    )  # fmt: skip


def as_stored_before(session: Session) -> dict[str, Any]:
    """The item as sessions were stored before the log was compressed: `reviews`, a list of maps."""
    item = session_item(session)
    del item["review_log"]
    item["reviews"] = [entry.model_dump(mode="json") for entry in session.reviews]
    return item


def put(dynamodb: Any, item: dict[str, Any]) -> None:
    dynamodb.put_item(TableName=TABLE, Item=serialize_item(item))


def test_a_completed_sessions_log_is_stored_compressed_in_a_fraction_of_the_list_form():
    session = completed_session("01KAXR5G8T3M2N4P6Q8R0S2T4V", reviews=60)

    item = serialize_item(session_item(session))

    assert "reviews" not in item
    assert set(item["review_log"]) == {"B"}
    assert stored_size(item) < stored_size(serialize_item(as_stored_before(session))) / 3


def test_an_open_session_has_no_log_attribute():
    session = completed_session("01KAXR5G8T3M2N4P6Q8R0S2T4V", reviews=0).model_copy(
        update={"ended_at": None, "duration_seconds": None}
    )

    assert "review_log" not in session_item(session)


def test_sessions_stored_with_the_log_as_a_list_read_back_the_same_everywhere(dynamodb):
    # Given one session stored the earlier way and a later one stored the current way
    earlier = completed_session("01KAXR5G8T3M2N4P6Q8R0S2T4A", reviews=5)
    later = completed_session("01KAXR5G8T3M2N4P6Q8R0S2T4B", reviews=7)
    put(dynamodb, as_stored_before(earlier))
    put(dynamodb, session_item(later))
    repository = on_dynamodb(dynamodb, TABLE)

    # Then each reads back as it was: alone, in history, in the export and in the fit's log
    assert repository.get_session("ana", earlier.session_id) == earlier
    assert repository.get_session("ana", later.session_id) == later
    assert repository.list_sessions("ana", 10, None)[0] == [later, earlier]
    exported, _ = repository.export_records("ana", None, 1024 * 1024)
    assert exported == [earlier, later]
    logged, _ = repository.review_log("ana", None)
    assert [(r.card, r.reviewed_at, r.rating) for r in logged] == [
        ((earlier.course_id, e.phrase_id), e.reviewed_at, 1 if e.rating == Rating.AGAIN else 3)
        for e in (*earlier.reviews, *later.reviews)
    ]


def test_an_export_page_is_measured_by_its_log_as_exported_not_as_compressed(dynamodb):
    # Given two sessions whose exported JSON is far larger than what they take in the table
    first = completed_session("01KAXR5G8T3M2N4P6Q8R0S2T4A", reviews=40)
    second = completed_session("01KAXR5G8T3M2N4P6Q8R0S2T4B", reviews=40)
    for session in (first, second):
        put(dynamodb, session_item(session))
    exported_bytes = len(json.dumps(first.model_dump(mode="json")))
    stored = dynamodb.get_item(
        TableName=TABLE, Key={"pk": {"S": user_pk("ana")}, "sk": {"S": f"SESSION#{first.session_id}"}}
    )["Item"]
    assert stored_size(stored) < exported_bytes / 3

    # When a page may hold a little more than one session's export
    page, after = on_dynamodb(dynamodb, TABLE).export_records("ana", None, exported_bytes // 2)

    # Then it ends after the first: the page's size is what the learner downloads
    assert page == [first]
    assert after == f"SESSION#{first.session_id}"
