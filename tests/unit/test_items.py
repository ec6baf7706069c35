"""What is stored: the DynamoDB item shapes (what the repository writes reads back as the same
domain object, with the keys and index attributes the table expects) and the results digest."""

import hashlib
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from practice.domain.completion import results_digest
from practice.domain.learner import (
    CardSnapshot,
    CardState,
    PracticeReport,
    Profile,
    Rating,
    Review,
    ReviewLogEntry,
    Session,
    XpAward,
)
from practice.dynamodb.codec import deserialize_item, serialize_item
from practice.dynamodb.items import card_from_item, card_item, profile_item, session_from_item, session_item

STARTED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def round_trip(item: dict[str, object]) -> dict[str, object]:
    return deserialize_item(serialize_item(item))


def test_a_profile_reads_back_one_version_later():
    profile = Profile(
        user_id="ana",
        time_zone="Europe/Madrid",
        day_start_hour=4,
        daily_new_limit=10,
        course_id="es-en",
        streak=3,
        best_streak=9,
        last_practice_day=date(2026, 11, 30),
        total_xp=420,
        version=6,
    )
    item = profile_item(profile)
    assert (item["pk"], item["sk"]) == ("USER#ana", "PROFILE")
    assert Profile.model_validate(round_trip(item)) == profile.model_copy(update={"version": 7})


def a_session(**changes: object) -> Session:
    fields: dict[str, object] = {
        "session_id": "01KBC3M8Z5T1D2QWERTY123456",
        "user_id": "ana",
        "pack_id": "daily_2026-12-01",
        "course_id": "es-en",
        "review_phrase_ids": ("hola",),
        "new_phrase_ids": ("gracias",),
        "started_at": STARTED,
        "expires_at": 1_800_000_000,
    }
    return Session.model_validate(fields | changes)


def test_an_open_session_carries_its_ttl_and_a_completed_one_none():
    open_session = a_session()
    item = session_item(open_session)
    assert (item["sk"], item["status"], item["ttl"]) == (
        "SESSION#01KBC3M8Z5T1D2QWERTY123456",
        "open",
        1_800_000_000,
    )

    completed = open_session.model_copy(
        update={
            "ended_at": STARTED.replace(minute=7),
            "duration_seconds": 420,
            "expires_at": None,
            "xp": XpAward(phrases=20, session_bonus=20, streak_bonus=2),
            "streak_after": 1,
            "reviews": (
                ReviewLogEntry(
                    phrase_id="hola",
                    rating=Rating.AGAIN,
                    reviewed_at=STARTED.replace(minute=2),
                    duration_ms=900,
                    elapsed_days=None,
                    before=None,
                    after=CardSnapshot(
                        state=1, stability=0.212, difficulty=6.4133, due=STARTED.replace(minute=3)
                    ),
                ),
            ),
            "practice_day": date(2026, 12, 1),
            "results_digest": "d" * 64,
            "learner_total_xp": 42,
            "learner_best_streak": 1,
        }
    )
    item = session_item(completed)
    assert item["status"] == "completed"
    assert "ttl" not in item
    assert session_from_item(round_trip(item)) == completed
    # The served phrase ids are one string a list: two attribute values, not one per phrase
    assert (item["review_phrase_ids"], item["new_phrase_ids"]) == ("hola", "gracias")


def test_a_session_stored_before_its_phrase_ids_were_strings_reads_the_same():
    session = a_session(review_phrase_ids=("hola", "adios"), new_phrase_ids=(), expires_at=None)
    item = session_item(session)
    assert (item["review_phrase_ids"], item["new_phrase_ids"]) == ("hola adios", "")
    legacy = item | {"review_phrase_ids": ["hola", "adios"], "new_phrase_ids": []}
    assert session_from_item(round_trip(legacy)) == session_from_item(round_trip(item)) == session


def test_a_card_keeps_its_fsrs_floats_exactly_and_is_indexed_by_queue_and_due_time():
    card = CardState(
        course_id="es-en",
        phrase_id="hola",
        state=2,
        step=None,
        stability=3.173_283_171_234_567,
        difficulty=5.282_434_5e-1,
        due=datetime(2026, 12, 4, 8, 0, 0, 123_456, tzinfo=UTC),
        last_review=STARTED,
        reps=4,
        lapses=1,
        version=2,
    )
    item = card_item("ana", card)
    assert item["sk"] == "CARD#es-en#hola"  # a card belongs to its course
    assert (item["due_pk"], item["due_at"]) == ("USER#ana#es-en#review", "2026-12-04T08:00:00.123456Z")
    assert card_from_item(round_trip(item)) == card.model_copy(update={"version": 3})
    # Learning (1) and Relearning (3) cards wait in their own queue
    for state in (1, 3):
        assert (
            card_item("ana", card.model_copy(update={"state": state, "step": 0}))["due_pk"]
            == "USER#ana#es-en#learning"
        )


def reviewed_card(**changes: object) -> CardState:
    fields: dict[str, object] = {
        "course_id": "es-en",
        "phrase_id": "hola",
        "state": 2,
        "step": None,
        "stability": 12.5,
        "difficulty": 4.75,
        "due": datetime(2026, 12, 14, 8, 0, tzinfo=UTC),
        "due_day": date(2026, 12, 14),
        "last_review": STARTED,
        "reps": 3,
        "lapses": 0,
        "version": 4,
    }
    return CardState.model_validate(fields | changes)


def test_a_card_is_ten_attribute_values_with_what_expressions_and_the_due_index_name_on_their_own():
    item = serialize_item(card_item("ana", reviewed_card()))
    # botocore parses a response value by value: the FSRS state rides in one JSON string
    assert set(item) == {
        "pk",
        "sk",
        "entity",
        "due_pk",
        "due_at",
        "due_day",
        "stability",
        "last_review",
        "version",
        "fsrs",
    }
    assert item["due_day"] == {"S": "2026-12-14"}  # what retiring reads and removes
    assert item["version"] == {"N": "5"}  # what writes are conditioned on
    assert item["stability"] == {"N": "12.5"}  # what the due index projects
    # A card with no day counted, and a new card with no memory yet, leave those out (no NULLs)
    new = serialize_item(card_item("ana", reviewed_card(state=1, step=0, stability=None, due_day=None)))
    assert {"stability", "due_day"}.isdisjoint(new)
    assert card_from_item(deserialize_item(new)) == reviewed_card(
        state=1, step=0, stability=None, due_day=None, version=5
    )


def test_a_card_stored_before_the_compact_form_reads_as_the_same_card_and_is_written_back_compact():
    card = reviewed_card()
    # Given the item as it was written before (every field its own attribute, NULLs included)
    legacy = {
        "pk": "USER#ana",
        "sk": "CARD#es-en#hola",
        "entity": "card",
        "due_pk": "USER#ana#es-en#review",
        "due_at": "2026-12-14T08:00:00.000000Z",
        **card.model_dump(mode="json"),
    }
    # Then it reads as the card it holds, and its next write is the compact one
    read = card_from_item(round_trip(legacy))
    assert read == card
    rewritten = card_item("ana", read)
    assert "fsrs" in rewritten and "reps" not in rewritten
    assert card_from_item(round_trip(rewritten)) == card.model_copy(update={"version": 5})


def test_a_compact_card_with_a_course_id_holding_a_hyphen_or_dots_keeps_both_ids():
    card = reviewed_card(course_id="pt-br.en-gb", phrase_id="bom-dia")
    assert card_from_item(round_trip(card_item("ana", card))).model_dump(
        include={"course_id", "phrase_id"}
    ) == {
        "course_id": "pt-br.en-gb",
        "phrase_id": "bom-dia",
    }


def test_attribute_values_are_dynamodbs_own_shapes():
    assert serialize_item({"a": None, "b": True, "c": 3, "d": [1.5, "x"], "e": {"f": {}}}) == {
        "a": {"NULL": True},
        "b": {"BOOL": True},
        "c": {"N": "3"},
        "d": {"L": [{"N": "1.5"}, {"S": "x"}]},
        "e": {"M": {"f": {"M": {}}}},
    }


def test_a_value_dynamodb_cannot_hold_is_refused():
    with pytest.raises(TypeError):
        serialize_item({"when": STARTED})


def test_the_results_digest_is_of_the_upload_as_sent():
    # Times as reported (not as moved into the window), so a retry of the same upload matches;
    # list order counts, since it breaks ties between reviews at the same time
    report = PracticeReport(
        reviews=(
            Review(phrase_id="hola", rating=Rating.AGAIN, reviewed_at=STARTED, duration_ms=900),
            Review(phrase_id="hola", rating=Rating.GOOD),
        ),
        dialog_completed=True,
    )
    canonical = (
        '{"reviews":[["hola","again","2026-12-01T08:00:00+00:00",900],["hola","good",null,null]],'
        '"completed_at":null,"dialog":true,"drill":false}'
    )
    assert results_digest(report) == hashlib.sha256(canonical.encode()).hexdigest()
    swapped = report.model_copy(update={"reviews": tuple(reversed(report.reviews))})
    assert results_digest(swapped) != results_digest(report)


SEED_FIELDS = (
    "user_id", "started_at", "ended_at", "duration_seconds", "xp_phrases", "xp_session_bonus",
    "xp_streak_bonus", "total_xp", "streak_before", "streak_after",
)  # fmt: skip


def test_a_session_item_has_the_design_notes_usersession_fields_flat():
    # Given a session as started: XP all 0, not ended
    started = Session(
        session_id="01KBC3M8Z5T1D2QWERTY123456", user_id="ana", pack_id="daily_2026-12-01",
        course_id="es-en", review_phrase_ids=(), new_phrase_ids=("hola",), started_at=STARTED,
    )  # fmt: skip
    item = session_item(started)
    assert {name: item[name] for name in SEED_FIELDS} == {
        "user_id": "ana", "started_at": "2026-12-01T08:00:00Z", "ended_at": None, "duration_seconds": None,
        "xp_phrases": 0, "xp_session_bonus": 0, "xp_streak_bonus": 0, "total_xp": 0,
        "streak_before": 0, "streak_after": 0,
    }  # fmt: skip
    assert "xp" not in item

    # When completed, the same fields carry the outcome, and total_xp is their sum
    completed = started.model_copy(
        update={"ended_at": STARTED.replace(minute=4), "duration_seconds": 240, "streak_after": 1,
                "xp": XpAward(phrases=10, session_bonus=20, streak_bonus=2)}
    )  # fmt: skip
    item = session_item(completed)
    assert (item["xp_phrases"], item["xp_session_bonus"], item["xp_streak_bonus"], item["total_xp"]) == (
        10,
        20,
        2,
        32,
    )
    assert (item["ended_at"], item["duration_seconds"]) == ("2026-12-01T08:04:00Z", 240)


@pytest.mark.parametrize("change", [{"time_zone": None}, {"day_start_hour": 24}, {"daily_new_limit": None}])
def test_a_profile_that_breaks_its_own_model_is_never_turned_into_an_item(change):
    valid = Profile(user_id="ana", time_zone="UTC", day_start_hour=4, daily_new_limit=10, course_id="es-en")
    with pytest.raises(ValidationError):
        profile_item(valid.model_copy(update=change))  # model_copy does not validate
