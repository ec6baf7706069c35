"""An embedded DynamoDB: moto's server mode in a thread of this process, spoken to over HTTP
with the real DynamoDB protocol. Its data lives as long as the process.

moto's server answers each request in a thread of its own, but its DynamoDB is not thread-safe:
a transaction deep-copies every table it touches (to roll back), and a request applied meanwhile
(a client's retry after a read timeout, the queue poller's worker) changes the dicts being
copied: "dictionary changed size during iteration", a 500. DynamoDB applies each request
atomically, so the emulator takes its DynamoDB requests one at a time.
"""

import functools
import logging
import socket
import threading
from types import TracebackType
from typing import Any, Self

from moto.dynamodb.responses import DynamoHandler
from moto.server import ThreadedMotoServer

_ONE_AT_A_TIME = threading.RLock()


def _serialised(call_action: Any) -> Any:
    @functools.wraps(call_action)
    def one_at_a_time(self: DynamoHandler) -> Any:
        with _ONE_AT_A_TIME:
            return call_action(self)

    one_at_a_time.serialised = True  # type: ignore[attr-defined]
    return one_at_a_time


if not getattr(DynamoHandler.call_action, "serialised", False):
    DynamoHandler.call_action = _serialised(DynamoHandler.call_action)  # type: ignore[method-assign]


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
