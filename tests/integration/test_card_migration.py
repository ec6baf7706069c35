"""Cards stored before the compact form (every FSRS field its own attribute) through the real
handler, with moto: a learner whose cards are in the old form is served, rescheduled, listed and
exported exactly like a twin whose cards are compact, and each card is written compact at its
next review."""

from typing import Any

import pytest

from practice.domain.workload import SpreadMode
from practice.dynamodb.codec import deserialize_item, serialize_item
from practice.dynamodb.items import card_from_item
from practice.runtime.settings import Settings
from tests.conftest import TABLE_NAMES, FakeClock
from tests.integration.conftest import daily_event, serve_on
from tests.integration.test_account_api import export_event, items_of
from tests.integration.test_complete_session_api import complete_event
from tests.integration.test_phrasebook_api import phrases_event

TABLE = TABLE_NAMES["PracticeTable"]
COMPACT, LEGACY = "learner-0001", "learner-0002"


@pytest.fixture(autouse=True)
def unspread(api: Any, dynamodb: Any, clock: FakeClock) -> None:
    """Intervals as FSRS gives them: the spread's fuzz is drawn per learner, and the twins must
    be scheduled alike."""
    serve_on(api, dynamodb, clock, Settings(review_spread=SpreadMode.OFF))


def stored_cards(dynamodb: Any, user_id: str) -> list[dict[str, Any]]:
    return [
        deserialize_item(item) for item in items_of(dynamodb, user_id) if item["sk"]["S"].startswith("CARD#")
    ]


def store_the_old_way(dynamodb: Any, user_id: str) -> int:
    """Each of the learner's cards rewritten as items were before the compact form: the card's
    fields flat by their names (NULLs included), beside its keys and due-index attributes."""
    cards = stored_cards(dynamodb, user_id)
    for item in cards:
        card = card_from_item(item)
        legacy = {name: item[name] for name in ("pk", "sk", "entity", "due_pk", "due_at")}
        legacy |= card.model_dump(mode="json", exclude={"due_day"} if card.due_day is None else None)
        dynamodb.put_item(TableName=TABLE, Item=serialize_item(legacy))
    return len(cards)


def rate(pack: dict[str, Any]) -> dict[str, Any]:
    """Every phrase of a pack rated, some of each grade, by the phrase's place in the pack."""
    phrases = pack["review_phrases"] + pack["new_phrases"]
    grades = ("good", "again", "easy", "hard")
    return {
        "results": [{"phrase_id": p["phrase_id"], "rating": grades[i % 4]} for i, p in enumerate(phrases)]
    }


def both_practise(invoke: Any, clock: FakeClock) -> list[dict[str, Any]]:
    """Each twin opens today's pack and finishes it the same way; their summaries."""
    summaries = []
    for user_id in (COMPACT, LEGACY):
        status, pack = invoke(daily_event(sub=user_id))
        assert status == 200
        clock.advance(minutes=6)
        status, summary = invoke(complete_event(pack["session_id"], rate(pack), sub=user_id))
        assert status == 200
        clock.advance(minutes=-6)
        summaries.append({k: v for k, v in summary.items() if k != "session_id"} | {"pack": pack_shape(pack)})
    return summaries


def pack_shape(pack: dict[str, Any]) -> list[list[str]]:
    return [[p["phrase_id"] for p in pack[part]] for part in ("review_phrases", "new_phrases")]


def cards_of(invoke: Any, user_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The learner's cards as the phrasebook lists them and as the export writes them."""
    status, page = invoke(phrases_event(query={"limit": "100"}, sub=user_id))
    assert status == 200
    status, export = invoke(export_event(sub=user_id))
    assert status == 200
    exported = [
        {k: v for k, v in i.items() if k != "version"} for i in export["items"] if i["type"] == "card"
    ]
    return page["phrases"], exported


def test_cards_stored_the_old_way_are_served_rescheduled_and_written_back_compact(invoke, dynamodb, clock):
    # Given twins who practised the same first day; the second twin's cards stored the old way
    first_day = both_practise(invoke, clock)
    assert first_day[0] == first_day[1]
    assert store_the_old_way(dynamodb, LEGACY) > 0
    assert all("fsrs" not in item and "reps" in item for item in stored_cards(dynamodb, LEGACY))

    # Then the phrasebook and the export show the old-form cards exactly as the compact ones
    assert cards_of(invoke, LEGACY) == cards_of(invoke, COMPACT)

    # When a few days later both practise again (reviews due, some relearning)
    reviewed: set[str] = set()
    for _ in range(3):
        clock.advance(days=2)
        later = both_practise(invoke, clock)
        # Then the old-form twin's packs, XP, streak and schedules are the compact twin's
        assert later[0] == later[1]
        assert later[0]["pack"][0], "the twins' earlier cards came back for review"
        reviewed |= {phrase_id for part in later[0]["pack"] for phrase_id in part}

    # And each card reviewed since is stored compact, the others still the old way; every card
    # holds the same state as the twin's, and reads back the same
    legacy_cards = stored_cards(dynamodb, LEGACY)
    compact = {item["sk"].rpartition("#")[2] for item in legacy_cards if "fsrs" in item}
    assert compact == reviewed
    assert all("reps" in item for item in legacy_cards if "fsrs" not in item)
    assert len(legacy_cards) > len(compact), "some cards are left in the old form"
    assert [card_from_item(item).model_dump(exclude={"version"}) for item in legacy_cards] == [
        card_from_item(item).model_dump(exclude={"version"}) for item in stored_cards(dynamodb, COMPACT)
    ]
    assert cards_of(invoke, LEGACY) == cards_of(invoke, COMPACT)
