"""A time budget per invocation for DynamoDB calls.

botocore retries a stalled or throttling DynamoDB with timeouts and backoff that, added up, can
outlast the function's own timeout; Lambda then kills the invocation and API Gateway answers a
bare 5xx. The budget knows the time left in the current invocation (the Lambda context's clock)
and is consulted by two hooks on the client: no attempt starts, and no retry is scheduled, that
could not finish before the reserve kept for answering. What is refused surfaces as a BotoCoreError,
which the repository turns into a 503 with Retry-After.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError

TimeLeftMs = Callable[[], int]


@dataclass(frozen=True)
class DynamoTimeouts:
    """Per-attempt limits of the DynamoDB client (DynamoDB answers in milliseconds)."""

    connect_seconds: float = 1.0
    read_seconds: float = 2.0
    max_attempts: int = 3  # in all, first try included

    @property
    def attempt_seconds(self) -> float:
        return self.connect_seconds + self.read_seconds


class OutOfTime(BotoCoreError):
    fmt = "no time left in this invocation for another DynamoDB attempt"


class InvocationBudget:
    """Time left in the current invocation; unlimited outside one (local tools, tests)."""

    # botocore's standard mode sleeps at most rand() * min(scale * 2**(n-1), 20) s before retry
    # n + 1, with scale 1 s for throttling: the bound used to decide whether a retry fits.
    _THROTTLING_BACKOFF_SCALE = 1.0
    _MAX_BACKOFF = 20.0

    RESERVE_SECONDS = 0.5  # kept for answering (the 503 itself, logs, metrics)

    def __init__(self) -> None:
        self._time_left_ms: TimeLeftMs | None = None

    def start(self, time_left_ms: TimeLeftMs | None) -> None:
        """Begin an invocation with the context's `get_remaining_time_in_millis` (None: no limit)."""
        self._time_left_ms = time_left_ms

    def allows(self, seconds: float) -> bool:
        """Whether `seconds` of work still end before the reserve for answering."""
        if self._time_left_ms is None:
            return True
        return self._time_left_ms() / 1000 - self.RESERVE_SECONDS >= seconds

    def attach(self, client: Any, timeouts: DynamoTimeouts) -> None:
        """Consult this budget before every attempt and every retry of `client`."""
        attempt = timeouts.attempt_seconds

        def before_attempt(**_: Any) -> None:
            if not self.allows(attempt):
                raise OutOfTime

        def before_retry(attempts: int, **_: Any) -> bool | None:
            longest_pause = min(self._THROTTLING_BACKOFF_SCALE * 2 ** (attempts - 1), self._MAX_BACKOFF)
            if self.allows(longest_pause + attempt):
                return None  # botocore's retry handler decides
            return False  # no retry: the last error stands, and becomes a 503

        events = client.meta.events
        events.register("before-send.dynamodb", before_attempt)
        # first: botocore's own retry handler would otherwise schedule the retry and its sleep
        events.register_first("needs-retry.dynamodb", before_retry)
