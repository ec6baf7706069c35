"""A client generated from the committed spec drives the practice loop against the local server:
openapi-typescript makes the types, openapi-fetch the calls, and strict TypeScript compiles the
loop (tests/e2e/ts_client/practice_loop.ts). A response field the spec left optional, or a
request the spec does not allow, fails the compile; what the server answers, the assertions."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from practice_local.cloud.events import unsigned_jwt
from tests.e2e.conftest import REPO_ROOT, LocalServer

TS_CLIENT = REPO_ROOT / "tests" / "e2e" / "ts_client"


def run(*command: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=TS_CLIENT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def practice_loop() -> Path:
    """The loop, compiled against types generated from docs/openapi.json just now."""
    assert shutil.which("npm"), "npm is needed for this test"
    assert shutil.which("node"), "Node.js is needed for this test"
    run("npm", "ci", "--no-audit", "--no-fund")
    run("npm", "run", "--silent", "generate")
    run("npm", "run", "--silent", "build")  # tsc --strict
    return TS_CLIENT / "build" / "practice_loop.js"


def test_a_client_generated_from_the_spec_completes_a_session(local_server: LocalServer, practice_loop: Path):
    token = unsigned_jwt({"sub": "generated-client"})
    seen = json.loads(run("node", str(practice_loop), local_server.url, token).stdout.splitlines()[-1])

    # The first pack of a new learner: new phrases, both kinds of result, a dialog
    assert seen["phrases"] > 0
    assert (seen["status"], seen["stored_status"]) == ("completed", "completed")
    assert seen["review_log"] == seen["reviews_sent"] == seen["phrases"] + 1  # the learning step too
    # completed the moment it was served: the reviews count, but earn nothing (scoring.py)
    assert (seen["total_xp"], seen["learner_total_xp"], seen["streak_after"]) == (0, 0, 0)
    assert seen["practice_day"] is None
    assert seen["daily_new_limit"] == 5
    # and an error body, typed as the spec's ErrorResponse
    assert (seen["missing_status"], seen["missing_code"]) == (404, "session_not_found")
    # the progress routes through the same generated client
    assert seen["history_ids"] == [seen["session_id"]]
    assert (seen["forged_status"], seen["forged_code"]) == (400, "invalid_cursor")
    assert seen["stats_days"] == 30
    # the phrasebook holds the phrases the completion rated, once each; nothing changed since;
    # and a conditional GET with the page's ETag is a 304 without a body
    rated = seen["phrases"]
    assert len(seen["book"]) == rated and len({row[0] for row in seen["book"]}) == rated
    assert all(
        state in {"learning", "review", "relearning"} and reps >= 1 for _, state, reps, _ in seen["book"]
    )
    assert all(0 <= strength <= 1 for strength in seen["book_strengths"])
    assert seen["book_delta"] == [0, 0, False]
    assert seen["book_tag"].startswith('"') and (seen["book_again_status"], seen["book_again_body"]) == (
        304,
        None,
    )
    assert seen["stats_today"]["goal_xp"] == seen["goal_xp"] == 50
    assert seen["stats_today"]["xp"] == 0  # the instant completion earned nothing
    # the catalog, an unknown course refused, and a switch that the next pack follows
    spanish, french = seen["courses"]
    assert spanish[:3] == ["es-en", spanish[1], True] and spanish[1] >= 1000
    assert french == ["fr-en", french[1], False, 0] and french[1] >= 1000
    assert (seen["unknown_course_status"], seen["unknown_course_code"]) == (404, "unknown_course")
    assert seen["switched_course"] == seen["french_pack_course"] == "fr-en"
    assert seen["switched_progress"] == [["es-en", spanish[3]], ["fr-en", 0]]
    assert seen["french_pack_audio"] == []  # today's new phrases were Spanish; the server has no audio
    # the export, its items told apart by their type, then the deletion
    sessions = [key for key in seen["exported_keys"] if key.startswith("session:")]
    assert sessions == [f"session:{seen['session_id']}", f"session:{seen['french_session_id']}"]
    assert sum(key.startswith("card:") for key in seen["exported_keys"]) == seen["phrases"]
    assert seen["devices"] == [201, 200, 201, 204]
    assert seen["device_ids"][0] == seen["device_ids"][1] and seen["device_language"] == "fr"
    assert [key for key in seen["exported_keys"] if key.startswith("device:")] == [
        f"device:{seen['device_ids'][0]}"
    ]
    assert seen["reminders"]["time"] == "08:30" and seen["reminders"]["devices"] == 1
    assert seen["reminders"]["next_reminder_at"].endswith(":30:00Z")
    assert (seen["deleted_status"], seen["deleted"]) == (202, "deleting")
    assert seen["total_xp_after_deletion"] == 0
    assert seen["export_after_deletion"] == {"profile": None, "items": [], "next_cursor": None}
