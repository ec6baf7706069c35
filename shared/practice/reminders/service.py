"""Reminders' use cases: the app registers and removes its devices (DeviceService), and the
scheduled sender reminds the learners whose reminder falls in its window (ReminderSender). The
rules of when and what are domain/reminders.py's; this is their I/O."""

import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from practice.domain.learner import Profile
from practice.domain.reminders import (
    MAX_DEVICES,
    WINDOW,
    Device,
    Platform,
    ReminderKind,
    decide,
    device_id,
    message,
    with_devices,
)
from practice.errors import AccountDeleting, ConcurrentUpdate, DeviceNotFound, StoreUnavailable
from practice.profile.service import NewProfiles, visible_profile
from practice.reminders.push import PushChannel
from practice.reminders.results import DeviceRegistration, SenderRun, SentPush
from practice.reminders.store import BATCH_GET_MOST, REMINDER_SHARDS, ReminderStore
from practice.runtime.clock import Clock
from practice.runtime.retry import Pause, retry_on_conflict

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)


class DeviceService:
    def __init__(
        self, store: ReminderStore, push: PushChannel, profiles: NewProfiles, clock: Clock, pause: Pause
    ) -> None:
        self._store = store
        self._push = push
        self._profiles = profiles
        self._clock = clock
        self._pause = pause

    def register(
        self, user_id: str, platform: Platform, token: str, app_version: str, locale: str
    ) -> DeviceRegistration:
        """Register the app's push token: the same token again is the same device (its app version,
        locale and last-seen time updated). A sixth device replaces the one least recently seen.
        The token's push endpoint is made first, so a push service that cannot be reached leaves
        nothing written; a token another learner had (a shared phone) is taken from them."""
        endpoint = self._push.endpoint(platform, token, user_id)
        the_id = device_id(platform, token)
        if endpoint.previous_owner is not None:
            self._forget(endpoint.previous_owner, the_id)

        def save() -> DeviceRegistration:
            now = self._clock()
            profile = self._store.get_profile(user_id) or self._profiles.new(user_id)
            ids = profile.reminder_state.device_ids
            full = len(ids) >= MAX_DEVICES and the_id not in ids
            # the device itself when known (what it keeps), all of them when one must make room
            devices = self._store.devices([(user_id, d) for d in ids if d == the_id or full])
            known = devices.get((user_id, the_id))
            device = Device(
                device_id=the_id,
                platform=platform,
                token=token,
                endpoint_arn=endpoint.arn,
                app_version=app_version,
                locale=locale,
                registered_at=known.registered_at if known else now,
                last_seen_at=now,
            )
            if the_id in ids:
                self._store.touch_device(user_id, device)
                return DeviceRegistration(device, created=False)
            replaced = min(devices.values(), key=lambda d: d.last_seen_at) if full else None
            kept = [d for d in ids if replaced is None or d != replaced.device_id]
            self._store.add_device(with_devices(profile, [*kept, the_id], now), device, replaced)
            if replaced is not None:
                self._delete_endpoint(replaced.endpoint_arn, replaced.device_id)
            return DeviceRegistration(device, created=True)

        try:
            return retry_on_conflict(save, pause=self._pause)
        except AccountDeleting:  # the learner is being erased: their new endpoint goes too
            self._delete_endpoint(endpoint.arn, the_id)
            raise

    def remove(self, user_id: str, the_id: str) -> Device:
        """Remove the learner's device (another learner's, or one gone: DeviceNotFound) and its
        push endpoint."""

        def delete() -> Device:
            profile = visible_profile(self._store, user_id)
            ids = profile.reminder_state.device_ids if profile is not None else ()
            device = (
                self._store.devices([(user_id, the_id)]).get((user_id, the_id)) if the_id in ids else None
            )
            if profile is None or device is None:
                raise DeviceNotFound(f"no device '{the_id[:64]}'")
            kept = [d for d in ids if d != the_id]
            self._store.remove_device(with_devices(profile, kept, self._clock()), the_id)
            return device

        device = retry_on_conflict(delete, pause=self._pause)
        self._delete_endpoint(device.endpoint_arn, device.device_id)
        return device

    def _forget(self, user_id: str, the_id: str) -> None:
        with suppress(DeviceNotFound, AccountDeleting):  # gone already, or being erased with them
            self.remove(user_id, the_id)

    def _delete_endpoint(self, endpoint_arn: str | None, the_id: str) -> None:
        if endpoint_arn is None:
            return
        try:
            self._push.delete(endpoint_arn)
        except StoreUnavailable:  # an endpoint no device points to is never pushed to
            logger.warning("push endpoint not deleted", extra={"device_id": the_id})


def window_of(instant: datetime) -> datetime:
    """The start of the sender's 15-minute window `instant` falls in (UTC quarter hours)."""
    instant = instant.astimezone(UTC)
    return instant.replace(minute=instant.minute // 15 * 15, second=0, microsecond=0)


class ReminderSender:
    """Sends the reminders of one window: reads the sparse index shard by shard (keys only), the
    learners found with one consistent batch read a page, and for each learner decides on the
    stored profile (domain/reminders.py: decide). The decision is stored (conditioned on the
    profile's version) before anything is pushed, so a second run for the window, a retried one,
    or a learner practising meanwhile never gets a second reminder: at most one per learner day,
    at the price of losing one whose push fails after its decision was stored."""

    def __init__(  # noqa: PLR0917 (the composition root passes each part)
        self,
        store: ReminderStore,
        push: PushChannel,
        devices: DeviceService,
        clock: Clock,
        pause: Pause,
        workers: int = 8,
    ) -> None:
        self._store = store
        self._pause = pause
        self._push_channel = push
        self._devices = devices
        self._clock = clock
        self._workers = workers
        self._lock = threading.Lock()

    def run(
        self,
        window_start: datetime,
        *,
        time_left: Callable[[], float] = lambda: float("inf"),
        stop_seconds: float = 0.0,
    ) -> SenderRun:
        """Remind every learner due before the window's end (the window's, and those a missed run
        left, up to LATE_AFTER late). Stops starting pages when fewer than `stop_seconds` are left."""
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - only the sender's cold start pays it

        window_end = window_of(window_start) + WINDOW
        run = SenderRun()
        with ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="reminders") as pool:
            for shard in range(REMINDER_SHARDS):
                position: str | None = None
                while True:
                    if time_left() < stop_seconds:
                        run.stopped_short = True
                        return run
                    user_ids, position = self._store.reminders_due(shard, window_end, position)
                    for start in range(0, len(user_ids), BATCH_GET_MOST):
                        self._remind_page(user_ids[start : start + BATCH_GET_MOST], window_end, pool, run)
                    if position is None:
                        break
        return run

    def _remind_page(
        self, user_ids: list[str], window_end: datetime, pool: "ThreadPoolExecutor", run: SenderRun
    ) -> None:
        """A page of learners found due: their profiles in one batch read, each decided (and the
        decision stored), the devices of those reminded in one batch read, then the pushes."""
        profiles = self._store.profiles_of(user_ids)
        decided = [d for d in pool.map(lambda p: self._remind(p, window_end, run), profiles) if d]
        wanted = [(p.user_id, d) for p, _, _ in decided for d in p.reminder_state.device_ids]
        devices = self._store.devices(wanted)
        pushes = [
            (profile, kind, now, devices[profile.user_id, device_id])
            for profile, kind, now in decided
            for device_id in profile.reminder_state.device_ids
            if (profile.user_id, device_id) in devices
        ]
        list(pool.map(lambda due: self._push(due, run), pushes))

    def _remind(
        self, found: Profile, window_end: datetime, run: SenderRun
    ) -> tuple[Profile, ReminderKind, datetime] | None:
        """Decide for one learner found due, and store the decision; the reminder to push, if any."""
        try:
            decided = self._decide(found, window_end)
        except AccountDeleting:
            return None
        except (StoreUnavailable, ConcurrentUpdate):
            logger.warning("reminder not decided; the next run tries again", extra={"user_id": found.user_id})
            with self._lock:
                run.failed += 1
            return None
        if decided is None:
            return None
        profile, kind, now = decided
        with self._lock:
            run.due += 1
            run.replanned += kind is None
            run.reminded += kind is not None
        return (profile, kind, now) if kind is not None else None

    def _decide(
        self, found: Profile, window_end: datetime
    ) -> tuple[Profile, ReminderKind | None, datetime] | None:
        """Decide on the profile found and store the decision; on the profile read afresh when it
        moved meanwhile (None: gone)."""
        reads = iter([found])

        def attempt() -> tuple[Profile, ReminderKind | None, datetime] | None:
            profile = next(reads, None) or self._store.get_profile(found.user_id)
            if profile is None:
                return None
            now = self._clock()
            decision = decide(profile, now, window_end)
            if decision.profile != profile:
                self._store.save_profile(decision.profile)
            return profile, decision.kind, now

        return retry_on_conflict(attempt, pause=self._pause)

    def _push(self, due: tuple[Profile, ReminderKind, datetime, Device], run: SenderRun) -> None:
        """Push the learner's reminder to one device; a device the push service disabled is removed."""
        profile, kind, now, device = due
        if device.endpoint_arn is None:
            return
        text = message(kind, profile, now, device.locale)
        try:
            delivered = self._push_channel.send(device.endpoint_arn, text)
        except StoreUnavailable:
            logger.warning("push failed", extra={"user_id": profile.user_id, "device_id": device.device_id})
            with self._lock:
                run.failed += 1
            return
        if delivered:
            with self._lock:
                run.pushes.append(SentPush(profile.user_id, device.device_id, text))
            return
        try:  # the push service disabled the endpoint: the app is gone from that device
            self._devices.remove(profile.user_id, device.device_id)
        except (DeviceNotFound, AccountDeleting):
            return
        with self._lock:
            run.devices_removed += 1
