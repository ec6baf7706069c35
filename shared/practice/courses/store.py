"""What the courses feature needs of persistence."""

from typing import Protocol

from practice.domain.content import Course, CourseSummary
from practice.profile.store import ProfileReader


class CourseStore(ProfileReader, Protocol):
    def load_course(self, course_id: str) -> Course | None: ...

    def list_courses(self) -> list[CourseSummary]:
        """Every course loaded, by id: one bounded read, whatever the courses' sizes."""
        ...

    def put_course(self, course: Course) -> None:
        """Replace the course whole, its catalog entry last (loading the same course again
        changes nothing)."""
        ...
