"""What the reminders feature answers with."""

from dataclasses import dataclass, field

from practice.domain.reminders import Device, Message


@dataclass(frozen=True, slots=True)
class DeviceRegistration:
    device: Device
    created: bool  # False: the token was registered already (the same device)


@dataclass(frozen=True, slots=True)
class SentPush:
    user_id: str
    device_id: str
    message: Message


@dataclass(slots=True)
class SenderRun:
    """What one run of the sender did: learners found due, reminders pushed (one per device),
    learners whose reminder was not due any more (replanned), devices removed because the push
    service disabled them, pushes that failed (the reminder stays sent: at most once), and
    whether the run stopped short of its time (the next run goes on)."""

    due: int = 0
    reminded: int = 0
    replanned: int = 0
    devices_removed: int = 0
    failed: int = 0
    stopped_short: bool = False
    pushes: list[SentPush] = field(default_factory=list)
