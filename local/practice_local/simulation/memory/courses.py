"""The courses feature's memory store."""

from practice.domain.content import Course
from practice_local.simulation.memory.table import MemoryTable


class MemoryCourseStore:
    def __init__(self, table: MemoryTable) -> None:
        self.table = table

    def load_course(self, course_id: str) -> Course | None:
        return self.table.courses.get(course_id)

    def put_course(self, course: Course) -> None:
        self.table.courses[course.course_id] = course
