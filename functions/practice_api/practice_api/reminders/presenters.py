"""Domain objects to the device routes' and the profile's reminder bodies."""

from datetime import time

from practice.domain.learner import Profile
from practice.domain.reminders import Device, language_of, usual_time
from practice_api.reminders.models import DeviceResponse, RemindersItem


def device_response(device: Device) -> DeviceResponse:
    return DeviceResponse(
        device_id=device.device_id,
        platform=device.platform,
        app_version=device.app_version,
        locale=device.locale,
        language=language_of(device.locale),
        push_enabled=device.endpoint_arn is not None,
        registered_at=device.registered_at,
        last_seen_at=device.last_seen_at,
    )


def reminders_item(profile: Profile) -> RemindersItem:
    usual = usual_time(profile)
    return RemindersItem(
        enabled=profile.reminders.enabled,
        time=profile.reminders.time,
        usual_time=_clock_time(usual) if usual else None,
        next_reminder_at=profile.reminder_state.next_at,
        devices=profile.reminder_state.devices,
    )


def _clock_time(moment: time) -> str:
    return moment.strftime("%H:%M")
