"""In-memory stores, one per store Protocol, over one in-memory table (table.py): the same
conditions as the DynamoDB stores (sessions never overwritten, versioned profile and cards,
completion only of an open session, all-or-nothing writes), on plain dicts. Unit tests use them
as fakes; simulations (make bench-srs) practise on them. tests/integration/test_learning_loop.py
runs the same scenarios on these and on DynamoDB, so they cannot drift unnoticed."""

from pathlib import Path

from practice.compose import ApiStores
from practice.courses.service import load_courses
from practice_local.simulation.memory.account import MemoryAccountStore, MemoryErasureStore
from practice_local.simulation.memory.courses import MemoryCourseStore
from practice_local.simulation.memory.fitting import MemoryFitStore
from practice_local.simulation.memory.phrasebook import MemoryPhrasebookStore
from practice_local.simulation.memory.profile import MemoryProfileStore
from practice_local.simulation.memory.progress import MemoryProgressStore
from practice_local.simulation.memory.reminders import MemoryReminderStore, RecordingPush
from practice_local.simulation.memory.sessions import MemorySessionStore
from practice_local.simulation.memory.table import MemoryTable
from practice_local.simulation.memory.workload import MemoryWorkloadStore

__all__ = ["MemoryErasureStore", "MemoryFitStore", "MemoryTable", "RecordingPush", "memory_stores"]


def memory_stores(table: MemoryTable, courses: Path | None = None) -> ApiStores:
    """The API's stores on `table`, with the course files of `courses` loaded when given."""
    stores = ApiStores(
        sessions=MemorySessionStore(table),
        profile=MemoryProfileStore(table),
        progress=MemoryProgressStore(table),
        account=MemoryAccountStore(table),
        courses=MemoryCourseStore(table),
        workload=MemoryWorkloadStore(table),
        phrasebook=MemoryPhrasebookStore(table),
        reminders=MemoryReminderStore(table),
    )
    if courses is not None:
        load_courses(stores.courses, courses)
    return stores
