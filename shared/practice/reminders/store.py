"""What reminders need of persistence: the learner's devices, and the learners whose next reminder
falls before a time (a sparse index keyed by it, spread over shards so that no index partition
takes every learner of an evening)."""

import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from practice.domain.learner import Profile
from practice.domain.reminders import Device
from practice.profile.store import ProfileStore

REMINDER_SHARDS = 16
BATCH_GET_MOST = 100  # the learners (and devices) read in one batch, as BatchGetItem takes them


def reminder_shard(user_id: str) -> int:
    return zlib.crc32(user_id.encode()) % REMINDER_SHARDS


class ReminderStore(ProfileStore, Protocol):
    def devices(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Device]:
        """The devices of these (user id, device id) keys that exist, by key (the profile lists a
        learner's device ids: one batch read serves many learners)."""
        ...

    def add_device(self, profile: Profile, device: Device, replaced: Device | None) -> None:
        """Store a new device and `profile` (read at its version) together, deleting `replaced`
        when given. Raises ConcurrentUpdate when the profile moved or the device is there."""
        ...

    def touch_device(self, user_id: str, device: Device) -> None:
        """Store what an existing device's app said again (version, locale, endpoint, last seen)."""
        ...

    def remove_device(self, profile: Profile, device_id: str) -> None:
        """Delete the device and store `profile` (read at its version) together. Raises
        ConcurrentUpdate when the profile moved or the device is gone."""
        ...

    def reminders_due(self, shard: int, before: datetime, after: str | None) -> tuple[list[str], str | None]:
        """A page of the learners of `shard` whose next reminder falls before `before`, and the
        position to go on after (None: done). Keys only, from the sparse index."""
        ...

    def profiles_of(self, user_ids: Sequence[str]) -> list[Profile]:
        """The learners' stored profiles (consistent reads); those gone or being erased left out."""
        ...
