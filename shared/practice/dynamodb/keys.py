"""The table diagram: every key and index of the one table, `pk`/`sk` strings.

| item         | pk                | sk                        |
|--------------|-------------------|---------------------------|
| profile      | USER#<user_id>    | PROFILE                   | with `deleted_at`: the tombstone
                                                              of a learner being erased;
                                                              fit-due-index: FITDUE#<shard>,
                                                              fit_due_at, while a fit is due
| session      | USER#<user_id>    | SESSION#<ulid>            |
| card         | USER#<user_id>    | CARD#<phrase_id>          | due-index: USER#<user_id>#<queue>, due_at
| ledger day   | USER#<user_id>    | DAY#<yyyy-mm-dd>          |
| course       | COURSE#<course>   | META (revision, parts) / PART#<revision>#<n>: the course's
                                                              JSON, zlib-compressed, in parts
"""

from datetime import date
from typing import Any

USER_PREFIX = "USER#"
PROFILE_SK = "PROFILE"
SESSION_PREFIX, CARD_PREFIX, DAY_PREFIX = "SESSION#", "CARD#", "DAY#"
COURSE_PREFIX, COURSE_META_SK, PART_PREFIX = "COURSE#", "META", "PART#"

# Cards due, per learner and queue: (re)learning cards apart from reviews, so that each queue is
# read in its own order with its own limit.
DUE_INDEX = "due-index"
LEARNING_QUEUE, REVIEW_QUEUE = "learning", "review"
# Learners due a fit (sparse: only marked profiles carry its keys), sharded (fitting/store.py).
FIT_DUE_INDEX, FIT_DUE_PREFIX = "fit-due-index", "FITDUE#"


def user_pk(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def user_id_of(pk: str) -> str:
    return pk.removeprefix(USER_PREFIX)


def session_sk(session_id: str) -> str:
    return f"{SESSION_PREFIX}{session_id}"


def card_sk(phrase_id: str) -> str:
    return f"{CARD_PREFIX}{phrase_id}"


def phrase_id_of(sk: str) -> str:
    return sk.removeprefix(CARD_PREFIX)


def day_sk(day: date) -> str:
    return f"{DAY_PREFIX}{day.isoformat()}"


def due_queue_pk(user_id: str, queue: str) -> str:
    return f"{user_pk(user_id)}#{queue}"


def fit_due_pk(shard: int) -> str:
    return f"{FIT_DUE_PREFIX}{shard}"


def course_pk(course_id: str) -> str:
    return f"{COURSE_PREFIX}{course_id}"


def course_part_sk(revision: str, index: int) -> str:
    return f"{PART_PREFIX}{revision}#{index:04d}"


def key(pk: str, sk: str) -> dict[str, Any]:
    """The item's primary key, as the low-level API takes it."""
    return {"pk": {"S": pk}, "sk": {"S": sk}}
