"""The Practice API on this machine, with no AWS account and no Docker (`make run`).

Each HTTP request becomes the API Gateway (HTTP API, payload 2.0) event of template.yaml's
route it matches, and goes to the real handler, which talks to an embedded DynamoDB holding the
template's tables and the sample course. The server also serves the API docs: /docs (Swagger UI,
its assets from the installed Powertools package) and /openapi.json.

    python -m practice_local.cloud.server [--host 127.0.0.1] [--port 3000]
"""

import argparse
import base64
import errno
import ipaddress
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aws_lambda_powertools.event_handler.openapi import swagger_ui

from practice_local.cloud.events import (
    DEFAULT_ROUTE_KEY,
    HttpRequest,
    MalformedToken,
    RouteTable,
    api_gateway_event,
    unsigned_jwt,
)
from practice_local.cloud.stack import LOCAL_AUDIO_BUCKET, LocalStack, LocalStackError, start_local_stack
from practice_local.tools.openapi import handler_resolver, openapi_spec, render

MAX_BODY_BYTES = 1024 * 1024
_DRAIN_LIMIT = 16 * MAX_BODY_BYTES  # read and drop a too-large body up to this, so the 413 arrives
_SWAGGER_ASSETS = Path(swagger_ui.__file__).parent
_DIGITS = re.compile(r"[0-9]{1,18}")
_HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive"}


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}, separators=(",", ":")).encode()


class LocalApiServer(ThreadingHTTPServer):
    """Binds at once (a taken port fails before anything starts); serves once a stack is attached.

    Each connection gets a thread; the handler itself runs one request at a time, as one Lambda
    execution environment does. The listen backlog is 128, not socketserver's 5: a burst of
    connections (a test client, a load generator) queues instead of being reset."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, host: str, port: int) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), ApiGatewayRequestHandler)

    def attach(self, stack: LocalStack) -> None:
        """The stack to serve, with its routes and its docs, ready before the first request."""
        self.stack = stack
        self.routes = RouteTable(stack.routes)
        self.spec_json = render(openapi_spec(handler_resolver())).encode()
        escaped = self.spec_json.decode().replace("</", "<\\/")  # the spec sits inside a <script>
        css, js = "/docs/swagger-ui.min.css", "/docs/swagger-ui-bundle.min.js"
        self.docs_html = swagger_ui.generate_swagger_html(escaped, js, css, "/docs", None, True).encode()


class ApiGatewayRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a mobile app's HTTP client expects
    server_version = "PracticeApiLocal"
    timeout = 30  # a client that stops sending mid-request does not hold a thread forever
    server: LocalApiServer

    def __getattr__(self, name: str) -> Any:
        # http.server looks up do_<METHOD>; every method goes to the API, as API Gateway routes any
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def _handle(self) -> None:
        self._started = time.monotonic()
        path = urlsplit(self.path).path
        if self.command in {"GET", "HEAD"} and self._serve_local_page(path):
            return
        body = self._read_body()
        if body is None:
            return
        headers, client = list(self.headers.items()), self.client_address[0]
        request = HttpRequest(self.command, self.path, headers, body, client, self.request_version)
        try:
            event = api_gateway_event(request, self.server.routes)
        except MalformedToken as error:
            self._send_json(HTTPStatus.UNAUTHORIZED, error_body("unauthenticated", str(error)))
            return
        if event["routeKey"] == DEFAULT_ROUTE_KEY:  # API Gateway answers unknown routes itself
            message = f"no route {self.command} {path}"
            self._send_json(HTTPStatus.NOT_FOUND, error_body("route_not_found", message))
            return
        try:
            response = self.server.stack.function.invoke(event)
        except Exception:  # Lambda reports a crashed handler as an error: so do we, and keep serving
            traceback.print_exc()
            message = "the handler raised an exception; see the server's output"
            self._send_json(HTTPStatus.INTERNAL_SERVER_ERROR, error_body("internal_error", message))
            return
        self._send_lambda_response(response)

    # -- the request ----------------------------------------------------------------------------

    def _read_body(self) -> bytes | None:
        """The body, or None once a 4xx has been sent for its framing or size."""
        if self.headers.get("Transfer-Encoding"):
            message = "send the body with a Content-Length (chunked bodies are not supported locally)"
            self._send_json(HTTPStatus.LENGTH_REQUIRED, error_body("length_required", message), close=True)
            return None
        lengths = {value.strip() for value in self.headers.get_all("Content-Length") or []}
        if not lengths:
            return b""
        length = lengths.pop()
        if lengths or not _DIGITS.fullmatch(length):
            message = "Content-Length must be one non-negative integer"
            self._send_json(HTTPStatus.BAD_REQUEST, error_body("invalid_header", message), close=True)
            return None
        size = int(length)
        if size > MAX_BODY_BYTES:
            if size <= _DRAIN_LIMIT:
                self._drain(size)
            message = f"the request body is larger than {MAX_BODY_BYTES} bytes"
            self._send_json(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, error_body("payload_too_large", message), True
            )
            return None
        return self.rfile.read(size)

    def _drain(self, size: int) -> None:
        while size > 0:
            chunk = self.rfile.read(min(size, 65536))
            if not chunk:
                return
            size -= len(chunk)

    def _serve_local_page(self, path: str) -> bool:
        """/docs, its assets and /openapi.json, unless the template routes that path itself."""
        if self.server.routes.match(self.command, path)[0] != DEFAULT_ROUTE_KEY:
            return False
        if path == "/openapi.json" or (path == "/docs" and parse_qs(urlsplit(self.path).query).get("format")):
            self._send(HTTPStatus.OK, self.server.spec_json, {"Content-Type": "application/json"})
        elif path in {"/docs", "/docs/"}:
            self._send(HTTPStatus.OK, self.server.docs_html, {"Content-Type": "text/html; charset=utf-8"})
        elif path in {"/docs/swagger-ui.min.css", "/docs/swagger-ui-bundle.min.js"}:
            kind = "text/css" if path.endswith(".css") else "text/javascript"
            asset = (_SWAGGER_ASSETS / path.removeprefix("/docs/")).read_bytes()
            self._send(HTTPStatus.OK, asset, {"Content-Type": kind, "Cache-Control": "max-age=3600"})
        else:
            return False
        return True

    # -- the response ---------------------------------------------------------------------------

    def _send_lambda_response(self, response: Any) -> None:
        """A payload-2.0 response; a bare JSON value means 200 with that JSON, as API Gateway does."""
        if not isinstance(response, dict) or "statusCode" not in response:
            self._send(HTTPStatus.OK, json.dumps(response).encode(), {"Content-Type": "application/json"})
            return
        body = response.get("body") or ""
        data = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode()
        headers = {
            k: str(v) for k, v in (response.get("headers") or {}).items() if k.lower() not in _HOP_BY_HOP
        }
        self._send(int(response["statusCode"]), data, headers, cookies=response.get("cookies") or [])

    def _send_json(self, status: int, body: bytes, close: bool = False) -> None:
        self._send(status, body, {"Content-Type": "application/json"}, close=close)

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str],
        cookies: Sequence[str] = (),
        close: bool = False,
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self._log_access(status)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (bad request line, headers too large, ...) as JSON errors."""
        self._started = getattr(self, "_started", time.monotonic())
        if self.request_version == "HTTP/0.9":  # an unparsable request line: answer with a status line
            self.request_version = self.protocol_version
        status = HTTPStatus(code)
        slug = re.sub(r"[^a-z]+", "_", status.phrase.lower()).strip("_")
        self._send_json(code, error_body(slug, message or status.phrase), close=True)

    def _log_access(self, status: int) -> None:
        elapsed_ms = (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000
        line = f"{self.command or '-'} {self.path if hasattr(self, 'path') else '-'} -> {int(status)}"
        print(f"{line} ({elapsed_ms:.0f} ms)", file=sys.stderr, flush=True)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Replaced by `_log_access` (one line per answer, with its duration)."""


def banner(stack: LocalStack, url: str) -> str:
    example = f'curl "{url}/api/v2/practice/daily?user_id=1"'
    token = unsigned_jwt({"sub": "1"})
    tables = ", ".join(stack.table_names.values())
    if stack.dynamodb_url:
        courses = ", ".join(stack.course_ids)
        data = (
            f"embedded DynamoDB at {stack.dynamodb_url} (tables {tables}; course {courses} loaded).\n"
            "              Its data lives as long as this process: stopping the server forgets it."
        )
    else:
        data = f"the deployed tables {tables} (AWS credentials and region from your shell)"
    routes = "\n".join(f"              {route.route_key}" for route in stack.routes)
    if stack.audio_ready is not None:
        audio = (
            f"recordings in the emulated S3 bucket {LOCAL_AUDIO_BUCKET}, uploading in the background:\n"
            "              a pack's audio_url plays once the upload says it is done (some seconds)."
        )
    else:
        audio = "AUDIO_BUCKET names the deployed bucket the packs link to (unset: no audio_url)."
    return f"""
Practice API running locally at {url}

  Try it:     {example}
  API docs:   {url}/docs  (Swagger UI; the spec: {url}/openapi.json, committed as docs/openapi.json)
  Identity:   ?user_id=<id>, or -H "Authorization: Bearer <JWT>" (its sub; signature not checked), e.g.
              curl -H "Authorization: Bearer {token}" "{url}/api/v2/practice/daily"
  Data:       {data}
  Audio:      {audio}
  Routes (template.yaml):
{routes}

Press Ctrl-C to stop.
"""


def _say_when(event: threading.Event, message: str) -> None:
    def wait() -> None:
        if event.wait(timeout=600):
            print(message, flush=True)

    threading.Thread(target=wait, name="say-when", daemon=True).start()


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name
        return False


def serve(host: str, port: int, dynamodb_host: str, dynamodb_port: int, *, audio: bool = True) -> int:
    if os.environ.get("TABLE_NAME", "").strip() and not is_loopback(host):
        # Local mode trusts `?user_id=`: on deployed tables, anyone who reached the port would be any learner
        print(
            f"error: against deployed tables (TABLE_NAME is set) the local server takes any caller's "
            f"?user_id=, so it listens on this machine only (HOST=127.0.0.1), not on {host}",
            file=sys.stderr,
        )
        return 2
    try:
        server = LocalApiServer(host, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(
                f"error: port {port} on {host} is already in use; stop what uses it or pick another: "
                f"make run PORT={port + 1}",
                file=sys.stderr,
            )
        else:
            print(f"error: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    # Ctrl-C and `kill` (SIGTERM) both stop cleanly, even where a shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with (
            server,
            start_local_stack(dynamodb_host=dynamodb_host, dynamodb_port=dynamodb_port, audio=audio) as stack,
        ):
            server.attach(stack)
            shown_host = "127.0.0.1" if host in {"0.0.0.0", ""} else f"[{host}]" if ":" in host else host  # noqa: S104
            print(banner(stack, f"http://{shown_host}:{server.server_address[1]}"), flush=True)
            if stack.audio_ready is not None:
                _say_when(stack.audio_ready, "Recordings uploaded: every phrase's audio_url plays.")
            server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("\nStopped; the embedded DynamoDB and its data are gone.", flush=True)
        return 0
    except (LocalStackError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m practice_local.cloud.server", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="port to listen on (default 3000)")
    parser.add_argument(
        "--dynamodb-host",
        default="127.0.0.1",
        help="address of the embedded DynamoDB (0.0.0.0 for `sam local`)",
    )
    parser.add_argument(
        "--dynamodb-port", type=int, default=0, help="port of the embedded DynamoDB (default: any free one)"
    )
    parser.add_argument(
        "--no-audio",
        action="store_true",
        help="no emulated audio bucket: packs carry no audio_url, and nothing is uploaded at start",
    )
    args = parser.parse_args(argv)
    return serve(args.host, args.port, args.dynamodb_host, args.dynamodb_port, audio=not args.no_audio)


if __name__ == "__main__":
    sys.exit(main())
