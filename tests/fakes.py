"""What tests put in place of the cloud: the in-memory stores (one per store Protocol, in
local/practice_local/simulation/memory/, which simulations practise on too), every store of one
backend under one name, queues that record what they are asked, and interleavings of requests."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from practice.account.queue import ErasureRequest
from practice.compose import ApiServices, ApiStores, build_api, dynamodb_stores, fit_store
from practice.domain.learner import CardState, LearnerRecord
from practice.domain.reminders import Device
from practice.dynamodb.account import DynamoErasureStore
from practice.dynamodb.table import Table
from practice.errors import ConcurrentUpdate
from practice.fitting.queue import FitRequest
from practice.runtime.settings import Settings
from practice_local.simulation.memory import MemoryErasureStore, MemoryFitStore, MemoryTable, memory_stores


class AllStores:
    """Every store of one backend under one name, for tests that arrange or inspect the stored
    state directly: each attribute comes from the first part that has it (the memory table's
    own state first: `writes`, `profiles`, `cards`...)."""

    def __init__(self, stores: ApiStores, *parts: object, in_memory: bool) -> None:
        self.stores = stores
        self.in_memory = in_memory
        self._parts = (
            *parts,
            stores.sessions,
            stores.profile,
            stores.progress,
            stores.account,
            stores.courses,
            stores.workload,
            stores.phrasebook,
            stores.reminders,
        )

    def cards_of(self, user_id: str, course_id: str = "es-en") -> dict[str, CardState]:
        """The learner's cards of one course, by phrase: every stored one, read as the export does."""
        return {
            r.phrase_id: r
            for r in self._records_of(user_id)
            if isinstance(r, CardState) and r.course_id == course_id
        }

    def devices_of(self, user_id: str) -> list[Device]:
        """The learner's stored device items, read as the export does (not from the profile's list)."""
        return [r for r in self._records_of(user_id) if isinstance(r, Device)]

    def _records_of(self, user_id: str) -> list[LearnerRecord]:
        records, after = [], None
        while True:
            page, after = self.stores.account.export_records(user_id, after, 1_000_000)
            records += page
            if after is None:
                return records

    def __getattr__(self, name: str) -> Any:
        for part in self._parts:
            if hasattr(part, name):
                return getattr(part, name)
        raise AttributeError(name)


def in_memory(courses: Path | None = None) -> AllStores:
    table = MemoryTable()
    return AllStores(
        memory_stores(table, courses), table, MemoryFitStore(table), MemoryErasureStore(table), in_memory=True
    )


def on_dynamodb(client: Any, table_name: str) -> AllStores:
    stores = dynamodb_stores(client, table_name)
    return AllStores(
        stores, fit_store(client, table_name), DynamoErasureStore(Table(client, table_name)), in_memory=False
    )


class RecordingQueue:
    """A queue (the erasure queue, the optimizer's) that keeps what it is asked to do, as the
    function at its other end would receive it."""

    def __init__(self) -> None:
        self.requests: list[Any] = []

    def request(self, message: ErasureRequest | FitRequest) -> None:
        self.requests.append(message)


class Interleaved:
    """A store whose calls of chosen methods first let "another request" act: a rival's
    whole request, or a conflict as DynamoDB reports one. Each step runs once, in order, before
    the next call of its method; every other call goes straight to the store underneath."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self._steps: dict[str, list[Callable[[], object]]] = {}

    def before(self, method: str, *steps: Callable[[], object]) -> "Interleaved":
        self._steps.setdefault(method, []).extend(steps)
        return self

    def pending(self, method: str) -> int:
        return len(self._steps.get(method, []))

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)
        steps = self._steps.get(name)
        if steps is None:
            return method

        def interleaved(*args: Any, **kwargs: Any) -> Any:
            if steps:
                steps.pop(0)()
            return method(*args, **kwargs)

        return interleaved


def conflict() -> None:
    """What a conditional write says when another request wrote first."""
    raise ConcurrentUpdate("another request wrote first")


def services_on(
    stores: object,
    clock: Callable[[], Any],
    settings: Any = None,
    *,
    erasures: Any = None,
    fits: Any = None,
    push: Any = None,
) -> ApiServices:
    """The API's services from the composition root, every feature on `stores` (an AllStores, or
    one wrapped in Interleaved), with no pause between retries."""
    every = ApiStores(*[stores] * len(ApiStores.__dataclass_fields__))  # type: ignore[arg-type]
    return build_api(
        settings or Settings(),
        every,
        erasures=erasures if erasures is not None else RecordingQueue(),
        fits=fits,
        push=push,
        clock=clock,
        pause=lambda _: None,
    )
