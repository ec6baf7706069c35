"""The integration tests' fixtures (handler + moto with the template's tables and the course),
with moto's transactions made independent of the table's size (see bench/emulator.py)."""

from collections.abc import Iterator

import pytest

from bench.emulator import cheap_transaction_backups
from tests.integration.conftest import api, dynamodb, dynamodb_requests, invoke, on_dynamodb_call

__all__ = ["api", "dynamodb", "dynamodb_requests", "invoke", "on_dynamodb_call"]


@pytest.fixture(autouse=True)
def transactions_independent_of_table_size() -> Iterator[None]:
    with cheap_transaction_backups():
        yield
