"""The table diagram: every key and index of the one table, `pk`/`sk` strings.

| item         | pk                | sk                        |
|--------------|-------------------|---------------------------|
| profile      | USER#<user_id>    | PROFILE                   | with `deleted_at`: the tombstone
                                                              of a learner being erased;
                                                              fit-due-index: FITDUE#<shard>,
                                                              fit_due_at, while a fit is due;
                                                              reminder-index: REMIND#<shard>,
                                                              remind_at, while a reminder is planned;
                                                              erasure-index: ERASURE, deleted_at,
                                                              while a tombstone
| session      | USER#<user_id>    | SESSION#<ulid>            |
| card         | USER#<user_id>    | CARD#<course>#<phrase_id> | due-index: USER#<user_id>#<course>#<queue>,
                                                              due_at
| ledger day   | USER#<user_id>    | DAY#<yyyy-mm-dd>          |
| due per day  | USER#<user_id>    | DUE#<course>              | cards of the course due on each
                                                              learner day: one number attribute
                                                              per day, named by its date
| device       | USER#<user_id>    | DEVICE#<device_id>        | a push token and its SNS endpoint
| sync entry   | USER#<user_id>    | SYNC#<course>#<n>         | the phrasebook's sync log: the
                                                              phrases one write changed (TTL)
| quota        | USER#<user_id>    | QUOTA#<name>#<window>     | requests counted in a window (TTL)
| course       | COURSE#<course>   | META (revision, parts) / PART#<revision>#<n>: the course's
                                                              JSON, zlib-compressed, in parts
| catalog      | CATALOG           | COURSE#<course>           | the course's summary: one query lists
                                                              every course loaded
"""

from dataclasses import dataclass
from typing import Any

PROFILE_SK = "PROFILE"
COURSE_META_SK = "META"
CATALOG_PK = "CATALOG"

# Cards due, per learner, course and queue: (re)learning cards apart from reviews, so that each
# queue is read in its own order with its own limit, and one course's cards never in another's.
DUE_INDEX = "due-index"
LEARNING_QUEUE, REVIEW_QUEUE = "learning", "review"


@dataclass(frozen=True, slots=True)
class SparseIndex:
    """A GSI of profiles that only some carry the keys of: a shard (`key`) and a time (`at`)."""

    name: str
    key: str
    at: str


# Learners due a fit (sparse: only marked profiles carry its keys), sharded (fitting/store.py).
FIT_DUE_INDEX = SparseIndex("fit-due-index", "fit_due_pk", "fit_due_at")
# Learners by the time of their next reminder (sparse: only profiles with one planned), sharded
# (reminders/store.py)
REMINDER_INDEX = SparseIndex("reminder-index", "remind_pk", "remind_at")
# Tombstones by when they were set (sparse: only tombstones), which the erasure sweep re-queues
# once they outlive a grace period. One partition: tombstones live minutes, a few thousand a day.
ERASURE_INDEX = SparseIndex("erasure-index", "erase_pk", "deleted_at")
ERASURE_PK = "ERASURE"


@dataclass(frozen=True, slots=True)
class KeyPrefix:
    """Keys of one kind: the prefix, then a value (a user id, a ULID, a date...)."""

    prefix: str

    def __call__(self, value: object) -> str:
        return f"{self.prefix}{value}"

    def value_of(self, key: str) -> str:
        return key.removeprefix(self.prefix)


user_pk = KeyPrefix("USER#")
session_sk = KeyPrefix("SESSION#")
card_sk = KeyPrefix("CARD#")  # <course>#<phrase>: a learner's cards of one course sort together
day_sk = KeyPrefix("DAY#")  # a date, ISO 8601: days sort in order
due_days_sk = KeyPrefix("DUE#")  # a course id
fit_due_pk = KeyPrefix("FITDUE#")  # a shard number
reminder_pk = KeyPrefix("REMIND#")  # a shard number
device_sk = KeyPrefix("DEVICE#")  # a device id
course_pk = KeyPrefix("COURSE#")


def quota_sk(name: str, window: str) -> str:
    return f"QUOTA#{name}#{window}"


def card_key(course_id: str, phrase_id: str) -> str:
    return card_sk(f"{course_id}#{phrase_id}")


def sync_sk(course_id: str, number: int) -> str:
    """An entry of the course's sync log: numbers zero-padded, so entries sort in order."""
    return f"SYNC#{course_id}#{number:010d}"


def number_of_sync_entry(sk: str) -> int:
    return int(sk.rpartition("#")[2])


def phrase_of_card(sk: str) -> str:
    """The phrase id of a card's sort key (ids are slugs: never a `#`)."""
    return sk.rpartition("#")[2]


def course_and_phrase_of_card(sk: str) -> tuple[str, str]:
    course_id, _, phrase_id = card_sk.value_of(sk).rpartition("#")
    return course_id, phrase_id


def due_queue_pk(user_id: str, course_id: str, queue: str) -> str:
    return f"{user_pk(user_id)}#{course_id}#{queue}"


def course_parts_prefix(revision: str) -> str:
    """The parts of one revision of a course's document sort together under this."""
    return f"PART#{revision}#"


def course_part_sk(revision: str, index: int) -> str:
    return f"{course_parts_prefix(revision)}{index:04d}"


def key(pk: str, sk: str) -> dict[str, Any]:
    """The item's primary key, as the low-level API takes it."""
    return {"pk": {"S": pk}, "sk": {"S": sk}}
