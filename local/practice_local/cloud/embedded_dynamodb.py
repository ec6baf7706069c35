"""An embedded DynamoDB: moto's server mode in a thread of this process, spoken to over HTTP
with the real DynamoDB protocol. Its data lives as long as the process.

moto ignores TransactWriteItems' ClientRequestToken, which botocore fills in once per call and
sends again with each retry. DynamoDB answers a retry whose token it applied in the last 10
minutes with success and applies nothing; moto would apply it again, and fail its conditions (a
completion whose answer was lost, retried by the SDK, would read as a conflict). The emulator
keeps DynamoDB's promise.

moto's server answers each request in a thread of its own, but its DynamoDB is not thread-safe:
a transaction deep-copies every table it touches (to roll back), and a request applied meanwhile
(a client's retry after a read timeout, the queue poller's worker) changes the dicts being
copied: "dictionary changed size during iteration", a 500. DynamoDB applies each request
atomically, so the emulator takes its DynamoDB requests one at a time.
"""

import functools
import hashlib
import json
import logging
import socket
import threading
import time
from types import TracebackType
from typing import Any, Self

from moto.core.responses import ActionResult
from moto.dynamodb.exceptions import DynamodbException
from moto.dynamodb.responses import DynamoHandler
from moto.server import ThreadedMotoServer

_ONE_AT_A_TIME = threading.RLock()
TOKEN_SECONDS = 600  # how long DynamoDB remembers a transaction's ClientRequestToken
_applied_tokens: dict[str, tuple[float, str]] = {}  # token -> (when applied, digest of its items)


def _serialised(call_action: Any) -> Any:
    @functools.wraps(call_action)
    def one_at_a_time(self: DynamoHandler) -> Any:
        with _ONE_AT_A_TIME:
            return call_action(self)

    one_at_a_time.serialised = True  # type: ignore[attr-defined]
    return one_at_a_time


def _idempotent(transact: Any) -> Any:
    """TransactWriteItems as DynamoDB runs it: once per ClientRequestToken (called one at a time)."""

    @functools.wraps(transact)
    def transact_write_items(self: DynamoHandler) -> ActionResult:
        token = self.body.get("ClientRequestToken")
        if not token:
            return transact(self)  # type: ignore[no-any-return]
        now = time.monotonic()
        items = json.dumps(self.body["TransactItems"], sort_keys=True, default=repr).encode()  # B: bytes
        digest = hashlib.sha256(items).hexdigest()
        for old in [t for t, (at, _) in _applied_tokens.items() if now - at > TOKEN_SECONDS]:
            del _applied_tokens[old]
        if token in _applied_tokens:
            if _applied_tokens[token][1] != digest:
                raise DynamodbException(
                    "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
                    "this ClientRequestToken was used with other parameters",
                )
            return ActionResult({})  # applied already: success, and nothing applied again
        answer = transact(self)
        _applied_tokens[token] = (now, digest)
        return answer  # type: ignore[no-any-return]

    transact_write_items.idempotent = True  # type: ignore[attr-defined]
    return transact_write_items


if not getattr(DynamoHandler.call_action, "serialised", False):
    DynamoHandler.call_action = _serialised(DynamoHandler.call_action)  # type: ignore[method-assign]
if not getattr(DynamoHandler.transact_write_items, "idempotent", False):
    DynamoHandler.transact_write_items = _idempotent(DynamoHandler.transact_write_items)  # type: ignore[method-assign]


class EmbeddedDynamoDB:
    """`with EmbeddedDynamoDB() as db:` ... `db.endpoint_url`; port 0 picks a free port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host, self._port = host, port
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        self._started = False

    @property
    def endpoint_url(self) -> str:
        host, port = self._server.get_host_and_port()
        shown = "127.0.0.1" if host in {"0.0.0.0", ""} else host  # noqa: S104 - only naming the bind-all address
        return f"http://{shown}:{port}"

    def start(self) -> None:
        """Raises OSError when the port is taken (moto's own start would wait forever)."""
        if self._port:
            _check_free(self._host, self._port)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log line per DynamoDB call
        self._server.start()
        self._started = True

    def stop(self) -> None:
        if self._started:
            self._server.stop()
            self._started = False

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def _check_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
