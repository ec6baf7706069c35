"""What an EventBridge schedule does, on this machine: a thread that invokes a function with the
scheduled event of each quarter hour, at the quarter hour (the reminder sender's `cron(0/15 ...)`),
and prints what it pushed, one line per push."""

import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from practice.domain.reminders import WINDOW
from practice.reminders.service import window_of
from practice_local.cloud.lambda_runtime import REGION, LocalFunction


def scheduled_event(at: datetime, rule: str) -> dict[str, Any]:
    """The event EventBridge sends a function for one run of a schedule rule."""
    return {
        "version": "0",
        "id": f"local-{at:%Y%m%dT%H%M}",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:123456789012:rule/practice-api-{rule}"],
        "detail": {},
    }


def next_quarter_hour(now: datetime) -> datetime:
    """The start of the sender's window after the one `now` falls in."""
    return window_of(now) + WINDOW


def print_pushes(answer: dict[str, Any]) -> None:
    """One line per push the sender made: learner, kind, text."""
    for push in answer.get("pushed", []):
        print(
            f"push  {push['user_id']}  {push['kind']}  [{push['language']}] {push['title']}: {push['body']}",
            flush=True,
        )


class QuarterHourSchedule:
    """`with QuarterHourSchedule(function):` runs it each quarter hour until the block ends."""

    def __init__(
        self,
        function: LocalFunction,
        rule: str,
        on_answer: Callable[[dict[str, Any]], None] = print_pushes,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._function = function
        self._rule = rule
        self._on_answer = on_answer
        self._clock = clock
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"schedule-{function.name}", daemon=True)

    def __enter__(self) -> "QuarterHourSchedule":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def run_once(self, at: datetime) -> dict[str, Any]:
        answer = self._function.invoke(scheduled_event(at, self._rule))
        self._on_answer(answer)
        return answer

    def _run(self) -> None:
        last: datetime | None = None
        while True:
            due = next_quarter_hour(self._clock())
            if last is not None:  # each quarter hour once, even if the wait ended early
                due = max(due, last + WINDOW)
            if self._stopped.wait(max((due - self._clock()).total_seconds(), 0)):
                return
            last = due
            try:
                self.run_once(due)
            except Exception:
                print(f"{self._function.name} failed:\n{traceback.format_exc()}", file=sys.stderr)
