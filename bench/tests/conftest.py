"""The benchmark's own tests (part of `make test`): they stand on the local tooling, never on
the app's tests."""

import json
from dataclasses import dataclass
from typing import Any

from practice_local.cloud.template import REPO_ROOT


@dataclass
class LambdaContext:
    function_name: str = "PeerFunction"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:PeerFunction"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


def sample_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((REPO_ROOT / "events" / name).read_text())
    return event
