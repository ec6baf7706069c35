"""The workload feature's memory store."""

from datetime import date

from practice_local.simulation.memory.table import OnTable, atomic


class MemoryWorkloadStore(OnTable):
    @atomic
    def due_per_day(self, user_id: str, course_id: str) -> dict[date, int]:
        return dict(self.table.due_days.get((user_id, course_id), {}))
