"""What the courses feature needs of persistence."""

from typing import Protocol

from practice.domain.content import Course


class CourseStore(Protocol):
    def load_course(self, course_id: str) -> Course | None: ...

    def put_course(self, course: Course) -> None:
        """Replace the course whole (loading the same course again changes nothing)."""
        ...
