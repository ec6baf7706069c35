"""The DynamoDB implementation of PracticeRepository: one table, string keys `pk`/`sk`.

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

import hashlib
import json
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from practice.errors import AccountDeleting, ConcurrentUpdate, StoreUnavailable
from practice.fitting import LoggedReview
from practice.limits import ITEMS_PER_QUERY
from practice.models.content import Course
from practice.models.learner import (
    CardState,
    DueCard,
    DueCards,
    LearnerItem,
    LedgerDay,
    PersonalParameters,
    Profile,
    Session,
    XpAward,
    utc_iso,
)
from practice.repository import SessionNotOpen
from practice.scheduling import is_learning

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from practice.completion import Completion

DUE_INDEX = "due-index"
# Learners due a fit, spread over shards so that no index partition takes every marked profile
FIT_DUE_INDEX, FIT_DUE_SHARDS = "fit-due-index", 16
_RATING_NUMBER = {"again": 1, "hard": 2, "good": 3, "easy": 4}
LEARNING_QUEUE, REVIEW_QUEUE = "learning", "review"
PROFILE_SK = "PROFILE"
SESSION_PREFIX, DAY_PREFIX = "SESSION#", "DAY#"
# The ledger's counters, each ADDed to its day by the session that completes on it
LEDGER_COUNTERS = tuple(name for name, field in LedgerDay.model_fields.items() if field.annotation is int)
_THROTTLING = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
_BATCH_ATTEMPTS = 5
_BATCH_WRITE_SIZE = 25  # BatchWriteItem's most
# A course is one document read at every cold start: compressed JSON in parts below DynamoDB's
# 400 KB item limit, so a long course is a few items to parse, not one item per phrase.
COURSE_PART_BYTES = 350_000


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


class DynamoRepository:
    def __init__(self, client: "DynamoDBClient", table_name: str) -> None:
        self._client = client
        self._table = table_name

    # -- profile and pack -------------------------------------------------------------------

    def get_profile(self, user_id: str) -> Profile | None:
        item = self._get(user_pk(user_id), PROFILE_SK)
        return profile_from_item(item) if item else None

    def save_profile(self, profile: Profile) -> None:
        put = self._versioned_put(profile_item(profile), profile.version)
        with _dynamodb_errors():
            try:
                self._client.put_item(**put)
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise ConcurrentUpdate("the profile changed during the request; retry it") from error

    def due_cards(
        self, user_id: str, due_before: datetime, *, learning_limit: int, review_limit: int
    ) -> DueCards:
        learning = self._due(user_id, LEARNING_QUEUE, due_before, learning_limit, oldest_first=True)
        reviews = self._due(user_id, REVIEW_QUEUE, due_before, review_limit, oldest_first=False)
        return DueCards(learning=learning, reviews=reviews)

    def _due(
        self, user_id: str, queue: str, due_before: datetime, limit: int, *, oldest_first: bool
    ) -> tuple[DueCard, ...]:
        if limit == 0:
            return ()
        with _dynamodb_errors():
            response = self._client.query(
                TableName=self._table,
                IndexName=DUE_INDEX,
                KeyConditionExpression="due_pk = :queue AND due_at < :before",
                ExpressionAttributeValues={
                    ":queue": {"S": due_queue_pk(user_id, queue)},
                    ":before": {"S": utc_iso(due_before)},
                },
                # what ranking needs: botocore parses every attribute of every item, and
                # the keys (pk, due_pk) are the same in each
                ProjectionExpression="sk, due_at, stability, last_review",
                Limit=limit,
                ScanIndexForward=oldest_first,
            )
        return tuple(
            DueCard(
                phrase_id=item["sk"].removeprefix("CARD#"),
                due=item["due_at"],
                stability=item.get("stability"),
                last_review=item.get("last_review"),
            )
            for item in map(deserialize_item, response["Items"])
        )

    def start_session(
        self, session: Session, profile: Profile, *, store_profile: bool, retired: Sequence[str] = ()
    ) -> None:
        session_put = {"TableName": self._table, "Item": serialize_item(session_item(session))}
        session_put["ConditionExpression"] = "attribute_not_exists(pk)"
        writes: list[dict[str, Any]] = [{"Put": session_put}]
        if store_profile:
            writes.append({"Put": self._versioned_put(profile_item(profile), profile.version)})
        else:  # unchanged, but still the one read: a deletion begun meanwhile cancels the start
            writes.append({"ConditionCheck": self._still_version(profile)})
        writes += [{"Update": self._retire(session.user_id, phrase_id)} for phrase_id in retired]
        self._transact(writes)

    def _still_version(self, profile: Profile) -> dict[str, Any]:
        return {
            "TableName": self._table,
            "Key": {"pk": {"S": user_pk(profile.user_id)}, "sk": {"S": PROFILE_SK}},
            "ConditionExpression": "version = :read_version",
            "ExpressionAttributeValues": {":read_version": {"N": str(profile.version)}},
        }

    def _retire(self, user_id: str, phrase_id: str) -> dict[str, Any]:
        """Take a card out of the due index (its FSRS state stays): its phrase left the course."""
        return {
            "TableName": self._table,
            "Key": {"pk": {"S": user_pk(user_id)}, "sk": {"S": f"CARD#{phrase_id}"}},
            "UpdateExpression": "REMOVE due_pk, due_at SET retired = :retired",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":retired": {"BOOL": True}},
        }

    def get_session(self, user_id: str, session_id: str) -> Session | None:
        """The session, read with the profile (one request) to see whether the learner is being
        erased: then AccountDeleting, whatever is left of their items."""
        items = self._batch_get(user_pk(user_id), [f"SESSION#{session_id}", PROFILE_SK])
        if PROFILE_SK in items:
            profile_from_item(items[PROFILE_SK])
        session = items.get(f"SESSION#{session_id}")
        return session_from_item(session) if session else None

    # -- completion -------------------------------------------------------------------------

    def load_for_completion(
        self, user_id: str, session_id: str, phrase_ids: list[str]
    ) -> tuple[Session | None, Profile | None, dict[str, CardState]]:
        pk = user_pk(user_id)
        sort_keys = [f"SESSION#{session_id}", PROFILE_SK, *(f"CARD#{pid}" for pid in phrase_ids)]
        items = self._batch_get(pk, sort_keys)
        session = items.pop(f"SESSION#{session_id}", None)
        profile = items.pop(PROFILE_SK, None)
        cards = {sk.removeprefix("CARD#"): CardState.model_validate(item) for sk, item in items.items()}
        return (
            session_from_item(session) if session else None,
            profile_from_item(profile) if profile else None,
            cards,
        )

    def complete_session(self, completion: "Completion") -> None:
        session, profile, user_id = completion.session, completion.profile, completion.profile.user_id
        session_put = {
            "TableName": self._table,
            "Item": serialize_item(session_item(session)),
            "ConditionExpression": "#status = :open",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":open": {"S": "open"}},
        }
        writes: list[dict[str, Any]] = [
            {"Put": session_put},
            {"Put": self._versioned_put(profile_item(profile), profile.version)},
        ]
        if completion.ledger is not None:
            writes.append({"Update": self._add_to_day(user_id, completion.ledger)})
        writes += [{"Update": self._freeze_day(user_id, day)} for day in completion.frozen_days]
        writes += [
            {"Put": self._versioned_put(card_item(user_id, card), card.version)} for card in completion.cards
        ]
        self._transact(writes, session_index=0)

    def _add_to_day(self, user_id: str, ledger: LedgerDay) -> dict[str, Any]:
        """ADD the session's figures to its day's ledger item (created by the first one), so that
        sessions of one day, uploaded in any order, add up without reading the item first."""
        values = {f":{name}": {"N": str(getattr(ledger, name))} for name in LEDGER_COUNTERS}
        values |= {":goal_xp": {"N": str(ledger.goal_xp)}, ":entity": {"S": "day"}}
        counters = ", ".join(f"{name} :{name}" for name in LEDGER_COUNTERS)
        return {
            "TableName": self._table,
            "Key": _day_key(user_id, ledger.day),
            "UpdateExpression": f"ADD {counters} SET goal_xp = :goal_xp, entity = :entity",
            "ExpressionAttributeValues": values,
        }

    def _freeze_day(self, user_id: str, day: date) -> dict[str, Any]:
        return {
            "TableName": self._table,
            "Key": _day_key(user_id, day),
            "UpdateExpression": "SET frozen = :frozen, entity = :entity",
            "ExpressionAttributeValues": {":frozen": {"BOOL": True}, ":entity": {"S": "day"}},
        }

    # -- progress ---------------------------------------------------------------------------

    def list_sessions(self, user_id: str, limit: int, after: str | None) -> tuple[list[Session], str | None]:
        pk = user_pk(user_id)
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":prefix": {"S": SESSION_PREFIX}},
            "ScanIndexForward": False,  # ULIDs sort by time: newest first
            "Limit": limit,
        }
        if after is not None:
            request["ExclusiveStartKey"] = {"pk": {"S": pk}, "sk": {"S": SESSION_PREFIX + after}}
        with _dynamodb_errors():
            page = self._client.query(**request)
        sessions = [session_from_item(deserialize_item(item)) for item in page["Items"]]
        last_key = page.get("LastEvaluatedKey")
        return sessions, last_key["sk"]["S"].removeprefix(SESSION_PREFIX) if last_key else None

    def ledger_days(self, user_id: str, first: date, last: date) -> list[LedgerDay]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
            "ExpressionAttributeValues": {
                ":pk": {"S": user_pk(user_id)},
                ":first": {"S": f"{DAY_PREFIX}{first.isoformat()}"},
                ":last": {"S": f"{DAY_PREFIX}{last.isoformat()}"},
            },
        }
        days: list[LedgerDay] = []
        with _dynamodb_errors():
            while True:  # one page: a year of days is ~70 KB of the 1 MB a page may hold
                page = self._client.query(**request)
                days += (ledger_day_from_item(deserialize_item(item)) for item in page["Items"])
                if "LastEvaluatedKey" not in page:
                    return days
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # -- the learner's account: export and erasure ---------------------------------------------

    def export_items(
        self, user_id: str, after: str | None, max_bytes: int
    ) -> tuple[list[LearnerItem], str | None]:
        """The learner's items in key order (the profile aside) from the one after position
        `after` on, until their stored JSON reaches `max_bytes`; and the position to go on
        after, None when no more follow. One query of at most ITEMS_PER_QUERY items."""
        pk = user_pk(user_id)
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "Limit": ITEMS_PER_QUERY,
        }
        if after is not None:
            request["ExclusiveStartKey"] = {"pk": {"S": pk}, "sk": {"S": after}}
        with _dynamodb_errors():
            page = self._client.query(**request)
        raw_items = page["Items"]
        learner_items: list[LearnerItem] = []
        size = 0
        for position, raw in enumerate(raw_items, start=1):
            item = _expanded(deserialize_item(raw))
            if item["sk"] == PROFILE_SK:
                continue
            learner_items.append(learner_item(item))
            size += len(json.dumps(item, separators=(",", ":")))
            if size >= max_bytes and position < len(raw_items):
                return learner_items, item["sk"]
        last_key = page.get("LastEvaluatedKey")
        return learner_items, last_key["sk"]["S"] if last_key else None

    def mark_deleting(self, user_id: str, at: datetime) -> None:
        """Set the tombstone: the profile gets `deleted_at` (created bare if there was none) and a
        new version, so every write conditioned on the version read fails from now on."""
        with _dynamodb_errors():
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": user_pk(user_id)}, "sk": {"S": PROFILE_SK}},
                UpdateExpression="SET deleted_at = if_not_exists(deleted_at, :at), entity = :entity "
                "ADD version :one",
                ExpressionAttributeValues={
                    ":at": {"S": utc_iso(at)},
                    ":entity": {"S": "profile"},
                    ":one": {"N": "1"},
                },
            )

    def is_deleting(self, user_id: str) -> bool:
        """Whether the learner's tombstone is there (an erasure to do, or to go on with)."""
        with _dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table,
                Key={"pk": {"S": user_pk(user_id)}, "sk": {"S": PROFILE_SK}},
                ProjectionExpression="deleted_at",
                ConsistentRead=True,
            )
        return "deleted_at" in response.get("Item", {})

    def erasable_keys(self, user_id: str) -> list[str]:
        """Positions of up to ITEMS_PER_QUERY of the learner's items, the tombstone aside: keys
        only, from the first, since the erasure deletes what it read before reading again."""
        with _dynamodb_errors():
            page = self._client.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": user_pk(user_id)}},
                ProjectionExpression="sk",
                ConsistentRead=True,
                Limit=ITEMS_PER_QUERY,
            )
        return [item["sk"]["S"] for item in page["Items"] if item["sk"]["S"] != PROFILE_SK]

    def delete_items(self, user_id: str, positions: Sequence[str]) -> None:
        pk = user_pk(user_id)
        self._batch_write(
            [{"DeleteRequest": {"Key": {"pk": {"S": pk}, "sk": {"S": sk}}}} for sk in positions],
            "the learner's items could not all be deleted; the erasure goes on at its next attempt",
        )

    def remove_tombstone(self, user_id: str) -> None:
        """The erasure's last delete; a tombstone already removed (a second run) is no error."""
        with _dynamodb_errors(), suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.delete_item(
                TableName=self._table,
                Key={"pk": {"S": user_pk(user_id)}, "sk": {"S": PROFILE_SK}},
                ConditionExpression="attribute_exists(deleted_at)",
            )

    # -- fitting the learner's FSRS parameters ---------------------------------------------

    def review_log(self, user_id: str, after: str | None) -> tuple[list[LoggedReview], str | None]:
        """A page (DynamoDB's 1 MB) of the reviews logged in the learner's sessions, oldest
        session first, from the session after position `after` on; and the position to go on
        after (None: done). Only the reviews are read back (open sessions have none)."""
        pk = user_pk(user_id)
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":prefix": {"S": SESSION_PREFIX}},
            "ProjectionExpression": "sk, review_log, reviews",
        }
        if after is not None:
            request["ExclusiveStartKey"] = {"pk": {"S": pk}, "sk": {"S": after}}
        with _dynamodb_errors():
            page = self._client.query(**request)
        reviews = [
            _logged(entry)
            for item in page["Items"]
            for entry in _expanded(deserialize_item(item)).get("reviews", [])
        ]
        last_key = page.get("LastEvaluatedKey")
        return reviews, last_key["sk"]["S"] if last_key else None

    def save_fit(
        self, user_id: str, read_version: int, checked_at: int, fit: PersonalParameters | None
    ) -> None:
        """Record a fit of the learner's parameters on the profile read at `read_version`: the
        review count it checked, the parameters when adopted, and no fit due any more. Raises
        ConcurrentUpdate when the profile moved (or became a tombstone) since it was read."""
        sets = "fit_checked_at = :checked" + (", fsrs = :fsrs" if fit is not None else "")
        update = f"SET {sets} REMOVE fit_due_since, fit_due_pk, fit_due_at"
        values: dict[str, Any] = {
            ":checked": {"N": str(checked_at)},
            ":read_version": {"N": str(read_version)},
            ":one": {"N": "1"},
        }
        if fit is not None:
            values[":fsrs"] = _attribute(fit.model_dump(mode="json"))
        with _dynamodb_errors():
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key={"pk": {"S": user_pk(user_id)}, "sk": {"S": PROFILE_SK}},
                    UpdateExpression=f"{update} ADD version :one",
                    ConditionExpression="version = :read_version AND attribute_not_exists(deleted_at)",
                    ExpressionAttributeValues=values,
                )
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise ConcurrentUpdate("the profile changed during the fit") from error

    def fit_due_learners(
        self, shard: int, due_before: datetime, after: str | None
    ) -> tuple[list[str], str | None]:
        """A page of the learners of fit-due shard `shard` marked due before `due_before`, and
        the position to go on after (None: done). Keys only, from the sparse index."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": FIT_DUE_INDEX,
            "KeyConditionExpression": "fit_due_pk = :shard AND fit_due_at < :before",
            "ExpressionAttributeValues": {
                ":shard": {"S": f"FITDUE#{shard}"},
                ":before": {"S": utc_iso(due_before)},
            },
            "Limit": ITEMS_PER_QUERY,
        }
        if after is not None:
            request["ExclusiveStartKey"] = json.loads(after)
        with _dynamodb_errors():
            page = self._client.query(**request)
        learners = [item["pk"]["S"].removeprefix("USER#") for item in page["Items"]]
        last_key = page.get("LastEvaluatedKey")
        return learners, json.dumps(last_key, sort_keys=True) if last_key else None

    # -- course content ---------------------------------------------------------------------

    def load_course(self, course_id: str) -> Course | None:
        """The course whose revision META names: its parts joined, inflated and validated."""
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": _course_pk(course_id)}},
        }
        with _dynamodb_errors():
            while True:
                page = self._client.query(**request)
                items.extend(page["Items"])
                if "LastEvaluatedKey" not in page:
                    break
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        meta = next((item for item in items if item["sk"]["S"] == "META"), None)
        if meta is None or "revision" not in meta:  # never loaded, or loaded before parts existed
            return None
        prefix = f"PART#{meta['revision']['S']}#"
        parts = [item["part"]["B"] for item in items if item["sk"]["S"].startswith(prefix)]
        if len(parts) != int(meta["parts"]["N"]):  # read while a reload replaced the revision
            raise StoreUnavailable("the course is being reloaded; try again")
        return Course.model_validate_json(zlib.decompress(b"".join(parts)))

    def put_course(self, course: Course) -> None:
        """Replace the course: its parts under a revision named by their content, then META naming
        that revision (readers switch there), then whatever else is under the course's key (an
        earlier revision, phrases dropped since). Loading the same course again writes the same items."""
        pk = _course_pk(course.course_id)
        document = zlib.compress(course.model_dump_json().encode())
        revision = hashlib.sha256(document).hexdigest()[:16]
        parts = [document[at : at + COURSE_PART_BYTES] for at in range(0, len(document), COURSE_PART_BYTES)]
        keys = [f"PART#{revision}#{index:04d}" for index in range(len(parts))]
        failure = "the course could not be written; try again"
        puts = [
            {"PutRequest": {"Item": serialize_item({"pk": pk, "sk": key, "part": part})}}
            for key, part in zip(keys, parts, strict=True)
        ]
        self._batch_write(puts, failure)
        meta = {"pk": pk, "sk": "META", "revision": revision, "parts": len(parts)}
        with _dynamodb_errors():
            self._client.put_item(TableName=self._table, Item=serialize_item(meta))
        stale = [sk for sk in self._course_keys(pk) if sk != "META" and sk not in keys]
        deletes = [{"DeleteRequest": {"Key": {"pk": {"S": pk}, "sk": {"S": sk}}}} for sk in stale]
        self._batch_write(deletes, failure)

    def _course_keys(self, pk: str) -> list[str]:
        keys: list[str] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ProjectionExpression": "sk",
        }
        with _dynamodb_errors():
            while True:
                page = self._client.query(**request)
                keys += [item["sk"]["S"] for item in page["Items"]]
                if "LastEvaluatedKey" not in page:
                    return keys
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # -- plumbing ---------------------------------------------------------------------------

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        with _dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
            )
        return deserialize_item(response["Item"]) if "Item" in response else None

    def _batch_get(self, pk: str, sort_keys: list[str]) -> dict[str, dict[str, Any]]:
        keys: list[dict[str, Any]] = [{"pk": {"S": pk}, "sk": {"S": sk}} for sk in dict.fromkeys(sort_keys)]
        found: dict[str, dict[str, Any]] = {}
        with _dynamodb_errors():
            for attempt in range(_BATCH_ATTEMPTS):
                response = self._client.batch_get_item(
                    RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}}
                )
                for raw in response["Responses"].get(self._table, []):
                    item = deserialize_item(raw)
                    found[item["sk"]] = item
                unprocessed: dict[str, Any] = dict(response.get("UnprocessedKeys") or {})
                keys = unprocessed.get(self._table, {}).get("Keys", [])
                if not keys:
                    return found
                time.sleep(0.02 * 2**attempt)
        raise StoreUnavailable("DynamoDB kept part of a read unprocessed; try again")

    def _batch_write(self, requests: list[dict[str, Any]], failure: str) -> None:
        """BatchWriteItem in chunks of 25, each retried with backoff while DynamoDB leaves part of
        it unprocessed; StoreUnavailable(`failure`) when a chunk never goes through."""
        with _dynamodb_errors():
            for start in range(0, len(requests), _BATCH_WRITE_SIZE):
                pending: Any = {self._table: requests[start : start + _BATCH_WRITE_SIZE]}
                for attempt in range(_BATCH_ATTEMPTS):
                    pending = self._client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
                    if not pending:
                        break
                    time.sleep(0.05 * 2**attempt)
                else:
                    raise StoreUnavailable(failure)

    def _versioned_put(self, item: dict[str, Any], read_version: int) -> dict[str, Any]:
        """A Put of `item` (already at read_version + 1) that fails if someone wrote in between."""
        put: dict[str, Any] = {"TableName": self._table, "Item": serialize_item(item)}
        if read_version == 0:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :read_version"
            put["ExpressionAttributeValues"] = {":read_version": {"N": str(read_version)}}
        return put

    def _transact(self, writes: list[dict[str, Any]], session_index: int | None = None) -> None:
        try:
            with _dynamodb_errors():
                self._client.transact_write_items(TransactItems=writes)  # type: ignore[arg-type]
        except self._client.exceptions.TransactionCanceledException as error:
            codes = [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]
            if any(
                code in {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
                for code in codes
            ):
                raise StoreUnavailable("DynamoDB is throttling requests; retry shortly") from error
            if (
                session_index is not None
                and len(codes) > session_index
                and codes[session_index] == "ConditionalCheckFailed"
            ):
                raise SessionNotOpen("the session is no longer open") from error
            raise ConcurrentUpdate("the learner's data changed during the request; retry it") from error


@contextmanager
def _dynamodb_errors() -> Iterator[None]:
    """Throttling and outages that outlived botocore's retries become StoreUnavailable (503)."""
    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _THROTTLING:
            raise StoreUnavailable("DynamoDB is throttling requests; retry shortly") from error
        raise
    except BotoCoreError as error:  # connection failures and timeouts after retries
        raise StoreUnavailable("the data store could not be reached; retry shortly") from error


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
        item["fit_due_pk"] = f"FITDUE#{fit_due_shard(profile.user_id)}"
        item["fit_due_at"] = utc_iso(profile.fit_due_since)
    return item


def fit_due_shard(user_id: str) -> int:
    return zlib.crc32(user_id.encode()) % FIT_DUE_SHARDS


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
        "sk": f"SESSION#{session.session_id}",
        "entity": "session",
        "status": "open" if session.is_open else "completed",
        **session.model_dump(mode="json", exclude={"expires_at", "xp", "reviews"}),
        "xp_phrases": xp.phrases,
        "xp_session_bonus": xp.session_bonus,
        "xp_streak_bonus": xp.streak_bonus,
        "total_xp": xp.total,
    }
    if session.reviews:
        log = [entry.model_dump(mode="json") for entry in session.reviews]
        item["review_log"] = zlib.compress(json.dumps(log, separators=(",", ":")).encode())
    if session.is_open and session.expires_at is not None:
        item["ttl"] = session.expires_at  # the table's TTL attribute: abandoned sessions go away
    return item


def _expanded(item: dict[str, Any]) -> dict[str, Any]:
    """A stored item with its compressed review log as `reviews` again (sessions completed before
    the log was compressed hold `reviews` as a list already)."""
    if "review_log" not in item:
        return item
    expanded = {key: value for key, value in item.items() if key != "review_log"}
    expanded["reviews"] = json.loads(zlib.decompress(item["review_log"]))
    return expanded


def _logged(entry: dict[str, Any]) -> LoggedReview:
    """What a fit reads of one entry of a session's review log."""
    reviewed_at = datetime.fromisoformat(entry["reviewed_at"])
    return LoggedReview(entry["phrase_id"], reviewed_at, _RATING_NUMBER[entry["rating"]])


def session_from_item(item: dict[str, Any]) -> Session:
    xp = XpAward(
        phrases=item["xp_phrases"],
        session_bonus=item["xp_session_bonus"],
        streak_bonus=item["xp_streak_bonus"],
    )
    return Session.model_validate({**_expanded(item), "xp": xp})


def learner_item(item: dict[str, Any]) -> LearnerItem:
    """One of the learner's items (not the profile) as its domain object, by its `entity`."""
    match item.get("entity"):
        case "session":
            return session_from_item(item)
        case "card":
            return CardState.model_validate(item)
        case "day":
            return ledger_day_from_item(item)
    raise TypeError(f"no export shape for the item {item['sk']} (entity {item.get('entity')!r})")


def _day_key(user_id: str, day: date) -> dict[str, Any]:
    return {"pk": {"S": user_pk(user_id)}, "sk": {"S": f"{DAY_PREFIX}{day.isoformat()}"}}


def ledger_day_from_item(item: dict[str, Any]) -> LedgerDay:
    return LedgerDay.model_validate({**item, "day": item["sk"].removeprefix(DAY_PREFIX)})


def due_queue_pk(user_id: str, queue: str) -> str:
    return f"{user_pk(user_id)}#{queue}"


def card_item(user_id: str, card: CardState) -> dict[str, Any]:
    """A card, in the due index under its queue: (re)learning cards apart from reviews, so that
    each queue is read in its own order with its own limit."""
    data = card.model_dump(mode="json")
    data["version"] = card.version + 1
    queue = LEARNING_QUEUE if is_learning(card.state) else REVIEW_QUEUE
    return {
        "pk": user_pk(user_id),
        "sk": f"CARD#{card.phrase_id}",
        "entity": "card",
        "due_pk": due_queue_pk(user_id, queue),
        "due_at": utc_iso(card.due),
        **data,
    }


def _course_pk(course_id: str) -> str:
    return f"COURSE#{course_id}"


def _attribute(value: Any) -> dict[str, Any]:  # noqa: PLR0911 - one return per attribute type
    """A Python value as a DynamoDB attribute value. Our items hold only JSON-shaped data (and
    compressed bytes), so this small mapping replaces boto3's TypeSerializer, whose import brings
    boto3 and s3transfer into every cold start; floats go through repr so they round-trip exactly."""
    match value:
        case None:
            return {"NULL": True}
        case bool():
            return {"BOOL": value}
        case str():
            return {"S": value}
        case bytes():
            return {"B": value}
        case int() | float():
            return {"N": repr(value)}
        case list() | tuple():
            return {"L": [_attribute(inner) for inner in value]}
        case dict():
            return {"M": {key: _attribute(inner) for key, inner in value.items()}}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def _value(attribute: Mapping[str, Any]) -> Any:
    [(kind, raw)] = attribute.items()
    match kind:
        case "S" | "BOOL" | "B":
            return raw
        case "N":
            return float(raw) if any(mark in raw for mark in ".eE") else int(raw)
        case "NULL":
            return None
        case "L":
            return [_value(inner) for inner in raw]
        case "M":
            return {key: _value(inner) for key, inner in raw.items()}
    raise TypeError(f"unexpected DynamoDB attribute type {kind}")


def stored_size(item: Mapping[str, Any]) -> int:
    """A serialized item's size as DynamoDB counts it against its 400 KB limit, its 1 MB query
    pages and its capacity units: names plus values (strings and binary by their bytes, numbers
    at most 21, lists and maps 3 plus 1 per element)."""

    def size(attribute: Mapping[str, Any]) -> int:
        [(kind, raw)] = attribute.items()
        match kind:
            case "S":
                return len(raw.encode())
            case "B":
                return len(raw)
            case "N":
                return 21
            case "L":
                return 3 + sum(1 + size(inner) for inner in raw)
            case "M":
                return 3 + sum(1 + len(name.encode()) + size(inner) for name, inner in raw.items())
        return 1  # BOOL, NULL

    return sum(len(name.encode()) + size(attribute) for name, attribute in item.items())


def serialize_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _attribute(value) for key, value in item.items()}


def deserialize_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _value(value) for key, value in item.items()}
