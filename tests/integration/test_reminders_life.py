"""Practice reminders through weeks of learners' lives on a fake clock, through the domain services
and the sender, on moto's DynamoDB and on the in-memory stores: each learner is reminded at most
once a learner day, at their time in their own zone (across DST changes both ways, half-hour and
45-minute zones, and travel), only while the day's goal is not met, never in quiet hours, with a
"streak at risk" message when a streak would end tonight, weekly after 7 ignored reminders and
daily again once the learner is back; a disabled endpoint loses its device, a deleted learner
gets nothing and loses their devices, and a window run twice or retried pushes once."""

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from practice.account.service import erase_learner
from practice.compose import ApiServices, reminder_sender
from practice.domain.learner import PracticeReport, Rating, Review
from practice.domain.reminders import WINDOW, Message, Platform, ReminderKind
from practice.errors import AccountDeleting, DeviceNotFound
from practice.reminders.service import ReminderSender, window_of
from practice_local.simulation.memory import RecordingPush
from tests.conftest import FakeClock
from tests.conftest import COURSES_DIR
from tests.fakes import AllStores, in_memory, services_on

START = datetime(2026, 10, 19, 6, 0, tzinfo=UTC)  # a Monday; Europe's clocks go back on Oct 25


@dataclass
class Sent:
    user_id: str
    at: datetime  # when the sender ran
    message: Message


@dataclass
class World:
    """Learners, their app, and the sender on its schedule, on one clock."""

    repository: AllStores
    clock: FakeClock
    push: RecordingPush = field(default_factory=RecordingPush)
    sent: list[Sent] = field(default_factory=list)
    joined: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.services: ApiServices = services_on(self.repository, self.clock, push=self.push)
        self.sender: ReminderSender = reminder_sender(
            self.repository, self.push, workers=2, clock=self.clock, pause=lambda _: None
        )

    def join(self, user: str, zone: str, *, at: str = "auto", platform: Platform = Platform.IOS) -> None:
        self.joined.add(user)
        self.services.profile.update_profile(user, {"time_zone": zone, "reminders": {"time": at}})
        self.services.devices.register(user, platform, f"token-of-{user}", "3.2.0", "en-GB")

    def practise(self, user: str, minutes: int = 10) -> None:
        """A session meeting the daily goal (every phrase of the pack good), now."""
        started = self.services.sessions.start_daily_session(user)
        at = self.clock.now
        reviews = []
        for phrase in (*started.pack.review, *started.pack.new):
            at += timedelta(seconds=20)
            reviews.append(Review(phrase_id=phrase.phrase_id, rating=Rating.GOOD, reviewed_at=at))
        self.clock.advance(minutes=minutes)
        report = PracticeReport(reviews=tuple(reviews), completed_at=self.clock.now)
        self.services.sessions.complete_session(user, started.session.session_id, report)

    def run_sender(self, at: datetime | None = None) -> None:
        """One run of the sender at the clock's time (its window: the quarter hour it falls in)."""
        before = len(self.push.sent)
        run = self.sender.run(at or self.clock.now)
        assert len(self.push.sent) - before == len(run.pushes)
        self.sent += [Sent(p.user_id, self.clock.now, p.message) for p in run.pushes]

    def live_until(self, end: datetime, every_window: bool = False) -> None:
        """Run the sender on its schedule until `end`: each quarter hour in which some learner's
        next reminder falls (the others find no one due; `every_window` runs them all too)."""
        while True:
            planned = [p.reminder_state.next_at for p in self._profiles() if p.reminder_state.next_at]
            window = window_of(self.clock.now) + WINDOW if every_window else None
            if not every_window:
                window = window_of(min(planned)) if planned else None
                window = max(window, window_of(self.clock.now)) if window else None
            if window is None or window >= end:
                self.clock.now = end
                return
            self.clock.now = window
            self.run_sender()
            self.clock.now = window + timedelta(minutes=1)  # the next run is a window later

    def _profiles(self) -> Iterable[Any]:
        profiles = []
        for user in self.joined:
            with suppress(AccountDeleting):
                if (profile := self.repository.get_profile(user)) is not None:
                    profiles.append(profile)
        return profiles

    def pushes_to(self, user: str) -> list[Sent]:
        return [s for s in self.sent if s.user_id == user]


@pytest.fixture
def world(repository: AllStores) -> World:
    return World(repository, FakeClock(START))


def local(sent: Sent, zone: str) -> datetime:
    return sent.at.astimezone(ZoneInfo(zone))


def learner_in(world: World, user: str, zone: str, **options: Any) -> str:
    world.join(user, zone, **options)
    return user


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Europe/Berlin", datetime(2026, 10, 21, 6, tzinfo=UTC)),  # clocks back on Oct 25
        ("Europe/Berlin", datetime(2026, 3, 25, 6, tzinfo=UTC)),  # forward on Mar 29
        ("America/New_York", datetime(2026, 10, 29, 6, tzinfo=UTC)),  # back on Nov 1
        ("America/New_York", datetime(2026, 3, 4, 6, tzinfo=UTC)),  # forward on Mar 8
        ("Asia/Kolkata", START),  # UTC+05:30
        ("Asia/Kathmandu", START),  # UTC+05:45
    ],
)
def test_a_learner_who_does_not_practise_is_reminded_once_a_day_at_their_local_time(
    world: World, zone: str, start: datetime
):
    # Given a learner in `zone` with reminders at 19:30, who never practises, over a DST change
    world.clock.now = start
    user = learner_in(world, "ana", zone, at="19:30")

    # When the sender runs on its schedule for a week
    world.live_until(start + timedelta(days=7))

    # Then they got one reminder each learner day, each at 19:30 their time
    pushes = world.pushes_to(user)
    assert [local(s, zone).time() for s in pushes] == [time(19, 30)] * 7
    assert len({local(s, zone).date() for s in pushes}) == 7
    assert {s.message.kind for s in pushes} == {ReminderKind.PRACTICE}


def test_every_window_of_the_days_sends_exactly_the_reminders_due_in_it():
    # Given two learners, on the in-memory stores (96 runs a day: the other tests, on both
    # backends, run the sender only in the windows where some reminder falls)
    world = World(in_memory(COURSES_DIR), FakeClock(START))
    learner_in(world, "kiran", "Asia/Kolkata", at="08:00")
    learner_in(world, "ana", "Europe/Madrid", at="21:59")

    # When the sender runs every quarter hour of five days
    world.live_until(START + timedelta(days=5), every_window=True)

    # Then each was reminded once a day, in the window their time falls in
    assert [local(s, "Asia/Kolkata").time() for s in world.pushes_to("kiran")] == [time(8)] * 5
    assert [local(s, "Europe/Madrid").time() for s in world.pushes_to("ana")] == [time(21, 45)] * 5
