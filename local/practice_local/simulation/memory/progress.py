"""The progress feature's memory store."""

from datetime import date

from practice.domain.learner import LedgerDay
from practice_local.simulation.memory.table import OnTable, atomic


class MemoryProgressStore(OnTable):
    @atomic
    def ledger_days(self, user_id: str, first: date, last: date) -> list[LedgerDay]:
        days = sorted(self.table.days.items())
        return [day for (uid, on), day in days if uid == user_id and first <= on <= last]
