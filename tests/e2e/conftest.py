"""The local server (`python -m practice_local.cloud.server`) in a subprocess, driven over real HTTP.

The server is stopped at the end of the module whatever the tests did: terminate, wait, and kill
only if it does not stop by itself."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The environment of a developer's shell, without the AWS and table settings the tests set here.
NOT_INHERITED = ("AWS_", "TABLE_", "IDEMPOTENCY_", "ERASURE_", "PRACTICE_")
SERVER_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED)},
    "PYTHONPATH": os.pathsep.join(
        str(REPO_ROOT / part)
        for part in ("shared", "functions/practice_api", "functions/deploy_hooks", "local")
    ),
    "PYTHONUNBUFFERED": "1",
}
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
READY_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10


def run_module(
    module: str, *args: str, env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m MODULE ARGS` from the repository root, as make runs it; its output captured."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env=env or SERVER_ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class LocalServer:
    url: str
    dynamodb_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> Reply:
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with NO_PROXY.open(request, timeout=10) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())

    def raw(self, request: bytes) -> Reply:
        """Send bytes no well-behaved client would, read the answer up to the connection's end."""
        host, port = self.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(request)
            data = b""
            while chunk := connection.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in header_lines)
        return Reply(int(status_line.split()[1]), headers, body)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def dynamodb(self) -> Any:
        """A client of the server's embedded DynamoDB (same region as the server's)."""
        return boto3.client(
            "dynamodb",
            endpoint_url=self.dynamodb_url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@contextmanager
def running_server(
    log: Path, *extra_args: str, env: dict[str, str] | None = None, audio: bool = False
) -> Iterator[LocalServer]:
    """The server as `make run` starts it; without its audio upload unless `audio` (the upload
    takes the machine's cores for some seconds, which only the audio test needs)."""
    port, dynamodb_port = free_port(), free_port()
    command = [sys.executable, "-m", "practice_local.cloud.server", "--port", str(port)]
    command += ["--dynamodb-port", str(dynamodb_port), *extra_args, *([] if audio else ["--no-audio"])]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env={**SERVER_ENV, **(env or {})}, stdout=output, stderr=subprocess.STDOUT
        )
    server = LocalServer(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{dynamodb_port}", process, log)
    try:
        wait_until_ready(server)
        yield server
    finally:
        stop(process)


def wait_until_ready(server: LocalServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the local server exited with {server.process.returncode}:\n{server.output()}")
        try:
            if server.request("GET", "/openapi.json").status == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the local server was not ready within {READY_TIMEOUT_SECONDS}s:\n{server.output()}")


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.1)
        else:
            return
    pytest.fail(f"nothing listened on port {port} within {READY_TIMEOUT_SECONDS}s")


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with running_server(tmp_path_factory.mktemp("server") / "server.log") as server:
        yield server
