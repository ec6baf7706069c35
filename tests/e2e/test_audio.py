"""Audio that plays: `make run`'s packs link every phrase to its recording in the emulated S3
bucket, and the link alone (no credentials) fetches MP3 bytes."""

import signal
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import NO_PROXY, running_server, stop

UPLOAD_TIMEOUT_SECONDS = 120
UPLOADED = "Recordings uploaded"
JSON = {"Content-Type": "application/json"}


def wait_for_line(log: Path, line: str, process_alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + UPLOAD_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process_alive():
        if line in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    pytest.fail(f"'{line}' not logged within {UPLOAD_TIMEOUT_SECONDS}s:\n{log.read_text(errors='replace')}")


def fetch(url: str) -> tuple[int, str, bytes]:
    with NO_PROXY.open(urllib.request.Request(url), timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_every_phrase_of_a_pack_plays_from_its_link(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with running_server(log, audio=True) as server:
        # Given the server as `make run` starts it, once it says its recordings are uploaded
        assert "uploading in the background" in server.output()
        wait_for_line(log, UPLOADED, lambda: server.process.poll() is None)

        # When a learner of French gets a pack
        learner = "?user_id=e2e-audio"
        switch = b'{"course_id": "fr-en"}'
        assert (
            server.request("PATCH", f"/api/v2/practice/profile{learner}", body=switch, headers=JSON).status
            == 200
        )
        pack = server.request("GET", f"/api/v2/practice/daily{learner}").json()

        # Then each phrase, dialog line and drill phrase links to its own recording, which plays
        items = [*pack["new_phrases"], *pack["dialog"]["lines"], *pack["pronunciation_drill"]["phrases"]]
        assert pack["course_id"] == "fr-en" and len(items) >= 10
        for item in items:
            url = item["audio_url"]
            assert url.startswith(server.dynamodb_url + "/practice-audio-local/" + item["audio_key"] + "?")
            assert "X-Amz-Signature=" in url and "X-Amz-Expires=14400" in url
            status, content_type, body = fetch(url)
            assert (status, content_type) == (200, "audio/mpeg")
            assert body[:3] == b"ID3" or body[:2] in (b"\xff\xf3", b"\xff\xfb")  # an MP3 frame
            assert len(body) > 500

        # And the server stops cleanly
        assert stop(server.process, signal.SIGINT) == 0
    assert "Traceback" not in server.output()


def test_stopping_while_the_recordings_upload_is_clean(tmp_path: Path) -> None:
    with running_server(tmp_path / "server.log", audio=True) as server:
        exit_code = stop(server.process, signal.SIGINT)  # the upload has only begun
    assert exit_code == 0
    assert UPLOADED not in server.output()
    assert "Traceback" not in server.output()
