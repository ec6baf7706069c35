"""Practice reminders: when a learner's next one falls, whether it goes, and what it says.

The rules (docs/reminders.md):
- One reminder per learner day at most, at the learner's chosen local time, or with "auto" at
  their usual practice time: the median local start of their last 7 completed sessions, rounded
  down to the quarter hour (19:00 before the first).
- Only while the day's goal is not met, and never in quiet hours (22:00-08:00 local): a chosen
  time there is refused, a learnt one is kept out of them.
- "Streak at risk" instead of the plain reminder when a streak of 3 or more ends with the day.
- After 7 reminders in a row ignored (no practice from their day on), one a week, until the
  learner practises again.
Every instant is computed in the learner's zone and day (learner_day.py), so DST, half-hour and
45-minute zones and travel need no care of their own. The clock is a parameter.
"""

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as TimeOfDay
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from practice.domain.learner_day import day_start

if TYPE_CHECKING:
    from practice.domain.learner import Profile

QUIET_FROM, QUIET_UNTIL = TimeOfDay(22), TimeOfDay(8)
LATEST_REMINDER = TimeOfDay(21, 45)  # the last quarter hour before quiet hours
DEFAULT_TIME = TimeOfDay(19)  # "auto", before the learner's first completed session
PRACTICE_TIMES_KEPT = 7
STREAK_AT_RISK_FROM = 3
IGNORED_BEFORE_BACK_OFF = 7
BACK_OFF = timedelta(days=7)
WINDOW = timedelta(minutes=15)  # the sender runs once a window
# A reminder found later than this after its time (a sender run was missed) is not sent any more
LATE_AFTER = timedelta(hours=1)
MAX_DEVICES = 5  # a learner's devices; registering a sixth replaces the one least recently seen

AUTO = "auto"
ReminderTime = Annotated[str, StringConstraints(pattern=r"^(auto|([01][0-9]|2[0-3]):[0-5][0-9])$")]


def is_quiet(moment: TimeOfDay) -> bool:
    return moment >= QUIET_FROM or moment < QUIET_UNTIL


class ReminderChoice(BaseModel):
    """What the learner chose: reminders on or off, at a local time ("HH:MM") or "auto"."""

    model_config = ConfigDict(frozen=True)

    enabled: bool = True
    time: ReminderTime = AUTO

    @field_validator("time")
    @classmethod
    def _not_in_quiet_hours(cls, value: str) -> str:
        if value != AUTO and is_quiet(TimeOfDay.fromisoformat(value)):
            raise ValueError("reminders are sent between 08:00 and 22:00 local time")
        return value

    @property
    def local_time(self) -> TimeOfDay | None:
        """The chosen time; None for "auto"."""
        return None if self.time == AUTO else TimeOfDay.fromisoformat(self.time)


class ReminderState(BaseModel):
    """What the backend keeps about a learner's reminders besides their choice: devices that can
    receive them, when the learner usually practises, the last reminder and how many before it
    in a row were ignored, and the next one's time (the sender's sparse index is keyed by it)."""

    model_config = ConfigDict(frozen=True)

    device_ids: tuple[str, ...] = Field((), max_length=MAX_DEVICES)  # the learner's devices
    practice_minutes: tuple[int, ...] = ()  # local minute of day of the latest session starts
    last_day: date | None = None  # the learner day of the last reminder sent
    ignored: int = 0  # reminders ignored in a row before that one
    next_at: AwareDatetime | None = None

    @property
    def devices(self) -> int:
        return len(self.device_ids)


class Platform(StrEnum):
    IOS = "ios"  # Apple Push Notification service
    ANDROID = "android"  # Firebase Cloud Messaging


class Device(BaseModel):
    """A learner's device that can receive reminders: its app's push token, the push service's
    endpoint for it (None: push is not configured for its platform), and what its app said last."""

    model_config = ConfigDict(frozen=True)

    device_id: str
    platform: Platform
    token: str
    endpoint_arn: str | None = None
    app_version: str
    locale: str
    registered_at: AwareDatetime
    last_seen_at: AwareDatetime


def device_id(platform: Platform, token: str) -> str:
    """A device's id: the same token on the same platform is the same device (registration is
    idempotent on the token), and the id reveals nothing of the token."""
    digest = hashlib.blake2b(f"{platform}:{token}".encode(), digest_size=15).digest()
    return base64.b32encode(digest).decode().lower()


class ReminderKind(StrEnum):
    PRACTICE = "practice"
    STREAK_AT_RISK = "streak_at_risk"


def usual_time(profile: "Profile") -> TimeOfDay | None:
    """The learner's usual practice time, out of quiet hours; None before their first session."""
    if not profile.reminder_state.practice_minutes:
        return None
    starts = sorted(profile.reminder_state.practice_minutes)
    minute = starts[(len(starts) - 1) // 2] // 15 * 15  # the lower median (statistics: 17 ms of imports)
    usual = TimeOfDay(minute // 60, minute % 60)
    if usual < QUIET_UNTIL:
        return QUIET_UNTIL
    return min(usual, LATEST_REMINDER)


def reminder_time(profile: "Profile") -> TimeOfDay:
    return profile.reminders.local_time or usual_time(profile) or DEFAULT_TIME


def reminder_on(profile: "Profile", day: date) -> datetime:
    """When the reminder of learner day `day` falls (UTC): the reminder time on its date, or on
    the next date when the day starts after that time (a day-start hour past 08:00)."""
    zone, at = profile.zone, reminder_time(profile)
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment < day_start(day, zone, profile.day_start_hour):
        moment = datetime.combine(day + timedelta(days=1), at, tzinfo=zone)
    return moment.astimezone(UTC)


def ignored_in_a_row(profile: "Profile", today: date) -> int:
    """Reminders ignored in a row as of `today`: the last one counts once its day is over with no
    practice from it on; any practice since the last one ends the run."""
    state = profile.reminder_state
    if state.last_day is None:
        return 0
    if profile.last_practice_day is not None and profile.last_practice_day >= state.last_day:
        return 0
    return state.ignored + 1 if today > state.last_day else state.ignored


def goal_met(profile: "Profile", day: date) -> bool:
    return profile.xp_on(day) >= profile.daily_goal_xp


def next_reminder(profile: "Profile", now: datetime) -> datetime | None:
    """When the learner's next reminder falls, as of `now`: None with reminders off or no device.
    Today's, if today has had none, its goal is not met and its time is still ahead; else the
    next day's (a week after the last one while backing off)."""
    state = profile.reminder_state
    if not profile.reminders.enabled or state.devices == 0:
        return None
    today = profile.day_at(now).day
    day = today
    if state.last_day is not None:
        backing_off = ignored_in_a_row(profile, today) >= IGNORED_BEFORE_BACK_OFF
        day = max(day, state.last_day + (BACK_OFF if backing_off else timedelta(days=1)))
    if day == today and (goal_met(profile, today) or reminder_on(profile, today) < now):
        day += timedelta(days=1)
    return reminder_on(profile, day)


def replanned(profile: "Profile", now: datetime) -> "Profile":
    """`profile` with its next reminder's time as of `now` (every write of the profile that can
    move it calls this: practice, settings, devices, the sender)."""
    state = profile.reminder_state
    next_at = next_reminder(profile, now)
    if next_at == state.next_at:
        return profile
    return profile.model_copy(update={"reminder_state": state.model_copy(update={"next_at": next_at})})


def with_practice_time(profile: "Profile", started_at: datetime) -> "Profile":
    """`profile` with a session started at `started_at` counted in its usual practice time."""
    local = started_at.astimezone(profile.zone)
    state = profile.reminder_state
    minutes = (*state.practice_minutes, local.hour * 60 + local.minute)[-PRACTICE_TIMES_KEPT:]
    return profile.model_copy(
        update={"reminder_state": state.model_copy(update={"practice_minutes": minutes})}
    )


def with_devices(profile: "Profile", device_ids: Iterable[str], now: datetime) -> "Profile":
    """`profile` with these devices, and its next reminder planned with them."""
    state = profile.reminder_state.model_copy(update={"device_ids": tuple(device_ids)})
    return replanned(profile.model_copy(update={"reminder_state": state}), now)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the sender does for one learner found due: the profile to store (the reminder sent, or
    the next one planned; the same profile: nothing to store) and the reminder to send, if any."""

    profile: "Profile"
    kind: ReminderKind | None


def decide(profile: "Profile", now: datetime, window_end: datetime) -> Decision:
    """Whether the learner found due in the window ending `window_end` gets a reminder now.

    Judged on the stored profile as it is now: the reminder goes only if the rules, applied at
    its planned time, still plan it then (so a learner who practised, changed their settings or
    was reminded since the index was read gets nothing), it is less than LATE_AFTER late, and it
    is not quiet hours. Else the next one is planned."""
    state = profile.reminder_state
    planned = state.next_at
    if planned is None or planned >= window_end:
        return Decision(profile, None)  # the index is behind the profile: nothing due
    on_time = now - planned <= LATE_AFTER and not is_quiet(now.astimezone(profile.zone).time())
    if not on_time or next_reminder(profile, planned) != planned:
        return Decision(replanned(profile, window_end), None)
    day = profile.day_at(planned)
    sent = state.model_copy(update={"last_day": day.day, "ignored": ignored_in_a_row(profile, day.day)})
    deadline = max(filter(None, (profile.streak_until, profile.freeze_until)), default=None)
    at_risk = (
        profile.live_streak(now) >= STREAK_AT_RISK_FROM and deadline is not None and deadline <= day.ends_at
    )
    return Decision(
        replanned(profile.model_copy(update={"reminder_state": sent}), window_end),
        ReminderKind.STREAK_AT_RISK if at_risk else ReminderKind.PRACTICE,
    )


@dataclass(frozen=True, slots=True)
class Message:
    """A reminder as a device shows it, in one language."""

    kind: ReminderKind
    language: str
    title: str
    body: str


# (title, body) by language: practice with nothing done today, practice with XP left to the goal,
# a streak ending tonight. English, and the languages of the courses' own speakers.
_TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]] = {
    "en": (
        ("Time for today's practice", "Your phrases are waiting: a few minutes is enough."),
        ("Almost there", "{xp} XP to go to today's goal: a few minutes is enough."),
        ("Your {streak}-day streak ends tonight", "A few minutes of practice keep it going."),
    ),
    "es": (
        ("Es hora de practicar", "Tus frases te esperan: bastan unos minutos."),
        ("Ya casi", "Te faltan {xp} XP para la meta de hoy: bastan unos minutos."),
        ("Tu racha de {streak} días termina esta noche", "Unos minutos de práctica la mantienen."),
    ),
    "fr": (
        ("C'est l'heure de pratiquer", "Vos phrases vous attendent : quelques minutes suffisent."),
        ("Presque fini", "Encore {xp} XP pour l'objectif du jour : quelques minutes suffisent."),
        ("Votre série de {streak} jours se termine ce soir", "Quelques minutes de pratique la prolongent."),
    ),
    "de": (
        ("Zeit zum Üben", "Deine Sätze warten: ein paar Minuten reichen."),
        ("Fast geschafft", "Noch {xp} XP bis zum Tagesziel: ein paar Minuten reichen."),
        ("Deine Serie von {streak} Tagen endet heute Nacht", "Ein paar Minuten Übung halten sie am Leben."),
    ),
}


def language_of(locale: str) -> str:
    """The language reminders are written in for a device's locale ("es-MX", "fr_CA", "de"):
    its own when we have it, else English."""
    language = locale.replace("_", "-").split("-")[0].lower()
    return language if language in _TEXTS else "en"


def message(kind: ReminderKind, profile: "Profile", now: datetime, locale: str) -> Message:
    language = language_of(locale)
    nothing_yet, goal_left, streak_ends = _TEXTS[language]
    xp_today = profile.xp_on(profile.day_at(now).day)
    if kind is ReminderKind.STREAK_AT_RISK:
        title, body = streak_ends
    else:
        title, body = goal_left if xp_today else nothing_yet
    values = {"streak": profile.live_streak(now), "xp": max(profile.daily_goal_xp - xp_today, 0)}
    return Message(kind, language, title.format(**values), body.format(**values))
