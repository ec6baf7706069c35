"""Course content: reading the shipped data files, loading them into the table, and a
per-container cache so a warm function reads a course from DynamoDB once, not per request."""

import json
import time
from collections.abc import Callable
from pathlib import Path

from practice.courses.results import CourseChoice
from practice.courses.store import CourseStore
from practice.domain.content import Course, CourseSummary
from practice.errors import CourseNotLoaded, UnknownCourse
from practice.profile.service import NewProfiles


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
    """Courses by id, and the list of every course, read through to the store and kept for
    `max_age_seconds`: a warm container reads each once, and a course loaded since is seen."""

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
        self._listed: tuple[float, tuple[CourseSummary, ...]] | None = None

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

    def listing(self, *, fresh: bool = False) -> tuple[CourseSummary, ...]:
        """Every course loaded, by id (`fresh`: read again, whatever the cache holds)."""
        now = self._clock()
        if fresh or self._listed is None or now - self._listed[0] >= self._max_age:
            self._listed = (now, tuple(sorted(self._store.list_courses(), key=lambda c: c.course_id)))
        return self._listed[1]

    def require(self, course_id: str) -> CourseSummary:
        """The course's summary; UnknownCourse when no course of that id is loaded (the list is
        read again first, so a course loaded a moment ago is known)."""
        for fresh in (False, True):
            if summary := next((c for c in self.listing(fresh=fresh) if c.course_id == course_id), None):
                return summary
        raise UnknownCourse(f"no course '{course_id}'; GET /api/v2/practice/courses lists them")


class CourseService:
    def __init__(self, store: CourseStore, catalog: CourseCatalog, profiles: NewProfiles) -> None:
        self._store = store
        self._catalog = catalog
        self._profiles = profiles

    def list_courses(self, user_id: str) -> list[CourseChoice]:
        """Every course, with the learner's place in each: the catalog (cached by the container)
        and one read of the profile."""
        profile = self._profiles.stored_or_new(self._store, user_id)
        return [
            CourseChoice(
                summary,
                active=summary.course_id == profile.course_id,
                phrases_introduced=profile.progress_in(summary.course_id).next_new_position,
            )
            for summary in self._catalog.listing()
        ]
