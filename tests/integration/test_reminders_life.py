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
from tests.conftest import COURSES_DIR, FakeClock
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
        last: datetime | None = None
        while True:
            planned = [p.reminder_state.next_at for p in self._profiles() if p.reminder_state.next_at]
            window = window_of(self.clock.now) + WINDOW if every_window else None
            if not every_window:
                window = window_of(min(planned)) if planned else None
                window = max(window, window_of(self.clock.now)) if window else None
            if window is None or window >= end:
                self.clock.now = end
                return
            # a run leaves no reminder due in its window: else the schedule would repeat it forever
            assert window != last, f"a reminder is still due in the window {window} after its run"
            last = window
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


def test_a_learner_who_met_todays_goal_is_not_reminded_that_day(world: World):
    # Given a learner with reminders at 19:00 who practises at 09:10 on three days out of four
    zone = "Europe/Madrid"
    user = learner_in(world, "ana", zone, at="19:00")
    morning = datetime(2026, 10, 20, 9, 10, tzinfo=ZoneInfo(zone))
    for day in (0, 1, 3):
        world.live_until(morning + timedelta(days=day))
        world.practise(user)
    world.live_until(morning + timedelta(days=5))

    # Then reminders came only on the days without practice
    pushes = [(local(s, zone).date(), local(s, zone).time()) for s in world.pushes_to(user)]
    assert pushes == [
        (date(2026, 10, 19), time(19)),
        (date(2026, 10, 22), time(19)),
        (date(2026, 10, 24), time(19)),
    ]


def test_auto_reminds_at_the_learners_usual_practice_time(world: World):
    # Given a learner on "auto" who practises at about 09:10 most days
    zone = "Europe/Madrid"
    user = learner_in(world, "ana", zone)
    morning = datetime(2026, 10, 20, 9, 10, tzinfo=ZoneInfo(zone))
    for day, late in ((0, 0), (1, 5), (3, 3)):
        world.live_until(morning + timedelta(days=day, minutes=late))
        world.practise(user)
    world.live_until(morning + timedelta(days=5))

    # Then the first reminder came at the default 19:00 (no session yet), and the others at their
    # usual time rounded down to the quarter hour: just before they usually practise
    pushes = [(local(s, zone).date(), local(s, zone).time()) for s in world.pushes_to(user)]
    assert pushes == [(date(2026, 10, 19), time(19))] + [(date(2026, 10, d), time(9)) for d in range(21, 26)]
    profile = world.services.profile.get_profile(user).profile
    assert profile.reminder_state.practice_minutes == (550, 555, 553)


def test_a_streak_of_three_that_ends_tonight_gets_the_streak_at_risk_reminder(world: World):
    # Given a learner who practised three days in a row at 08:30 Kolkata time
    zone = "Asia/Kolkata"
    user = learner_in(world, "kiran", zone, at="20:00")
    first = datetime(2026, 10, 20, 8, 30, tzinfo=ZoneInfo(zone))
    for day in range(3):
        world.live_until(first + timedelta(days=day))
        world.practise(user)

    # When the fourth day passes without practice
    world.live_until(first + timedelta(days=4))

    # Then its reminder says the 3-day streak ends tonight, in the device's language
    last = world.pushes_to(user)[-1]
    assert local(last, zone) == datetime(2026, 10, 23, 20, tzinfo=ZoneInfo(zone))
    assert last.message.kind is ReminderKind.STREAK_AT_RISK
    assert last.message.title == "Your 3-day streak ends tonight"


def test_after_seven_ignored_reminders_they_come_weekly_until_the_learner_is_back(world: World):
    # Given a learner who ignores every reminder for four weeks, then practises
    zone = "America/New_York"
    user = learner_in(world, "sam", zone, at="18:00")
    world.live_until(START + timedelta(days=28))
    days = [local(s, zone).date() for s in world.pushes_to(user)]

    # Then seven daily reminders came, then one a week
    first = days[0]
    assert days == [first + timedelta(days=n) for n in (*range(7), 13, 20, 27)]

    # And once the learner practises again, the next day has its reminder again
    world.clock.now = datetime.combine(days[-1] + timedelta(days=1), time(10), tzinfo=ZoneInfo(zone))
    world.practise(user)
    world.live_until(world.clock.now + timedelta(days=2))
    assert [local(s, zone).date() for s in world.pushes_to(user)][len(days) :] == [
        days[-1] + timedelta(days=2)
    ]


def test_quiet_hours_are_kept_even_by_a_late_run_and_auto_stays_out_of_them(world: World):
    # Given a learner who practises at 23:30 (auto would be 21:45 at the latest)
    zone = "Europe/Berlin"
    user = learner_in(world, "lena", zone)
    world.live_until(datetime(2026, 10, 19, 23, 30, tzinfo=ZoneInfo(zone)))
    world.sent.clear()
    world.practise(user)
    profile = world.repository.get_profile(user)
    assert profile.reminder_state.next_at == datetime(2026, 10, 20, 21, 45, tzinfo=ZoneInfo(zone))

    # When the sender misses the 21:45 run and runs at 22:00 (quiet hours)
    world.clock.now = datetime(2026, 10, 20, 22, 0, tzinfo=ZoneInfo(zone))
    world.run_sender()

    # Then nothing is pushed, and the next reminder is tomorrow's
    assert world.sent == []
    after = world.repository.get_profile(user).reminder_state.next_at
    assert after == datetime(2026, 10, 21, 21, 45, tzinfo=ZoneInfo(zone))


def test_a_traveller_is_reminded_at_their_time_in_the_zone_they_are_in(world: World):
    # Given a learner in Madrid with reminders at 19:00, who flies to New York on the 21st
    user = learner_in(world, "ana", "Europe/Madrid", at="19:00")
    world.live_until(datetime(2026, 10, 21, 12, tzinfo=UTC))
    world.services.sessions.start_daily_session(user, "America/New_York")  # the app's X-Timezone
    world.live_until(datetime(2026, 10, 24, 12, tzinfo=UTC))

    # Then each reminder came at 19:00 where they were
    sent = [(s.at.astimezone(UTC).isoformat(), s.message.kind) for s in world.pushes_to(user)]
    assert [at for at, _ in sent] == [
        "2026-10-19T17:00:00+00:00",  # Madrid, UTC+2
        "2026-10-20T17:00:00+00:00",
        "2026-10-21T23:00:00+00:00",  # New York, UTC-4
        "2026-10-22T23:00:00+00:00",
        "2026-10-23T23:00:00+00:00",
    ]


def test_an_endpoint_the_push_service_disabled_loses_its_device_and_the_learner_their_reminders(
    world: World,
):
    # Given a learner with two devices, one of which uninstalled the app
    user = learner_in(world, "ana", "Europe/Madrid", at="19:00")
    gone = world.services.devices.register(user, Platform.ANDROID, "token-2-of-ana", "3.2.0", "es-ES").device
    world.push.disabled.add(gone.endpoint_arn or "")

    # When the first reminder is sent
    world.live_until(START + timedelta(days=1))

    # Then it reached the other device, and the disabled one is removed
    assert [s.message.language for s in world.pushes_to(user)] == ["en"]
    assert [d.device_id for d in world.repository.devices_of(user)] != [] and gone.device_id not in {
        d.device_id for d in world.repository.devices_of(user)
    }
    assert world.repository.get_profile(user).reminder_state.devices == 1

    # And once the last device is disabled too, no reminder is planned any more
    world.push.disabled.add(world.repository.devices_of(user)[0].endpoint_arn or "")
    world.live_until(START + timedelta(days=3))
    assert world.repository.devices_of(user) == []
    assert world.repository.get_profile(user).reminder_state.next_at is None
    assert len(world.pushes_to(user)) == 1


def test_a_deleted_learner_gets_no_reminder_and_their_devices_and_endpoints_are_erased(world: World):
    # Given a learner with a reminder planned, who deletes their account
    user = learner_in(world, "ana", "Europe/Madrid", at="19:00")
    (endpoint,) = world.push.endpoints
    world.services.account.delete_account(user)

    # When their reminder's time comes, and the account worker erases them
    world.live_until(START + timedelta(days=2))
    erase_learner(
        world.repository, user, delete_endpoint=world.push.delete, time_left=lambda: 60.0, stop_seconds=1
    )

    # Then nothing was pushed, and neither their device nor its endpoint is left
    assert world.sent == []
    assert endpoint not in world.push.endpoints
    assert world.repository.devices_of(user) == []


def test_a_window_run_twice_or_retried_later_pushes_once(world: World):
    # Given two learners due in the same window
    for user in ("ana", "ben"):
        learner_in(world, user, "Europe/Madrid", at="19:00")
    window = datetime(2026, 10, 19, 19, 0, tzinfo=ZoneInfo("Europe/Madrid"))

    # When the run for the window happens twice at once, and is retried ten minutes later
    world.clock.now = window
    world.run_sender()
    world.run_sender()
    world.clock.now = window + timedelta(minutes=10)
    world.run_sender(at=window)

    # Then each learner got one reminder
    assert sorted(s.user_id for s in world.sent) == ["ana", "ben"]


def test_devices_are_registered_once_per_token_at_most_five_and_a_token_moves_with_its_phone(world: World):
    devices = world.services.devices
    first = devices.register("ana", Platform.IOS, "token-a-1", "3.2.0", "en-GB")
    again = devices.register("ana", Platform.IOS, "token-a-1", "3.3.0", "fr-FR")
    assert (first.created, again.created) == (True, False)
    assert again.device.device_id == first.device.device_id
    assert (again.device.app_version, again.device.locale) == ("3.3.0", "fr-FR")

    # A sixth device replaces the one least recently seen (its endpoint deleted)
    for n in range(2, 7):
        world.clock.advance(minutes=1)
        devices.register("ana", Platform.ANDROID, f"token-a-{n}", "3.2.0", "en-GB")
    kept = {d.device_id for d in world.repository.devices_of("ana")}
    assert len(kept) == 5 and first.device.device_id not in kept
    assert first.device.endpoint_arn not in world.push.endpoints
    assert world.repository.get_profile("ana").reminder_state.devices == 5

    # A token registered by another learner (a shared phone) is theirs from then on
    moved = devices.register("ben", Platform.ANDROID, "token-a-2", "3.2.0", "es-ES")
    assert moved.created
    assert moved.device.device_id not in {d.device_id for d in world.repository.devices_of("ana")}
    assert world.repository.get_profile("ana").reminder_state.devices == 4

    # Removing another learner's device, or one gone, is refused
    with pytest.raises(DeviceNotFound):
        devices.remove("ana", moved.device.device_id)
    devices.remove("ben", moved.device.device_id)
    with pytest.raises(DeviceNotFound):
        devices.remove("ben", moved.device.device_id)
    assert world.repository.get_profile("ben").reminder_state.next_at is None


def test_a_device_registered_while_the_account_is_being_erased_is_refused_and_leaves_no_endpoint(
    world: World,
):
    world.services.account.delete_account("ana")
    with pytest.raises(AccountDeleting):
        world.services.devices.register("ana", Platform.IOS, "token-of-ana", "3.2.0", "en")
    assert world.push.endpoints == {}
    assert world.repository.devices_of("ana") == []
