"""The benchmark's own tests (part of `make test`): they stand on the local tooling, never on
the app's tests."""

import json
from typing import Any

from practice_local.cloud.lambda_runtime import LocalLambdaContext
from practice_local.cloud.template import REPO_ROOT


def peer_context() -> LocalLambdaContext:
    return LocalLambdaContext(function_name="PeerFunction", memory_limit_in_mb=1024, timeout_seconds=10)


def sample_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((REPO_ROOT / "events" / name).read_text())
    return event
