"""What operators see: EMF metrics per outcome and log lines carrying the request's id."""

import json
import sys
from typing import Any

from tests.conftest import load_event
from tests.integration.conftest import daily_event
from tests.integration.test_complete_session_api import all_good, complete_event


def emitted(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def metric_values(lines: list[dict[str, Any]], name: str) -> list[float]:
    """Every value of metric `name` in the EMF blobs (Powertools writes values as lists)."""
    values: list[float] = []
    for line in lines:
        if "_aws" in line and name in line:
            values += line[name] if isinstance(line[name], list) else [line[name]]
    return values


def test_starting_and_completing_a_session_emit_their_metrics(invoke, capfd):
    # When a learner starts and completes a session, then retries the completion
    _, pack = invoke(daily_event())
    _, summary = invoke(complete_event(pack["session_id"], all_good(pack)))
    invoke(complete_event(pack["session_id"], all_good(pack)))
    lines = emitted(capfd.readouterr().out)

    # Then one SessionStarted, one SessionCompleted and the XP awarded, once
    assert metric_values(lines, "SessionStarted") == [1.0]
    assert metric_values(lines, "SessionCompleted") == [1.0]
    assert metric_values(lines, "XpAwarded") == [summary["total_xp"]]
    blobs = [line["_aws"] for line in lines if "_aws" in line]
    namespaces = {metric["Namespace"] for blob in blobs for metric in blob["CloudWatchMetrics"]}
    assert namespaces == {"PracticeApi"}


def test_log_lines_carry_the_requests_correlation_id(invoke, capsys, monkeypatch):
    from practice_api.observability import logger

    # The logger keeps the stdout it met at import; point it at this test's capture
    monkeypatch.setattr(logger.registered_handler, "stream", sys.stdout)

    # Given a request refused for a bad time zone (an INFO line from the error map)
    event = daily_event(headers={"x-timezone": "Mars/Olympus"})
    invoke(event)
    logs = [line for line in emitted(capsys.readouterr().out) if "level" in line]

    # Then the line names the error and the API Gateway request id, and no traceback
    [refusal] = [line for line in logs if line["message"] == "request refused"]
    assert refusal["error_code"] == "invalid_time_zone"
    assert refusal["correlation_id"] == load_event("get_daily_pack.json")["requestContext"]["requestId"]
    assert "exception" not in refusal
