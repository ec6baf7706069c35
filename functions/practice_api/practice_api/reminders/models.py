"""Request and response bodies of the device routes, and the reminder settings of the profile."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from practice.domain.reminders import Platform
from practice_api.http.fields import Omittable, RequestBody, body_schema

APP_VERSION_PATTERN = r"^[0-9]{1,6}([.][0-9]{1,6}){0,3}$"


# "auto", or a local time out of quiet hours: 08:00 to 21:59 (the domain refuses the others too)
ReminderTimeChoice = Annotated[
    str,
    Field(
        pattern=r"^(auto|(0[89]|1[0-9]|2[01]):[0-5][0-9])$",
        description='A local time "HH:MM" from 08:00 to 21:59 (never in quiet hours, 22:00-08:00), or'
        ' "auto": the learner\'s usual practice time, learnt from when their last 7 sessions started'
        " (19:00 before the first).",
    ),
]


class RemindersUpdate(RequestBody):
    """Practice reminders: on or off, and when. Fields left out stay as they are."""

    model_config = ConfigDict(json_schema_extra=body_schema(minProperties=1))

    enabled: bool | Omittable = None
    time: ReminderTimeChoice | Omittable = None

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give enabled, time or both")
        return self


class RemindersItem(BaseModel):
    """The learner's practice reminders: at most one a learner day, only while the day's goal is
    not met, never in quiet hours (22:00-08:00 local), weekly after 7 ignored in a row."""

    enabled: bool
    time: str = Field(description='The chosen local time "HH:MM", or "auto".')
    usual_time: str | None = Field(
        description="\"auto\"'s time: the learner's usual practice time (null before their first session)."
    )
    next_reminder_at: datetime | None = Field(
        description="When the next reminder is planned (null: reminders off, or no device registered)."
    )
    devices: int = Field(description="Devices registered to receive them (POST /devices).")


class DeviceRequest(RequestBody):
    """The app's push token, registered after the learner allowed notifications (and again on each
    start of the app: the same token is the same device)."""

    platform: Annotated[Platform, Strict(False)] = Field(description="ios: APNs, android: FCM.")
    token: str = Field(
        pattern=r"^[\x21-\x7e]{8,4096}$", description="The push token APNs or FCM gave the app."
    )
    app_version: str = Field(pattern=APP_VERSION_PATTERN, description="The app's version, dotted numbers.")
    locale: str = Field(
        pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,3}$",
        description="The device's language (BCP 47, e.g. es-MX): reminders are written in it when we"
        " have it (en, es, fr, de), else in English.",
    )


class DeviceResponse(BaseModel):
    """A device registered for practice reminders."""

    device_id: str = Field(description="The id to remove it with (DELETE /devices/{device_id}).")
    platform: Platform
    app_version: str
    locale: str
    language: str = Field(description="The language its reminders are written in.")
    push_enabled: bool = Field(description="false: push is not configured for its platform on this stack.")
    registered_at: datetime
    last_seen_at: datetime
