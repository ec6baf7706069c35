"""Course content: reading the shipped data files, loading them into the table, and a
per-container cache so a warm function reads a course from DynamoDB once, not per request."""

import json
import time
from collections.abc import Callable
from pathlib import Path

from practice.courses.store import CourseStore
from practice.domain.content import Course
from practice.errors import CourseNotLoaded


def read_course_file(path: Path) -> Course:
    return Course.model_validate(json.loads(path.read_text(encoding="utf-8")))


def load_courses(store: CourseStore, directory: Path) -> list[Course]:
    """Put every course file of `directory` into the table (the one loader for deploy, local
    runs and tests). Loading is idempotent."""
    courses = [read_course_file(path) for path in sorted(directory.glob("*.json"))]
    for course in courses:
        store.put_course(course)
    return courses


class CourseCatalog:
    """Courses by id, read through to the store and kept for `max_age_seconds`."""

    def __init__(
        self,
        store: CourseStore,
        max_age_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._max_age = max_age_seconds
        self._clock = clock
        self._cached: dict[str, tuple[float, Course]] = {}

    def get(self, course_id: str) -> Course:
        now = self._clock()
        cached = self._cached.get(course_id)
        if cached and now - cached[0] < self._max_age:
            return cached[1]
        course = self._store.load_course(course_id)
        if course is None:
            raise CourseNotLoaded(f"course '{course_id}' has no content; load it with `make load-course`")
        self._cached[course_id] = (now, course)
        return course
