"""The local server as a process: a taken port, and stopping with Ctrl-C."""

import signal
import socket

import pytest

from tests.e2e.conftest import run_module, running_server, stop

pytestmark = pytest.mark.e2e


def test_a_port_in_use_is_one_clear_line_and_exit_code_1():
    # Given something already listening on the port
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        # When the server is asked to use it
        result = run_module("practice_local.cloud.server", "--port", str(port), timeout=60)

    # Then it says so in one line and exits with 1, having started nothing
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert f"port {port}" in result.stderr
    assert "already in use" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_ctrl_c_stops_the_server_cleanly(tmp_path):
    # Given a running server that has answered a request
    with running_server(tmp_path / "server.log") as server:
        assert server.request("GET", "/api/v2/practice/daily?user_id=e2e-ctrl-c").status == 200

        # When the developer presses Ctrl-C
        exit_code = stop(server.process, signal.SIGINT)

    # Then it stops by itself, with exit code 0 and no traceback
    assert exit_code == 0
    assert "Stopped" in server.output()
    assert "Traceback" not in server.output()


def test_a_burst_of_connections_queues_while_the_server_is_busy():
    from practice_local.cloud.server import LocalApiServer

    # Given the server bound but busy (accepting nothing yet, as while it answers other requests)
    server = LocalApiServer("127.0.0.1", 0)
    port = server.server_address[1]
    burst = [socket.socket() for _ in range(64)]
    try:
        # When 64 clients connect at once
        connected = 0
        for client in burst:
            client.settimeout(0.5)
            try:
                client.connect(("127.0.0.1", port))
                connected += 1
            except OSError:  # no room in the listen queue: the handshake goes unanswered
                pass

        # Then every one is queued, none refused (socketserver's default backlog of 5 kept ~6)
        assert connected == len(burst)
    finally:
        for client in burst:
            client.close()
        server.server_close()
