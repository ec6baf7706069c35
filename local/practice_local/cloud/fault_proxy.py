"""A fault-injecting HTTP proxy between the functions and the emulated cloud (DynamoDB, SQS and
SNS in moto's server): each request, at a configured rate, meets one of the faults a real network
and a real AWS serve up, drawn from a seeded generator so that a failing run replays.

    throttle   answered at once with the service's throttling error (400), never forwarded
    error      answered at once with the service's internal error (500), never forwarded
    reset      the connection closed without an answer, never forwarded
    stall      no answer until the client gives up (its read timeout), never forwarded
    lost       forwarded and applied, then the connection closed before the answer: the client
               cannot tell it from a reset, but the write is there (a commit whose answer is lost)

The draws are taken in the order requests arrive: one client making one request at a time (the
chaos run) sees the same faults for the same seed. A request is sent to the emulator on a
connection of its own, so what one client does never waits on another's stall.
"""

import http.client
import json
import random
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit


class Fault(StrEnum):
    THROTTLE = "throttle"
    ERROR = "error"
    RESET = "reset"
    STALL = "stall"
    LOST = "lost"


@dataclass
class FaultPlan:
    """Which requests fail and how: `rate` of them, each fault as likely as the others (or those
    of `faults` only), in the order a generator seeded with `seed` draws them."""

    rate: float
    seed: int
    faults: tuple[Fault, ...] = tuple(Fault)
    stall_seconds: float = 5.0  # the longest a stall holds a connection the client keeps open
    _random: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.rate <= 1:
            raise ValueError("the fault rate is a share of requests, from 0 to 1")
        self._random = random.Random(self.seed)  # noqa: S311 - a simulation, not secrets

    def draw(self) -> Fault | None:
        with self._lock:  # one draw per request, two numbers each, whatever the outcome
            chance, pick = self._random.random(), self._random.randrange(len(self.faults))
        return self.faults[pick] if chance < self.rate else None


def service_of(target: str | None) -> str:
    """The service a request is for, by its X-Amz-Target (JSON protocols); SNS speaks the query
    protocol, which has none."""
    if target is None:
        return "sns"
    return "dynamodb" if target.startswith("DynamoDB_") else "sqs"


def operation_of(target: str | None, body: bytes) -> str:
    if target is not None:
        return target.rpartition(".")[2]
    for pair in body.decode(errors="replace").split("&"):  # the query protocol's Action=...
        name, _, value = pair.partition("=")
        if name == "Action":
            return value
    return "?"


def _error_answer(service: str, fault: Fault) -> tuple[int, str, bytes]:
    """(status, content type, body) of the service's throttling or internal error, as botocore
    parses it: a JSON `__type` for DynamoDB and SQS, an XML ErrorResponse for SNS."""
    throttled = fault is Fault.THROTTLE
    status = 400 if throttled else 500
    if service == "sns":
        code = "Throttling" if throttled else "InternalError"
        xml = (
            f"<ErrorResponse><Error><Type>{'Sender' if throttled else 'Receiver'}</Type><Code>{code}</Code>"
            f"<Message>injected {fault.value}</Message></Error><RequestId>chaos</RequestId></ErrorResponse>"
        )
        return status, "text/xml", xml.encode()
    prefix, internal = {
        "dynamodb": ("com.amazonaws.dynamodb.v20120810#", "InternalServerError"),
        "sqs": ("com.amazonaws.sqs#", "InternalFailure"),
    }[service]
    code = "ThrottlingException" if throttled else internal
    body = json.dumps({"__type": prefix + code, "message": f"injected {fault.value}"}).encode()
    return status, "application/x-amz-json-1.0", body


@dataclass
class FaultLog:
    """What the proxy did: requests by service, faults by (service, operation, fault)."""

    requests: Counter[str] = field(default_factory=Counter)
    faults: Counter[tuple[str, str, Fault]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, service: str, operation: str, fault: Fault | None) -> None:
        with self._lock:
            self.requests[service] += 1
            if fault is not None:
                self.faults[(service, operation, fault)] += 1

    def by_fault(self) -> Counter[Fault]:
        counted: Counter[Fault] = Counter()
        for (_, _, fault), n in self.faults.items():
            counted[fault] += n
        return counted


class _ProxyHandler(BaseHTTPRequestHandler):
    server: "_ProxyServer"
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

    def do_POST(self) -> None:  # every AWS protocol here is a POST
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target")
        service = service_of(target)
        fault = self.server.plan.draw()
        self.server.log.record(service, operation_of(target, body), fault)
        if fault in {Fault.THROTTLE, Fault.ERROR}:
            self._answer(*_error_answer(service, fault))
        elif fault is Fault.RESET:
            self._reset()
        elif fault is Fault.STALL:
            self._stall()
        else:
            status, headers, answer = self._forward(body)
            if fault is Fault.LOST:
                self._reset()
            else:
                self._answer(status, headers.get("Content-Type", "application/octet-stream"), answer, headers)

    do_GET = do_POST

    def _forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        upstream = http.client.HTTPConnection(
            self.server.upstream_host, self.server.upstream_port, timeout=60
        )
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in {"connection", "keep-alive"}}
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            upstream.close()

    def _answer(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            if name.lower() not in {
                "content-length",
                "content-type",
                "connection",
                "transfer-encoding",
                "date",
                "server",
            }:
                self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _reset(self) -> None:
        """Close with a TCP reset: the client's read fails at once (a connection error)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _stall(self) -> None:
        """Say nothing until the client hangs up (its read timeout) or stall_seconds pass."""
        self.connection.settimeout(self.server.plan.stall_seconds)
        try:
            while self.connection.recv(65536):
                pass
        except OSError:
            pass
        self._reset()

    def log_message(self, *_: object) -> None:  # quiet
        pass


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, upstream_url: str, plan: FaultPlan, log: FaultLog) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        parts = urlsplit(upstream_url)
        self.upstream_host, self.upstream_port = parts.hostname or "127.0.0.1", parts.port or 80
        self.plan, self.log = plan, log


class FaultProxy:
    """`with FaultProxy(emulator_url, FaultPlan(rate, seed)) as proxy:` point clients at
    `proxy.url`; `proxy.log` says what was injected. `plan` may be swapped between requests."""

    def __init__(self, upstream_url: str, plan: FaultPlan) -> None:
        self.log = FaultLog()
        self._server = _ProxyServer(upstream_url, plan, self.log)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def plan(self) -> FaultPlan:
        return self._server.plan

    @plan.setter
    def plan(self, plan: FaultPlan) -> None:
        self._server.plan = plan

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
