"""moto's DynamoDB transactions, made cheap and still exact.

moto backs up every table a TransactWriteItems touches with `copy.deepcopy` before applying it
(to roll back on failure), so each transaction costs time proportional to the whole table: with a
10,000-card learner, seconds per completion, and with the courses in the table, longer than the
functions' read timeout. Here the backup is a copy of the table's item maps holding the same item
objects (O(items) pointer copies), plus a deep copy of just the items the transaction updates:
moto replaces an item on a Put or a Delete, but changes it in place on an Update (an ADD to a
ledger day), so only those need their own copy for the rollback to be exact. The backup is made
without moto's `BaseModel.__new__`, which keeps every instance for its data API and so kept every
backup: ~40 MB of the emulator's memory per completion at 10,000 cards, until a full run was killed.
"""

import copy
import threading
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

from practice_local.cloud.embedded_dynamodb import EmbeddedDynamoDB

_updating = threading.local()  # the keys the current transaction updates, by table name


class _TableBackups:
    """Stands in for the `copy` module inside moto.dynamodb.models."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        backup = object.__new__(Table)  # type: ignore[type-abstract]  # untracked by moto: freed with the transaction
        backup.__dict__.update(value.__dict__)
        backup.items = defaultdict(
            dict,
            {key: dict(inner) if isinstance(inner, dict) else inner for key, inner in value.items.items()},
        )
        for key in getattr(_updating, "keys", {}).get(value.name, ()):
            _own_copy(backup, key)
        return backup


def _own_copy(backup: Table, key: dict[str, Any]) -> None:
    """Give the backup its own copy of the item at `key` (if there is one)."""
    hash_value = DynamoType(key[backup.hash_key_attr])
    if backup.range_key_attr is None:
        if hash_value in backup.items:
            backup.items[hash_value] = copy.deepcopy(backup.items[hash_value])
        return
    inner = backup.items.get(hash_value)
    range_value = DynamoType(key[backup.range_key_attr])
    if inner is not None and range_value in inner:
        inner[range_value] = copy.deepcopy(inner[range_value])


def _noting_updates(transact: Any) -> Any:
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        keys: dict[str, list[dict[str, Any]]] = {}
        for item in transact_items:
            if update := item.get("Update"):
                keys.setdefault(update["TableName"], []).append(update["Key"])
        _updating.keys = keys
        try:
            transact(self, transact_items)
        finally:
            _updating.keys = {}

    return transact_write_items


@contextmanager
def cheap_transaction_backups() -> Iterator[None]:
    """moto's transactions back tables up by copying item maps, and the items they update, meanwhile."""
    with (
        mock.patch.object(dynamodb_models, "copy", _TableBackups),
        mock.patch.object(
            DynamoDBBackend, "transact_write_items", _noting_updates(DynamoDBBackend.transact_write_items)
        ),
    ):
        yield


@contextmanager
def embedded_dynamodb() -> Iterator[str]:
    """An empty DynamoDB on 127.0.0.1 for the duration; yields its endpoint URL."""
    with cheap_transaction_backups(), EmbeddedDynamoDB() as server:
        try:
            yield server.endpoint_url
        finally:  # moto's state is per process: the next learner starts from nothing
            reset = urllib.request.Request(f"{server.endpoint_url}/moto-api/reset", method="POST")  # noqa: S310
            urllib.request.urlopen(reset, timeout=30).close()  # noqa: S310 - our own loopback URL
