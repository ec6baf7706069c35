"""`make invoke EVENT=events/<file>.json` works for every event in events/: the API Gateway ones
through the API's handler, the SQS one through the account worker's."""

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO_ROOT, run_module


def api_gateway_events() -> list[Path]:
    paths = sorted((REPO_ROOT / "events").glob("*.json"))
    return [p for p in paths if json.loads(p.read_text()).get("version") == "2.0"]


def test_events_dir_holds_api_gateway_events():
    assert api_gateway_events(), "events/ should hold the sample API Gateway events"


def run_invoke(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m practice_local.tools.invoke ARGS`, as `make invoke` runs it."""
    return run_module("practice_local.tools.invoke", *args)


@pytest.mark.parametrize("event_file", api_gateway_events(), ids=lambda p: p.name)
def test_invoke_runs_the_event_through_the_handler(event_file):
    # Given a sample event and a fresh embedded DynamoDB
    # When it is invoked the Docker-free way
    result = run_invoke(str(event_file.relative_to(REPO_ROOT)))

    # Then stdout holds the handler's answer (status line, headers, JSON body): a success, since
    # events that name a session or a device get one made for them first
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition("\n\n")
    status_line = head.splitlines()[0]
    expected = {"delete_profile.json": "HTTP 202", "register_device.json": "HTTP 201"}
    expected["remove_device.json"] = "HTTP 204"
    assert status_line == expected.get(event_file.name, "HTTP 200"), result.stdout
    if event_file.name == "remove_device.json":  # no content
        assert body.strip() == ""
        return
    assert "content-type: application/json" in head.lower()
    assert isinstance(json.loads(body), dict)


def test_the_sample_completion_earns_what_a_real_session_earns():
    # When the README's example completion is invoked (its session started 10 minutes back)
    result = run_invoke("events/complete_session.json")

    # Then it shows a real session's outcome: minutes practised, XP, a streak begun, a day counted
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.partition("\n\n")[2])
    assert 60 < summary["duration_seconds"] <= 600
    assert summary["xp_phrases"] > 0 and summary["total_xp"] > summary["xp_phrases"]
    assert (summary["streak_before"], summary["streak_after"]) == (0, 1)
    assert summary["practice_day"] is not None
    started = summary["started_at"]
    assert all(started[:16] <= r["reviewed_at"][:16] <= summary["ended_at"][:16] for r in summary["reviews"])


def test_invoke_sends_an_sqs_event_to_the_account_worker_which_erases_its_learner():
    # Given the sample erasure event; when it is invoked (its learner practises and deletes first)
    result = run_invoke("events/erase_account.json")

    # Then the worker reports no failed record, and logged the learner's items it deleted
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"batchItemFailures": []}
    [erased] = [json.loads(line) for line in result.stderr.splitlines() if '"learner erased"' in line]
    assert erased["user_id"] == "learner-0001"
    # the session the learner started, and its day's count of session starts (docs/quotas.md)
    assert erased["items_deleted"] == 2


def test_invoke_refuses_a_file_that_is_not_an_api_gateway_event(tmp_path):
    # Given a JSON file that is not a payload-2.0 event
    not_an_event = tmp_path / "not_an_event.json"
    not_an_event.write_text('{"hello": "world"}')

    # When it is invoked
    result = run_invoke(str(not_an_event))

    # Then it says why in one line and exits with 1
    assert result.returncode == 1
    assert "is not an API Gateway HTTP API event (payload format 2.0), an SQS event, a scheduled event" in (
        result.stderr
    )


def test_a_completion_event_sent_as_is_meets_a_404_in_a_fresh_table():
    result = run_invoke("--as-is", "events/complete_session.json")
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition("\n\n")
    assert head.splitlines()[0] == "HTTP 404"
    assert json.loads(body)["error"]["code"] == "session_not_found"


def test_invoke_sends_a_fit_event_to_the_optimizer_which_fits_its_learner():
    # Given the sample fit event; when it is invoked (its learner practises 45 simulated days first)
    result = run_invoke("events/fit_learner.json")

    # Then the optimizer reports no failed record, and logged the fit it judged
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"batchItemFailures": []}
    [fitted] = [
        json.loads(line)
        for line in result.stderr.splitlines()
        if '"learner fitted"' in line or '"fit not adopted"' in line
    ]
    assert fitted["user_id"] == "learner-0001"
    assert fitted["reviews"] > 400
    assert fitted["log_loss_after"] < fitted["log_loss_before"] or fitted["message"] == "fit not adopted"


def test_invoke_sends_the_scheduled_event_to_the_sweep():
    result = run_invoke("events/sweep_fits.json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"queued": 0}  # a fresh table: nobody is due


def test_invoke_sends_the_reminder_event_to_the_sender_which_pushes_its_learners_reminder():
    # Given the sample scheduled event of the sender; when it is invoked (learner-0001 registers a
    # device with a reminder at the next quarter hour first, and the event moves to it)
    result = run_invoke("events/send_reminders.json")

    # Then the run pushed that one reminder, in the device's language (es-MX)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["due"], answer["reminded"], answer["pushes"], answer["failed"]) == (1, 1, 1, 0)
    [push] = answer["pushed"]
    assert (push["user_id"], push["kind"], push["language"]) == ("learner-0001", "practice", "es")


def test_the_reminder_event_sent_as_is_finds_no_one_due_in_a_fresh_table():
    result = run_invoke("--as-is", "events/send_reminders.json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["due"] == 0


def test_invoke_sends_the_erasure_sweep_a_tombstone_whose_message_was_lost():
    result = run_invoke("events/sweep_erasures.json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["requeued"] == 1
    assert 3600 <= report["oldest_age_seconds"] < 3700  # deleted an hour before, on a clock set back
    assert "erasure message was lost" in result.stderr


def test_invoke_runs_codedeploys_hook_event_as_the_smoke_test_of_the_local_handler():
    result = run_invoke("events/smoke_test.json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"status": "Succeeded"}
    assert "CodeDeploy is told: Succeeded" in result.stderr
