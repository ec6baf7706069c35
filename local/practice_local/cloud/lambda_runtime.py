"""The Lambda side of a local run: a template function's handler, imported from its CodeUri the
way the runtime imports it, and invoked one event at a time with a Lambda-like context."""

import importlib
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from practice_local.cloud.template import REPO_ROOT, function_property

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
REGION = "us-east-1"


@dataclass
class LocalLambdaContext:
    """What the handler reads from its context: names, memory, request id, time left."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:123456789012:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


class LocalFunction:
    """One execution environment of a function: its handler runs one event at a time (the
    resolver and the logger keep per-request state on module globals, as they may in Lambda)."""

    def __init__(self, name: str, handler: Handler, memory_mb: int, timeout_seconds: int) -> None:
        self.name = name
        self._handler = handler
        self._memory_mb = memory_mb
        self._timeout = timeout_seconds
        self._lock = threading.Lock()

    @classmethod
    def load(cls, template: dict[str, Any], logical_id: str) -> "LocalFunction":
        """Import the function's `Handler` from its `CodeUri`. Set its environment first: the
        module reads its settings and makes its clients at import, as on a cold start."""
        code_dir = str(REPO_ROOT / function_property(template, logical_id, "CodeUri"))
        if code_dir not in sys.path:
            sys.path.insert(0, code_dir)
        module_name, _, attribute = str(function_property(template, logical_id, "Handler")).rpartition(".")
        handler: Handler = getattr(importlib.import_module(module_name), attribute)
        memory = int(function_property(template, logical_id, "MemorySize") or 128)
        timeout = int(function_property(template, logical_id, "Timeout") or 3)
        return cls(logical_id, handler, memory, timeout)

    @property
    def timeout_seconds(self) -> int:
        return self._timeout

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            context = LocalLambdaContext(self.name, self._memory_mb, self._timeout)
            return self._handler(event, context)
