"""The lives a chaos run lives, twice (without faults, then with): several learners, each in a
time zone of their own, for some days; all they do comes from the seed, none of it from the
faults, so both lives ask the backend the same things at the same instants.

Each learner sets a time zone and reminders on day 0 and registers a phone; each day (some
skipped) they open the app at their own hour, answer the pack and complete it - at once, or
offline: uploaded hours later, at their next opening. Along the way one changes their daily
limit, one switches course, one adds a second phone and later removes it, and one deletes their
account. After each learner's action the queues are drained (the account worker, the optimizer);
the reminder sender runs at each window a learner's next reminder falls in.
"""

import bisect
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from practice.reminders.service import window_of
from practice_local.chaos.app import App
from practice_local.chaos.world import World

ZONES = ("Europe/Madrid", "America/New_York", "Asia/Tokyo", "America/Los_Angeles", "Australia/Sydney")
RATINGS = (("again", 0.15), ("hard", 0.15), ("good", 0.55), ("easy", 0.15))
DAILY = "/api/v2/practice/daily"
QUARTER_HOUR = timedelta(minutes=15)
FOLLOW_UPS = 16  # at most this many extra runs a day, after runs that failed
DAY_START_HOUR = 4  # a learner's day begins at 04:00 their time (the default, which they keep)


@dataclass
class Learner:
    user_id: str
    zone: ZoneInfo
    random: random.Random
    token: str
    offline: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # completions not yet sent
    devices: dict[str, str] = field(default_factory=dict)  # token -> device id, as registered
    deleted: bool = False

    def opening(self, day: datetime) -> datetime:
        """When they open the app on `day` (a UTC midnight): between 07:00 and 21:00 their time."""
        local = day.astimezone(self.zone).replace(hour=7, minute=0, second=0, microsecond=0)
        return (local + timedelta(minutes=self.random.randrange(0, 14 * 60, 7))).astimezone(day.tzinfo)


@dataclass
class Life:
    world: World
    app: App
    learners: list[Learner]
    days: int
    start: datetime
    sender_runs: list[dict[str, Any]] = field(default_factory=list)
    sweeps: list[dict[str, Any]] = field(default_factory=list)  # the erasure sweep's runs
    pushes: list[tuple[str, str, str]] = field(default_factory=list)  # (device token, learner's day, message)
    _delivered: dict[str, int] = field(default_factory=dict)  # messages seen, by endpoint
    _owners: dict[str, Learner] = field(default_factory=dict)  # by every token ever registered

    def live(self) -> None:
        windows: list[datetime] = []
        for day in range(self.days):
            midnight = self.start + timedelta(days=day)
            actions = sorted(
                ((learner.opening(midnight), n, learner) for n, learner in enumerate(self.learners)),
                key=lambda action: (action[0], action[1]),
            )
            windows = sorted(set(windows) | set(self._reminder_windows(midnight)))
            for at, _, learner in actions:
                self._send_reminders_until(windows, at)
                if not learner.deleted:
                    self.world.clock.now = at
                    self._open_app(learner, day)
                    self.world.drain()
            self._send_reminders_until(windows, midnight + timedelta(days=1))
            self._sweep_erasures(midnight + timedelta(days=1))

    def _send_reminders_until(self, windows: list[datetime], until: datetime) -> None:
        """Run the sender at each window before `until`; after a run that could not remind
        everyone due (a fault outlived the retries), at the next quarter hour too, as its
        schedule would (a reminder up to an hour late still goes)."""
        follow_ups = FOLLOW_UPS
        while windows and windows[0] < until:
            window = windows.pop(0)
            if not self._send_reminders(window) and follow_ups:
                follow_ups -= 1
                if (later := window + QUARTER_HOUR) not in windows:
                    bisect.insort(windows, later)

    def _sweep_erasures(self, at: datetime) -> None:
        """The erasure sweep at `at`, then each hour after while a run failed or queued an
        erasure (the worker drained after each), as its hourly schedule would; at most a day."""
        for hour in range(24):
            self.world.clock.now = at + timedelta(hours=hour)
            run = self.world.run_erasure_sweep(self.world.clock.now)
            self.sweeps.append(run)
            self.world.drain()
            if run.get("requeued") == 0:
                return

    def _reminder_windows(self, midnight: datetime) -> list[datetime]:
        """The quarter hours of this day in which a learner's next reminder is planned."""
        self.world.clock.now = midnight
        planned = set()
        for learner in self.learners:
            if learner.deleted:
                continue
            _, profile = self.app.call(learner.user_id, "GET", "/api/v2/practice/profile")
            next_at = profile["reminders"]["next_reminder_at"]
            if next_at and midnight <= (at := datetime.fromisoformat(next_at)) < midnight + timedelta(days=1):
                planned.add(window_of(at))
        return sorted(planned)

    def _send_reminders(self, window: datetime) -> bool:
        """One run of the sender on `window`'s event; whether it reminded everyone due."""
        self.world.clock.now = window
        run = self.world.run_sender(window)
        self.sender_runs.append(run)
        self.world.drain()
        for arn, (token, messages) in self.world.delivered().items():
            learner = self._owners[token]
            day = (window.astimezone(learner.zone) - timedelta(hours=DAY_START_HOUR)).date().isoformat()
            self.pushes += [(token, day, message) for message in messages[self._delivered.get(arn, 0) :]]
            self._delivered[arn] = len(messages)
        return not (run.get("failed") or run.get("failed_invocations") or run.get("stopped_short"))

    def _open_app(self, learner: Learner, day: int) -> None:
        me = learner.user_id
        if day == 0:
            self.app.call(
                me,
                "PATCH",
                "/api/v2/practice/profile",
                {"time_zone": learner.zone.key, "reminders": {"enabled": True, "time": "auto"}},
            )
            self._register(learner, learner.token)
        for session_id, body in learner.offline:  # the phone is back online: what it held goes up
            self.app.call(me, "POST", f"/api/v2/practice/sessions/{session_id}/complete", body)
        learner.offline.clear()
        self._once_in_a_life(learner, day)
        if learner.deleted or (day and learner.random.random() < 0.15):  # a day skipped
            return
        headers = {"Idempotency-Key": f"{me}-day-{day}", "X-Timezone": learner.zone.key}
        status, pack = self.app.call(me, "GET", DAILY, headers=headers)
        if status != 200:
            return
        body = self._answers(learner, pack)
        if learner.random.random() < 0.3:  # offline: uploaded at the next opening
            learner.offline.append((pack["session_id"], body))
        else:
            self.world.clock.now = datetime.fromisoformat(body["completed_at"])
            self.app.call(me, "POST", f"/api/v2/practice/sessions/{pack['session_id']}/complete", body)

    def _answers(self, learner: Learner, pack: dict[str, Any]) -> dict[str, Any]:
        """The learner's reviews of the pack, some seconds apart, and the dialog sometimes."""
        at = datetime.fromisoformat(pack["started_at"])
        reviews = []
        for phrase in (*pack["review_phrases"], *pack["new_phrases"]):
            at += timedelta(seconds=learner.random.randrange(5, 40))
            rating = learner.random.choices([r for r, _ in RATINGS], [w for _, w in RATINGS])[0]
            reviews.append(
                {
                    "phrase_id": phrase["phrase_id"],
                    "rating": rating,
                    "reviewed_at": _stamp(at),
                    "duration_ms": learner.random.randrange(800, 9000),
                }
            )
        at += timedelta(seconds=learner.random.randrange(30, 300))
        dialog = pack["dialog"] is not None and learner.random.random() < 0.5
        return {"reviews": reviews, "completed_at": _stamp(at), "dialog_completed": dialog}

    def _once_in_a_life(self, learner: Learner, day: int) -> None:
        """What each learner does once: by their place in the list, on a day of their own."""
        me, place = learner.user_id, self.learners.index(learner)
        last = len(self.learners) - 1
        if place == 0 and day == self.days // 3:
            self.app.call(me, "PATCH", "/api/v2/practice/profile", {"daily_new_limit": 5})
        if place == min(1, last) and day == self.days // 2:
            self.app.call(me, "PATCH", "/api/v2/practice/profile", {"course_id": "fr-en"})
        if place == min(2, last) and day == self.days // 4:
            self._register(learner, learner.token + "-tablet")
        if place == min(2, last) and day == (3 * self.days) // 4:
            tablet = learner.devices.pop(learner.token + "-tablet")
            self.app.call(me, "DELETE", f"/api/v2/practice/devices/{tablet}")
        if place == last and last > 0 and day == (2 * self.days) // 3:
            self.app.call(me, "DELETE", "/api/v2/practice/profile")
            learner.deleted = True

    def _register(self, learner: Learner, token: str) -> None:
        platform = "android" if token.endswith("-tablet") else "ios"
        _, device = self.app.call(
            learner.user_id,
            "POST",
            "/api/v2/practice/devices",
            {"platform": platform, "token": token, "app_version": "3.2.0", "locale": "es-ES"},
        )
        learner.devices[token] = device["device_id"]
        self._owners[token] = learner


def learners(count: int, seed: int) -> list[Learner]:
    return [
        Learner(
            user_id=f"chaos-{n + 1:02d}",
            zone=ZoneInfo(ZONES[n % len(ZONES)]),
            random=random.Random(seed * 1_000 + n),  # noqa: S311 - a simulation, not secrets
            token=f"{seed:08x}{n:04x}" + "ab" * 26,
        )
        for n in range(count)
    ]


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")
