"""Shared fixtures. The environment is the one template.yaml gives the API function, set before
the handler module is imported (its settings are read at import, as on a cold start)."""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from practice_local.cloud.template import function_environment, load_template

REPO_ROOT = Path(__file__).resolve().parents[1]
EVENTS_DIR = REPO_ROOT / "events"
COURSES_DIR = REPO_ROOT / "content" / "courses"
TABLE_NAMES = {"PracticeTable": "practice-test", "IdempotencyTable": "practice-idempotency-test"}
ERASURE_QUEUE = "practice-erasures-test"
ERASURE_QUEUE_URL = f"https://sqs.eu-west-1.amazonaws.com/123456789012/{ERASURE_QUEUE}"  # as moto names it
FIT_QUEUE = "practice-fits-test"
FIT_QUEUE_URL = f"https://sqs.eu-west-1.amazonaws.com/123456789012/{FIT_QUEUE}"

os.environ.update(
    {
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_DEV": "false",
        **function_environment(
            load_template(),
            "PracticeApiFunction",
            {**TABLE_NAMES, "ErasureQueue": ERASURE_QUEUE_URL, "FitQueue": FIT_QUEUE_URL},
        ),
    }
)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_PROFILE", None)


class FakeClock:
    """The service's clock in tests: it stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class LambdaContext:
    function_name: str = "PracticeApiFunction"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:PracticeApiFunction"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / name).read_text())
    return event


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext()


def midday_today() -> FakeClock:
    """A clock at midday UTC today: far from the learners' 04:00 day start, so that no session of a
    test straddles two learner days."""
    return FakeClock(datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0))


@pytest.fixture
def clock() -> FakeClock:
    """Starts at midday UTC today (item TTLs and expiries stay meaningful, and a test that moves
    it on by minutes never crosses the learners' 04:00 day start, whenever CI runs), then moves
    only on demand. Times a test makes up are taken from it, never from the real clock."""
    return midday_today()


@pytest.fixture
def template() -> dict[str, Any]:
    return load_template()
