"""The local quarter-hour schedule (`make run`'s reminder sender): each quarter hour once, with
the scheduled event of that quarter hour, and one printed line per push."""

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from practice_local.cloud.schedule import QuarterHourSchedule, next_quarter_hour, print_pushes


class Sender:
    """A function that records the events it gets, each run moving the clock to a moment before
    the next quarter hour (a run takes its time); `done` once it ran `runs` times."""

    def __init__(self, runs: int, now: datetime) -> None:
        self.name = "ReminderSenderFunction"
        self.events: list[dict[str, Any]] = []
        self.done = threading.Event()
        self.runs = runs
        self.now = now

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        ran_at = datetime.fromisoformat(event["time"])
        self.now = ran_at + timedelta(minutes=15, milliseconds=-50)
        if len(self.events) == self.runs:
            self.done.set()
        return {"pushed": []}


def test_the_schedule_runs_each_quarter_hour_once_with_its_event():
    # Given a clock a moment before 19:00
    sender = Sender(runs=3, now=datetime(2026, 12, 4, 18, 59, 59, 950000, tzinfo=UTC))

    # When the schedule runs three times
    with QuarterHourSchedule(sender, "ReminderSenderFunctionEveryQuarterHour", clock=lambda: sender.now):  # type: ignore[arg-type]
        assert sender.done.wait(5)

    # Then it sent the events of 19:00, 19:15 and 19:30, each once
    assert [event["time"] for event in sender.events[:3]] == [
        "2026-12-04T19:00:00Z", "2026-12-04T19:15:00Z", "2026-12-04T19:30:00Z",
    ]  # fmt: skip
    assert sender.events[0]["detail-type"] == "Scheduled Event"
    assert sender.events[0]["resources"][0].endswith(
        "rule/practice-api-ReminderSenderFunctionEveryQuarterHour"
    )


def test_the_next_quarter_hour_and_a_push_printed(capsys):
    assert next_quarter_hour(datetime(2026, 12, 4, 19, 0, tzinfo=UTC)) == datetime(
        2026, 12, 4, 19, 15, tzinfo=UTC
    )
    assert next_quarter_hour(datetime(2026, 12, 4, 19, 14, 59, tzinfo=UTC)).minute == 15
    print_pushes(
        {"pushed": [{"user_id": "1", "kind": "practice", "language": "es", "title": "T", "body": "B"}]}
    )
    assert capsys.readouterr().out == "push  1  practice  [es] T: B\n"
