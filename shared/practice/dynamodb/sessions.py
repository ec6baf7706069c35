"""The sessions feature's store: sessions, the cards they reschedule, and the ledger days their
completions add to."""

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from practice.domain.completion import Completion
from practice.domain.learner import (
    LEDGER_COUNTERS,
    CardState,
    DueCard,
    DueCards,
    LedgerDay,
    Profile,
    Session,
    utc_iso,
)
from practice.domain.limits import SYNC_LOG_DAYS
from practice.domain.phrasebook import card_change
from practice.domain.quotas import QuotaWindow
from practice.dynamodb import keys
from practice.dynamodb.codec import deserialize_item, serialize_item
from practice.dynamodb.items import (
    DUE_CARD_PROJECTION,
    card_from_item,
    card_item,
    due_card_from_item,
    due_days_from_item,
    profile_from_item,
    profile_item,
    session_from_item,
    session_item,
    sync_entry_item,
)
from practice.dynamodb.profile import ProfileReads
from practice.dynamodb.quotas import count_against
from practice.errors import StoreUnavailable

# What tells a session's write applied: its state, and for a completion the results it recorded
_COMMIT_MARKS = ("status", "results_digest", "started_at")


class DynamoSessionStore(ProfileReads):
    def due_cards(
        self, user_id: str, course_id: str, due_before: datetime, *, learning_limit: int, review_limit: int
    ) -> DueCards:
        learning_queue = keys.due_queue_pk(user_id, course_id, keys.LEARNING_QUEUE)
        review_queue = keys.due_queue_pk(user_id, course_id, keys.REVIEW_QUEUE)
        learning = self._due(learning_queue, due_before, learning_limit, oldest_first=True)
        reviews = self._due(review_queue, due_before, review_limit, oldest_first=False)
        return DueCards(learning=learning, reviews=reviews)

    def _due(
        self, queue: str, due_before: datetime, limit: int, *, oldest_first: bool
    ) -> tuple[DueCard, ...]:
        if limit == 0:
            return ()
        items, _ = self._table.query(
            IndexName=keys.DUE_INDEX,
            KeyConditionExpression="due_pk = :queue AND due_at < :before",
            ExpressionAttributeValues={
                ":queue": {"S": queue},
                ":before": {"S": utc_iso(due_before)},
            },
            ProjectionExpression=DUE_CARD_PROJECTION,
            Limit=limit,
            ScanIndexForward=oldest_first,
        )
        return tuple(due_card_from_item(deserialize_item(item)) for item in items)

    def start_session(
        self,
        session: Session,
        profile: Profile,
        *,
        store_profile: bool,
        retired: Sequence[str] = (),
        quota: QuotaWindow | None = None,
    ) -> None:
        session_put = {"TableName": self._table.name, "Item": serialize_item(session_item(session))}
        session_put["ConditionExpression"] = "attribute_not_exists(pk)"
        writes: list[dict[str, Any]] = [{"Put": session_put}]
        if retired:  # a change to the course's cards: the profile numbers its sync log entry
            writes += self._logged_change(profile, session.course_id, retired=retired)
        elif store_profile:
            writes.append({"Put": self._table.versioned_put(profile_item(profile), profile.version)})
        else:  # unchanged, but still the one read: a deletion begun meanwhile cancels the start
            writes.append({"ConditionCheck": self._still_version(profile)})
        pk = keys.user_pk(session.user_id)
        card_keys = [keys.card_key(session.course_id, phrase_id) for phrase_id in retired]
        # The day each is counted on is on the card alone (the due index does not project it):
        # one more read, only on the rare start that retires cards (after a course edit)
        cards = self._table.batch_get(pk, card_keys, projection="sk, due_day, version") if retired else {}
        writes += [{"Update": self._retire(pk, card_sk, cards.get(card_sk))} for card_sk in card_keys]
        counted = Counter(card["due_day"] for card in cards.values() if card.get("due_day"))
        if counted:
            minus = {date.fromisoformat(day): -count for day, count in counted.items()}
            writes.append({"Update": self._count_due(session.user_id, session.course_id, minus, ())})
        refusals: dict[int, Exception] = {}
        if quota is not None:  # counted in the same request: a quota costs a start no round trip
            refusals[len(writes)] = quota.refusal(session.started_at)
            writes.append({"Update": count_against(self._table.name, session.user_id, quota)})
        self._transact_checked(writes, session, refusals=refusals)

    def _logged_change(
        self, profile: Profile, course_id: str, *, changed: Sequence[str] = (), retired: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """The profile, with the course's sync log one entry longer, and that entry (kept
        SYNC_LOG_DAYS from the write by the table's TTL, whose clock is DynamoDB's own)."""
        logged, entry = card_change(profile, course_id, changed=changed, retired=retired)
        expires_at = int(time.time()) + SYNC_LOG_DAYS * 86_400
        entry_put = {
            "TableName": self._table.name,
            "Item": serialize_item(sync_entry_item(profile.user_id, course_id, entry, expires_at)),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        return [{"Put": self._table.versioned_put(profile_item(logged), profile.version)}, {"Put": entry_put}]

    def _still_version(self, profile: Profile) -> dict[str, Any]:
        return {
            "TableName": self._table.name,
            "Key": keys.key(keys.user_pk(profile.user_id), keys.PROFILE_SK),
            "ConditionExpression": "version = :read_version",
            "ExpressionAttributeValues": {":read_version": {"N": str(profile.version)}},
        }

    def _retire(self, pk: str, card_sk: str, card: dict[str, Any] | None) -> dict[str, Any]:
        """Take a card out of the due index and out of the cards due per day (its FSRS state
        stays): its phrase left the course. Conditioned on the version read, so a completion
        that moved the card meanwhile makes the start read again; a new version, so a
        completion that read the card before is recomputed."""
        return {
            "TableName": self._table.name,
            "Key": keys.key(pk, card_sk),
            "UpdateExpression": "REMOVE due_pk, due_at, due_day SET retired = :retired ADD version :one",
            "ConditionExpression": "version = :read_version",
            "ExpressionAttributeValues": {
                ":retired": {"BOOL": True},
                ":one": {"N": "1"},
                ":read_version": {"N": str(card["version"] if card else -1)},  # gone: refused
            },
        }

    def _count_due(
        self, user_id: str, course_id: str, added: Mapping[date, int], emptied: Sequence[date]
    ) -> dict[str, Any]:
        """ADD to the days whose counts change and REMOVE the days found empty: without reading
        the item, so concurrent changes add up (and the item stays as small as its days)."""
        names = {f"#d{n}": day.isoformat() for n, day in enumerate((*added, *emptied))}
        placeholders = list(names)
        values: dict[str, Any] = {":entity": {"S": "due_days"}}
        adds = []
        for n, (name, delta) in enumerate(zip(placeholders, added.values(), strict=False)):
            values[f":n{n}"] = {"N": str(delta)}
            adds.append(f"{name} :n{n}")
        expression = "SET entity = :entity"
        if adds:
            expression += " ADD " + ", ".join(adds)
        if emptied:
            expression += " REMOVE " + ", ".join(placeholders[len(added) :])
        return {
            "TableName": self._table.name,
            "Key": keys.key(keys.user_pk(user_id), keys.due_days_sk(course_id)),
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }

    def get_session(self, user_id: str, session_id: str) -> Session | None:
        """The session, read with the profile (one request) to see whether the learner is being
        erased: then AccountDeleting, whatever is left of their items."""
        items = self._table.batch_get(keys.user_pk(user_id), [keys.session_sk(session_id), keys.PROFILE_SK])
        if keys.PROFILE_SK in items:
            profile_from_item(items[keys.PROFILE_SK])
        session = items.get(keys.session_sk(session_id))
        return session_from_item(session) if session else None

    def load_for_completion(
        self, user_id: str, session_id: str, phrase_ids: list[str]
    ) -> tuple[Session | None, Profile | None, dict[str, CardState], dict[date, int]]:
        pk = keys.user_pk(user_id)
        items = self._table.batch_get(pk, [keys.session_sk(session_id), keys.PROFILE_SK])
        session_found, profile_found = items.get(keys.session_sk(session_id)), items.get(keys.PROFILE_SK)
        profile = profile_from_item(profile_found) if profile_found else None
        session = session_from_item(session_found) if session_found else None
        if session is None or not session.is_open or not phrase_ids:
            return session, profile, {}, {}
        # The cards are the session's course's, which only the session tells: a second read,
        # with the course's cards due per day, which spreading the reviews weighs
        counts_sk = keys.due_days_sk(session.course_id)
        card_keys = [keys.card_key(session.course_id, phrase_id) for phrase_id in phrase_ids]
        found = self._table.batch_get(pk, [*card_keys, counts_sk])
        counts = due_days_from_item(found.pop(counts_sk, None))
        cards = {keys.phrase_of_card(sk): card_from_item(item) for sk, item in found.items()}
        return session, profile, cards, counts

    def complete_session(self, completion: Completion) -> None:
        session, profile, user_id = completion.session, completion.profile, completion.profile.user_id
        session_put = {
            "TableName": self._table.name,
            "Item": serialize_item(session_item(session)),
            "ConditionExpression": "#status = :open",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":open": {"S": "open"}},
        }
        writes: list[dict[str, Any]] = [{"Put": session_put}]
        if completion.cards:  # the cards' writes are the sync log's next entry
            changed = [card.phrase_id for card in completion.cards]
            writes += self._logged_change(profile, session.course_id, changed=changed)
        else:
            writes.append({"Put": self._table.versioned_put(profile_item(profile), profile.version)})
        if completion.ledger is not None:
            writes.append({"Update": self._add_to_day(user_id, completion.ledger)})
        writes += [{"Update": self._freeze_day(user_id, day)} for day in completion.frozen_days]
        if changes := completion.workload:
            writes.append(
                {"Update": self._count_due(user_id, session.course_id, changes.added, changes.emptied)}
            )
        writes += [
            {"Put": self._table.versioned_put(card_item(user_id, card), card.version)}
            for card in completion.cards
        ]
        self._transact_checked(writes, session, session_index=0)

    def _transact_checked(
        self,
        writes: list[dict[str, Any]],
        session: Session,
        session_index: int | None = None,
        refusals: Mapping[int, Exception] | None = None,
    ) -> None:
        """The transaction; when it ends in StoreUnavailable, whether it was applied all the same.

        A transaction whose answer was lost (a timeout, a dropped connection) and whose SDK
        retries (the same ClientRequestToken, which DynamoDB applies once) went unanswered too may
        have been applied. Answering 503 then would leave a session started that the app never
        hears of (its retry starts another), or a completion the app is told failed. A transaction
        is all or nothing, so the session's own item says which: one consistent read, on this rare
        path only. When that read fails too, the doubt and the 503 stand."""
        try:
            self._table.transact(writes, session_index=session_index, refusals=refusals)
        except StoreUnavailable:
            try:
                stored = self._table.get(keys.user_pk(session.user_id), keys.session_sk(session.session_id))
            except StoreUnavailable:
                stored = None
            written = session_item(session)
            if stored is None or any(stored.get(name) != written.get(name) for name in _COMMIT_MARKS):
                raise

    def _add_to_day(self, user_id: str, ledger: LedgerDay) -> dict[str, Any]:
        """ADD the session's figures to its day's ledger item (created by the first one), so that
        sessions of one day, uploaded in any order, add up without reading the item first."""
        values = {f":{name}": {"N": str(getattr(ledger, name))} for name in LEDGER_COUNTERS}
        values |= {":goal_xp": {"N": str(ledger.goal_xp)}, ":entity": {"S": "day"}}
        counters = ", ".join(f"{name} :{name}" for name in LEDGER_COUNTERS)
        return {
            "TableName": self._table.name,
            "Key": keys.key(keys.user_pk(user_id), keys.day_sk(ledger.day)),
            "UpdateExpression": f"ADD {counters} SET goal_xp = :goal_xp, entity = :entity",
            "ExpressionAttributeValues": values,
        }

    def _freeze_day(self, user_id: str, day: date) -> dict[str, Any]:
        return {
            "TableName": self._table.name,
            "Key": keys.key(keys.user_pk(user_id), keys.day_sk(day)),
            "UpdateExpression": "SET frozen = :frozen, entity = :entity",
            "ExpressionAttributeValues": {":frozen": {"BOOL": True}, ":entity": {"S": "day"}},
        }

    def list_sessions(self, user_id: str, limit: int, after: str | None) -> tuple[list[Session], str | None]:
        pk = keys.user_pk(user_id)
        items, last_key = self._table.query(
            keys.key(pk, keys.session_sk(after)) if after is not None else None,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": pk}, ":prefix": {"S": keys.session_sk.prefix}},
            ScanIndexForward=False,  # ULIDs sort by time: newest first
            Limit=limit,
        )
        sessions = [session_from_item(deserialize_item(item)) for item in items]
        return sessions, keys.session_sk.value_of(last_key["sk"]["S"]) if last_key else None
