"""What template.yaml gives on-call: safe deploys, tracing, a dashboard of what the functions
emit, and the alarms and protections issue 29's review asked for (docs/operations.md)."""

import json
import re
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT


def test_the_api_deploys_through_codedeploy_with_rollback_alarms_and_a_smoke_test(template):
    preference = template["Resources"]["PracticeApiFunction"]["Properties"]["DeploymentPreference"]
    assert preference["Hooks"] == {"PreTraffic": {"Ref": "SmokeTestFunction"}}
    assert preference["Alarms"] == [
        {"Ref": "ApiServerErrorsAlarm"}, {"Ref": "ApiLatencyAlarm"}, {"Ref": "FunctionErrorsAlarm"}
    ]  # fmt: skip


def test_every_function_is_traced_and_logs_with_a_retention(template):
    assert template["Globals"]["Function"]["Tracing"] == "Active"
    functions = [n for n, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"]
    groups = {str(r["Properties"]["LogGroupName"]) for r in template["Resources"].values()
              if r["Type"] == "AWS::Logs::LogGroup" and "LogGroupName" in r["Properties"]}  # fmt: skip
    for function in functions:
        assert str({"Fn::Sub": f"/aws/lambda/${{{function}}}"}) in groups, function


def dashboard(template: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's body as JSON, its ${...} substitutions replaced by a placeholder."""
    body = template["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    return json.loads(re.sub(r"\$\{[^}]+\}", "x", body))


def emitted_metrics() -> set[str]:
    """The names of the metrics the functions' code emits (Powertools' add_metric)."""
    code = "".join(p.read_text() for p in Path(REPO_ROOT, "functions").rglob("*.py"))
    return set(re.findall(r'add_metric\(\s*(?:name=)?"(\w+)"', code)) | {"FitsAdopted", "FitsKept"}


def test_the_dashboard_shows_what_on_call_needs(template):
    widgets = dashboard(template)["widgets"]
    shown = {
        name for w in widgets for line in w["properties"]["metrics"] for name in line if isinstance(name, str)
    }
    needed = {"Count", "4xx", "5xx", "Latency", "ColdStart", "ConsumedReadCapacityUnits",
              "ConsumedWriteCapacityUnits", "ReadThrottleEvents", "WriteThrottleEvents",
              "ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "FitsAdopted",
              "FitsKept", "LearnerErased", "ErasuresRequeued", "OldestTombstoneAgeSeconds",
              "QuotaRefused"}  # fmt: skip
    assert needed <= shown, needed - shown
    assert {"QuotaRefused", "LearnerErased", "ErasureQueuedLater", "ErasuresRequeued"} <= emitted_metrics()
    stats = {w["properties"].get("stat") for w in widgets} | {
        line[-1]["stat"] for w in widgets for line in w["properties"]["metrics"] if isinstance(line[-1], dict)
    }
    assert {"p50", "p99"} <= stats


def test_a_stale_tombstone_alarms_and_so_does_a_silent_sweep(template):
    alarm = template["Resources"]["StaleTombstoneAlarm"]["Properties"]
    assert (alarm["MetricName"], alarm["Threshold"], alarm["TreatMissingData"]) == (
        "OldestTombstoneAgeSeconds",
        86400,
        "breaching",
    )
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "erasure-sweep"}]


def test_both_tables_can_be_restored_to_a_point_in_time(template):
    for table in ("PracticeTable", "IdempotencyTable"):
        spec = template["Resources"][table]["Properties"]["PointInTimeRecoverySpecification"]
        assert spec == {"PointInTimeRecoveryEnabled": True}
