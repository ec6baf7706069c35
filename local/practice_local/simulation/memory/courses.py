"""The courses feature's memory store."""

from practice.domain.content import Course, CourseSummary
from practice_local.simulation.memory.table import OnTable, atomic


class MemoryCourseStore(OnTable):
    @atomic
    def load_course(self, course_id: str) -> Course | None:
        return self.table.courses.get(course_id)

    @atomic
    def list_courses(self) -> list[CourseSummary]:
        return [self.table.courses[course_id].summary() for course_id in sorted(self.table.courses)]

    @atomic
    def put_course(self, course: Course) -> None:
        self.table.courses[course.course_id] = course.loaded_over(self.table.courses.get(course.course_id))
