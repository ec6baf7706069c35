"""The profile's use cases, and the two rules every feature applies to a learner's profile: a
learner who never practised has the defaults, and one being erased is gone."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from practice.domain.learner import SETTING_NAMES, LearnerSettings, Profile
from practice.domain.learner_day import parse_time_zone
from practice.domain.reminders import replanned
from practice.errors import AccountDeleting
from practice.profile.results import ProfileStatus
from practice.profile.store import ProfileReader, ProfileStore
from practice.runtime.clock import Clock
from practice.runtime.retry import Pause, retry_on_conflict


@dataclass(frozen=True, slots=True)
class NewProfiles:
    """The profile of a learner who never practised: the defaults, in their course."""

    settings: LearnerSettings
    course_id: str

    def new(self, user_id: str, time_zone: str | None = None) -> Profile:
        settings = self.settings.model_dump()
        if time_zone is not None:
            settings["time_zone"] = time_zone
        return Profile(user_id=user_id, course_id=self.course_id, **settings)

    def stored_or_new(self, store: ProfileReader, user_id: str) -> Profile:
        """The learner's profile as the API shows it: the defaults for one never seen or gone."""
        return visible_profile(store, user_id) or self.new(user_id)


def visible_profile(store: ProfileReader, user_id: str) -> Profile | None:
    """The stored profile; None for a learner who never practised or is being erased."""
    try:
        return store.get_profile(user_id)
    except AccountDeleting:
        return None


# What a learner may change with an update: the settings, and the active course
PROFILE_CHOICES = SETTING_NAMES | {"course_id"}


class KnownCourses(Protocol):
    """The catalog, as the profile needs it (courses.service.CourseCatalog)."""

    def require(self, course_id: str) -> object:
        """Raises UnknownCourse for a course that is not loaded."""
        ...


class ProfileService:
    def __init__(
        self, store: ProfileStore, profiles: NewProfiles, courses: KnownCourses, clock: Clock, pause: Pause
    ) -> None:
        self._store = store
        self._profiles = profiles
        self._courses = courses
        self._clock = clock
        self._pause = pause  # between optimistic-concurrency retries; tests pass a fake

    def get_profile(self, user_id: str) -> ProfileStatus:
        """The learner's profile; a learner who never practised, or is gone, sees the defaults."""
        return ProfileStatus(self._profiles.stored_or_new(self._store, user_id), self._clock())

    def update_profile(self, user_id: str, changes: Mapping[str, object]) -> ProfileStatus:
        """Change the learner's settings or course (one conditional write; retried if the profile
        moved). A new day-start hour or zone applies from the learner's next day; streaks are kept.
        A new course applies from the next pack, where the learner left it (progress is kept per
        course). `changes` names PROFILE_CHOICES; None leaves one as it is. Anything refused is
        refused before any write."""
        update = {name: value for name, value in changes.items() if value is not None}
        if unknown := update.keys() - PROFILE_CHOICES:
            raise TypeError(f"not a learner setting: {', '.join(sorted(unknown))}")
        if isinstance(zone := update.get("time_zone"), str):
            parse_time_zone(zone)
        if isinstance(course_id := update.get("course_id"), str):
            self._courses.require(course_id)

        def save() -> ProfileStatus:
            stored = self._store.get_profile(user_id) or self._profiles.new(user_id)
            changes = dict(update)
            if isinstance(reminders := changes.get("reminders"), Mapping):  # the fields given change
                given = {name: value for name, value in reminders.items() if value is not None}
                changes["reminders"] = stored.reminders.model_dump() | given
            # validated whole, so a change arrives in the stored types (easy days as enums), and
            # the next reminder planned with the new settings
            profile = replanned(Profile.model_validate(stored.model_dump() | changes), self._clock())
            if profile != stored or stored.version == 0:
                self._store.save_profile(profile)
            return ProfileStatus(profile, self._clock())

        return retry_on_conflict(save, pause=self._pause)
