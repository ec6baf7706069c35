"""Domain objects to stored items and back: the only code that knows an item's attributes."""

import json
import zlib
from datetime import date, datetime
from typing import Any

from practice.domain.learner import (
    CardState,
    DueCard,
    LearnerRecord,
    LedgerDay,
    Profile,
    Session,
    XpAward,
    utc_iso,
)
from practice.domain.phrasebook import SyncEntry
from practice.domain.reminders import Device
from practice.domain.scheduling import is_learning
from practice.dynamodb.keys import (
    FIT_DUE_INDEX,
    LEARNING_QUEUE,
    PROFILE_SK,
    REMINDER_INDEX,
    REVIEW_QUEUE,
    card_key,
    course_and_phrase_of_card,
    day_sk,
    device_sk,
    due_days_sk,
    due_queue_pk,
    fit_due_pk,
    number_of_sync_entry,
    phrase_of_card,
    reminder_pk,
    session_sk,
    sync_sk,
    user_pk,
)
from practice.errors import AccountDeleting
from practice.fitting.store import LoggedReview, fit_due_shard
from practice.reminders.store import reminder_shard

_RATING_NUMBER = {"again": 1, "hard": 2, "good": 3, "easy": 4}
# What a due-index query reads back: what ranking needs (botocore parses every attribute of
# every item, and the keys, pk and due_pk, are the same in each)
DUE_CARD_PROJECTION = "sk, due_at, stability, last_review"
_KEY_ATTRIBUTES = frozenset({"pk", "sk", "entity"})
# A session's phrase ids, each list stored as one string (ids are slugs: never a space)
_PHRASE_ID_LISTS = ("review_phrase_ids", "new_phrase_ids")
# A card's fields kept in its one `fsrs` attribute (the others are attributes of their own, or
# its key)
_PACKED_CARD_FIELDS = ("state", "step", "difficulty", "due", "reps", "lapses")


def profile_from_item(item: dict[str, Any]) -> Profile:
    """The stored profile; AccountDeleting when it is the tombstone of a learner being erased."""
    if "deleted_at" in item:
        raise AccountDeleting("this account is being deleted; it can be used again in a minute or so")
    return Profile.model_validate(item)


def profile_item(profile: Profile) -> dict[str, Any]:
    """The profile's item, validated as a whole first: a profile changed with `model_copy` (which
    does not validate) can never store a null or an out-of-range setting (a ValidationError)."""
    data = Profile.model_validate(profile.model_dump()).model_dump(mode="json")
    data["version"] = profile.version + 1
    item = {"pk": user_pk(profile.user_id), "sk": PROFILE_SK, "entity": "profile", **data}
    if profile.fit_due_since is not None:  # in the sparse index the optimizer's sweep reads
        item[FIT_DUE_INDEX.key] = fit_due_pk(fit_due_shard(profile.user_id))
        item[FIT_DUE_INDEX.at] = utc_iso(profile.fit_due_since)
    if (remind_at := profile.reminder_state.next_at) is not None:  # in the index the sender reads
        item[REMINDER_INDEX.key] = reminder_pk(reminder_shard(profile.user_id))
        item[REMINDER_INDEX.at] = utc_iso(remind_at)
    return item


def device_item(user_id: str, device: Device) -> dict[str, Any]:
    return {
        "pk": user_pk(user_id),
        "sk": device_sk(device.device_id),
        "entity": "device",
        **device.model_dump(mode="json", exclude_none=True),
    }


def device_from_item(item: dict[str, Any]) -> Device:
    return Device.model_validate(item)


def session_item(session: Session) -> dict[str, Any]:
    """The UserSession record of the design note: its fields flat, by its names (`xp_phrases`,
    `xp_session_bonus`, `xp_streak_bonus`, `total_xp`: 0 at start; `ended_at` and
    `duration_seconds` null until completion), plus what the backend needs to complete it. The
    review log, most of a completed session, is one compressed JSON attribute (`review_log`):
    botocore parses a list of maps attribute by attribute, which made a history page of 20
    sessions cost 93 ms (docs/decisions.md)."""
    xp = session.xp
    item = {
        "pk": user_pk(session.user_id),
        "sk": session_sk(session.session_id),
        "entity": "session",
        "status": "open" if session.is_open else "completed",
        **session.model_dump(mode="json", exclude={"expires_at", "xp", "reviews"}),
        "xp_phrases": xp.phrases,
        "xp_session_bonus": xp.session_bonus,
        "xp_streak_bonus": xp.streak_bonus,
        "total_xp": xp.total,
    }
    for name in _PHRASE_ID_LISTS:  # one string each: a list is parsed element by element
        item[name] = " ".join(item[name])
    if session.reviews:
        log = [entry.model_dump(mode="json") for entry in session.reviews]
        item["review_log"] = zlib.compress(json.dumps(log, separators=(",", ":")).encode())
    if session.is_open and session.expires_at is not None:
        item["ttl"] = session.expires_at  # the table's TTL attribute: abandoned sessions go away
    return item


def expanded(item: dict[str, Any]) -> dict[str, Any]:
    """A stored item with its compressed review log as `reviews` again and its phrase ids as
    lists (sessions stored before hold `reviews` and the ids as lists already)."""
    unpacked = {name: value for name, value in item.items() if name != "review_log"}
    if "review_log" in item:
        unpacked["reviews"] = json.loads(zlib.decompress(item["review_log"]))
    for name in _PHRASE_ID_LISTS:
        if isinstance(ids := item.get(name), str):
            unpacked[name] = ids.split()
    return unpacked


def session_from_item(item: dict[str, Any]) -> Session:
    xp = XpAward(
        phrases=item["xp_phrases"],
        session_bonus=item["xp_session_bonus"],
        streak_bonus=item["xp_streak_bonus"],
    )
    return Session.model_validate({**expanded(item), "xp": xp})


def logged_reviews(item: dict[str, Any]) -> list[LoggedReview]:
    """What a fit reads of a session item's review log (open sessions have none): each review
    counted in the session's practice day, as its streak was."""
    course = item["course_id"]
    day = date.fromisoformat(item["practice_day"]) if item.get("practice_day") else None
    return [
        LoggedReview(
            (course, entry["phrase_id"]),
            datetime.fromisoformat(entry["reviewed_at"]),
            _RATING_NUMBER[entry["rating"]],
            day,
        )
        for entry in expanded(item).get("reviews", [])
    ]


def card_item(user_id: str, card: CardState) -> dict[str, Any]:
    """A card, in the due index under its queue: (re)learning cards apart from reviews, so that
    each queue is read in its own order with its own limit.

    Compact: what an expression or the due index names is an attribute of its own (the index's
    keys and projection, `due_day` that retiring removes, `version` that conditions), the rest of
    the FSRS state one JSON string (`fsrs`). botocore parses a response attribute value by
    attribute value in pure Python: 10 values a card instead of 17 (docs/decisions.md)."""
    data = card.model_dump(mode="json", exclude={"course_id", "phrase_id", "version"})
    queue = LEARNING_QUEUE if is_learning(card.state) else REVIEW_QUEUE
    item: dict[str, Any] = {
        "pk": user_pk(user_id),
        "sk": card_key(card.course_id, card.phrase_id),
        "entity": "card",
        "due_pk": due_queue_pk(user_id, card.course_id, queue),
        "due_at": utc_iso(card.due),
        "version": card.version + 1,
        "fsrs": json.dumps({name: data.pop(name) for name in _PACKED_CARD_FIELDS}, separators=(",", ":")),
    }
    item.update((name, value) for name, value in data.items() if value is not None)
    return item


def card_from_item(item: dict[str, Any]) -> CardState:
    """A stored card, in either form: compact, or every field an attribute (cards written before
    the compact form; each is rewritten compact at its next review)."""
    if "fsrs" not in item:
        return CardState.model_validate(item)
    course_id, phrase_id = course_and_phrase_of_card(item["sk"])
    return CardState.model_validate(
        {
            **json.loads(item["fsrs"]),
            "course_id": course_id,
            "phrase_id": phrase_id,
            "stability": item.get("stability"),
            "last_review": item.get("last_review"),
            "due_day": item.get("due_day"),
            "version": item["version"],
        }
    )


def due_card_from_item(item: dict[str, Any]) -> DueCard:
    return DueCard(
        phrase_id=phrase_of_card(item["sk"]),
        due=item["due_at"],
        stability=item.get("stability"),
        last_review=item.get("last_review"),
    )


def due_days_item(user_id: str, course_id: str, counts: dict[date, int]) -> dict[str, Any]:
    """The learner's cards due per day of a course, as completions keep it: one number attribute
    per day, named by its ISO date (completions ADD to the days they change, unread)."""
    days = {day.isoformat(): count for day, count in sorted(counts.items()) if count}
    return {"pk": user_pk(user_id), "sk": due_days_sk(course_id), "entity": "due_days", **days}


def due_days_from_item(item: dict[str, Any] | None) -> dict[date, int]:
    if item is None:
        return {}
    return {
        date.fromisoformat(name): int(count) for name, count in item.items() if name not in _KEY_ATTRIBUTES
    }


def sync_entry_item(user_id: str, course_id: str, entry: SyncEntry, expires_at: int) -> dict[str, Any]:
    """An entry of the phrasebook's sync log; DynamoDB's TTL removes it at `expires_at`. Its phrase
    ids are one string each (ids are slugs: never a space): a delta reads up to 101 entries, and
    botocore parses a list element by element."""
    item: dict[str, Any] = {
        "pk": user_pk(user_id),
        "sk": sync_sk(course_id, entry.number),
        "entity": "sync",
        "ttl": expires_at,
    }
    if entry.changed:
        item["changed"] = " ".join(entry.changed)
    if entry.retired:
        item["retired"] = " ".join(entry.retired)
    return item


# What a delta reads of a sync log entry
SYNC_ENTRY_PROJECTION = "sk, changed, retired"


def sync_entry_from_item(item: dict[str, Any]) -> SyncEntry:
    return SyncEntry(
        number=number_of_sync_entry(item["sk"]),
        changed=tuple(item.get("changed", "").split()),
        retired=tuple(item.get("retired", "").split()),
    )


def ledger_day_from_item(item: dict[str, Any]) -> LedgerDay:
    return LedgerDay.model_validate({**item, "day": day_sk.value_of(item["sk"])})


def learner_record(item: dict[str, Any]) -> LearnerRecord | None:
    """One of the learner's items (not the profile) as its domain object, by its `entity`; None
    for what is derived from the others (the cards due per day: a recount of the cards; the sync
    log: a record of their writes) or only counts requests (quotas)."""
    match item.get("entity"):
        case "due_days" | "sync" | "quota":
            return None
        case "session":
            return session_from_item(item)
        case "card":
            return card_from_item(item)
        case "device":
            return device_from_item(item)
        case "day":
            return ledger_day_from_item(item)
    raise TypeError(f"no export shape for the item {item['sk']} (entity {item.get('entity')!r})")
