"""A stalled or throttling DynamoDB is answered with a 503 and Retry-After inside the invocation's
time, never by Lambda's timeout. DynamoDB here is a socket on loopback that accepts and never
answers, or an HTTP server that throttles every request; the function's client is made as in
production (practice.runtime.clients.dynamodb_client), with short timeouts so the tests stay quick."""

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from practice.runtime.budget import DynamoTimeouts, InvocationBudget
from practice.runtime.clients import dynamodb_client
from tests.conftest import load_event
from tests.integration.conftest import serve_on

TIMEOUTS = DynamoTimeouts(connect_seconds=0.2, read_seconds=0.3, max_attempts=3)


@dataclass
class StalledDynamoDB:
    """Accepts connections and never answers; counts them (one per attempt)."""

    listener: socket.socket = field(default_factory=lambda: socket.create_server(("127.0.0.1", 0)))
    accepted: list[socket.socket] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def serve(self) -> None:
        self.listener.settimeout(0.05)
        while self.listener.fileno() != -1:
            try:
                self.accepted.append(self.listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return


class Throttling(BaseHTTPRequestHandler):
    requests = 0

    def do_POST(self) -> None:
        type(self).requests += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException"}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:  # quiet
        pass


@dataclass
class Invocation:
    """A Lambda context whose remaining time runs down with the real clock."""

    seconds: float
    started: float = field(default_factory=time.monotonic)
    function_name: str = "PracticeApiFunction"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:PracticeApiFunction"
    aws_request_id: str = "budget-test"

    def get_remaining_time_in_millis(self) -> int:
        return int((self.seconds - (time.monotonic() - self.started)) * 1000)


@pytest.fixture
def stalled() -> Iterator[StalledDynamoDB]:
    dynamodb = StalledDynamoDB()
    thread = threading.Thread(target=dynamodb.serve, daemon=True)
    thread.start()
    yield dynamodb
    dynamodb.listener.close()
    thread.join(timeout=5)
    for connection in dynamodb.accepted:
        connection.close()


@pytest.fixture
def throttling() -> Iterator[str]:
    Throttling.requests = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Throttling)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def handler_on(url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The real handler, its DynamoDB client made as in production but pointed at `url`."""
    from practice_api import dependencies
    from practice_api.app import app, lambda_handler

    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", url)
    monkeypatch.setattr(app, "dependency_overrides", {})  # restored when the test ends
    serve_on(app, dynamodb_client(TIMEOUTS, dependencies.invocation_budget()))
    return lambda_handler


def assert_503_in_time(response: dict[str, Any], invocation: Invocation) -> None:
    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"] == "1"
    assert json.loads(response["body"])["error"]["code"] == "service_unavailable"
    assert invocation.get_remaining_time_in_millis() > InvocationBudget.RESERVE_SECONDS * 1000


def test_a_stalled_dynamodb_is_a_503_after_the_clients_attempts(stalled, monkeypatch):
    # Given plenty of time: every attempt times out, and the attempts are bounded
    handler = handler_on(stalled.url, monkeypatch)  # before the clock starts
    invocation = Invocation(seconds=10)
    response = handler(load_event("get_profile.json"), invocation)
    assert_503_in_time(response, invocation)
    assert len(stalled.accepted) == TIMEOUTS.max_attempts


def test_a_stalled_dynamodb_near_the_deadline_gets_no_retry_that_could_not_finish(stalled, monkeypatch):
    # Given 1.2 s left: one attempt fits (0.5 s + the 0.5 s reserve), a retry with its pause does not
    handler = handler_on(stalled.url, monkeypatch)  # before the clock starts
    invocation = Invocation(seconds=1.2)
    response = handler(load_event("get_profile.json"), invocation)
    assert_503_in_time(response, invocation)
    assert len(stalled.accepted) == 1


def test_no_attempt_starts_when_the_invocation_has_no_time_for_one(stalled, monkeypatch):
    handler = handler_on(stalled.url, monkeypatch)  # before the clock starts
    invocation = Invocation(seconds=0.8)
    response = handler(load_event("get_profile.json"), invocation)
    assert_503_in_time(response, invocation)
    assert stalled.accepted == []


def test_a_throttling_dynamodb_is_retried_only_while_the_backoff_fits(throttling, monkeypatch):
    # Given 2.3 s left: the first retry (a pause of at most 1 s, then 0.5 s) fits before the 0.5 s
    # reserve, the second (a pause of at most 2 s) does not
    handler = handler_on(throttling, monkeypatch)  # before the clock starts
    invocation = Invocation(seconds=2.3)
    response = handler(load_event("get_profile.json"), invocation)
    assert_503_in_time(response, invocation)
    assert Throttling.requests == 2


def test_outside_an_invocation_the_budget_sets_no_limit():
    budget = InvocationBudget()
    assert budget.allows(3600)
    budget.start(lambda: 1_000)
    assert not budget.allows(0.6)
    budget.start(None)
    assert budget.allows(3600)
