"""The benchmark's DynamoDB: the project's embedded moto server on loopback, in this process,
emptied on exit, and with one emulator cost that real DynamoDB does not have taken out.

moto backs up every table a TransactWriteItems touches with `copy.deepcopy` before applying it
(to roll back on failure), so each transaction costs time proportional to the whole table: with a
10,000-card learner, seconds per completion. Here the backup is a copy of the table's item maps
holding the same item objects: O(items) pointer copies instead of a deep copy. It is made without
moto's `BaseModel.__new__`, which keeps every instance for its data API and so kept every backup:
~40 MB of the emulator's memory per completion at 10,000 cards, until a full run was killed. That rollback is
exact for Put, Delete and ConditionCheck (moto replaces items, it does not change them in place),
which is all this API's transactions use; the benchmark fails on any unsuccessful call anyway.
"""

import copy
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models.table import Table

from practice_local.cloud.embedded_dynamodb import EmbeddedDynamoDB


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
        return backup


@contextmanager
def cheap_transaction_backups() -> Iterator[None]:
    """moto's transactions back tables up by copying item maps, not every item, meanwhile."""
    with mock.patch.object(dynamodb_models, "copy", _TableBackups):
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
