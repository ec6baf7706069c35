"""What the courses feature answers with."""

from dataclasses import dataclass

from practice.domain.content import CourseSummary


@dataclass(frozen=True, slots=True)
class CourseChoice:
    """A course of the catalog, and where the learner stands in it."""

    course: CourseSummary
    active: bool  # the learner's course: their next pack comes from it
    phrases_introduced: int
