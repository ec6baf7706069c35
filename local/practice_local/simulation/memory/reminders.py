"""The reminders feature's memory store (devices in the table; the reminder index a scan of the
profiles, as a fake may: the DynamoDB store reads a sparse index) and push channel."""

import threading
from collections.abc import Sequence
from datetime import datetime

from practice.domain.learner import Profile
from practice.domain.reminders import Device, Message, Platform, device_id
from practice.errors import ConcurrentUpdate
from practice.reminders.push import Endpoint
from practice.reminders.store import reminder_shard
from practice_local.simulation.memory.profile import MemoryProfileStore
from practice_local.simulation.memory.table import atomic


class MemoryReminderStore(MemoryProfileStore):
    @atomic
    def devices(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Device]:
        stored = self.table.registered_devices
        return {key: stored[key] for key in keys if key in stored}

    @atomic
    def add_device(self, profile: Profile, device: Device, replaced: Device | None) -> None:
        table = self.table
        table.check_profile(profile)
        if (profile.user_id, device.device_id) in table.registered_devices:
            raise ConcurrentUpdate("the device was registered during the request")
        if replaced is not None and (profile.user_id, replaced.device_id) not in table.registered_devices:
            raise ConcurrentUpdate("the device was removed during the request")
        if replaced is not None:
            del table.registered_devices[profile.user_id, replaced.device_id]
        table.registered_devices[profile.user_id, device.device_id] = device
        table.store_profile(profile)
        table.writes += 1

    @atomic
    def touch_device(self, user_id: str, device: Device) -> None:
        if (user_id, device.device_id) not in self.table.registered_devices:
            raise ConcurrentUpdate("the device was removed during the request")
        self.table.registered_devices[user_id, device.device_id] = device
        self.table.writes += 1

    @atomic
    def remove_device(self, profile: Profile, device_id: str) -> None:
        table = self.table
        table.check_profile(profile)
        if table.registered_devices.pop((profile.user_id, device_id), None) is None:
            raise ConcurrentUpdate("the device was removed during the request")
        table.store_profile(profile)
        table.writes += 1

    @atomic
    def reminders_due(self, shard: int, before: datetime, after: str | None) -> tuple[list[str], str | None]:
        due = sorted(
            (profile.reminder_state.next_at, user_id)
            for user_id, profile in self.table.profiles.items()
            if profile.reminder_state.next_at is not None
            and profile.reminder_state.next_at < before
            and reminder_shard(user_id) == shard
            and user_id not in self.table.tombstones
        )
        return [user_id for _, user_id in due], None

    @atomic
    def profiles_of(self, user_ids: Sequence[str]) -> list[Profile]:
        table = self.table
        return [table.profiles[u] for u in user_ids if u in table.profiles and u not in table.tombstones]


class RecordingPush:
    """The push channel, in memory: endpoints by ARN (one per platform and token, as SNS keeps
    them), every message pushed, and endpoints the test disables (an uninstalled app)."""

    def __init__(self, platforms: Sequence[Platform] = tuple(Platform)) -> None:
        self.platforms = set(platforms)  # those with a platform application: the others are off
        self.endpoints: dict[str, tuple[Platform, str, str]] = {}  # ARN: platform, token, owner
        self.disabled: set[str] = set()
        self.sent: list[tuple[str, Message]] = []  # ARN, message
        self.lock = threading.Lock()

    def endpoint(self, platform: Platform, token: str, user_id: str) -> Endpoint:
        if platform not in self.platforms:
            return Endpoint(None, None)
        arn = f"arn:aws:sns:local:000000000000:endpoint/{platform}/app/{device_id(platform, token)}"
        with self.lock:
            owner = self.endpoints.get(arn, (platform, token, user_id))[2]
            self.endpoints[arn] = (platform, token, user_id)
            self.disabled.discard(arn)
        return Endpoint(arn, owner if owner != user_id else None)

    def send(self, endpoint_arn: str, message: Message) -> bool:
        with self.lock:
            if endpoint_arn in self.disabled or endpoint_arn not in self.endpoints:
                return False
            self.sent.append((endpoint_arn, message))
        return True

    def delete(self, endpoint_arn: str) -> None:
        with self.lock:
            self.endpoints.pop(endpoint_arn, None)

    def sent_to(self, user_id: str) -> list[Message]:
        """The messages pushed to the endpoints `user_id` owns now."""
        with self.lock:
            return [m for arn, m in self.sent if arn in self.endpoints and self.endpoints[arn][2] == user_id]
