"""One sample event through the real handler, against a fresh embedded DynamoDB (tables from
template.yaml, the sample course loaded): the Docker-free twin of
`sam local invoke PracticeApiFunction -e events/<file>.json` (`make invoke EVENT=...`). An SQS
event goes to the function its queue feeds, as `sam local invoke` would send it: an erasure
(`erase_account.json`) to the account worker, a fit (`fit_learner.json`) to the optimizer; the
scheduled events go to the function of their rule: `sweep_fits.json` to the optimizer's daily
sweep, `sweep_erasures.json` to the hourly erasure sweep, `send_reminders.json` to the reminder
sender; `smoke_test.json` (CodeDeploy's) runs the pre-traffic smoke test against the handler.

The response goes to stdout (status, headers, pretty JSON body); the handler's own log lines go
to stderr, as `sam local invoke` keeps them apart.

An event that names a session (`complete_session.json`, `get_session.json`) would only meet a
404 in a fresh table, so a session is started first for the event's caller (through the handler,
with events/get_daily_pack.json) and the event is pointed at it; a completion's session is
started 10 minutes back, its reviews moved into it, so that it earns what a real one does; the history
(`list_sessions.json`) gets one to list the same way. An erasure gets a learner to erase: the
event's learner starts a session and deletes their account (events/delete_profile.json) first. A
fit gets a learner to fit: the event's learner practises 45 simulated days first. The erasure
sweep gets a tombstone an hour old whose message was lost: learner-0001 deleted their account
on a clock set back an hour, and the queue is emptied. The reminder
sender's run gets a learner to remind: learner-0001 registers a device (events/register_device.json)
with a reminder at the next quarter hour (in a zone where that is 12:00-13:00), and the event is
moved to that quarter hour.
`--as-is` sends the event unchanged.
"""

import argparse
import json
import sys
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from deploy_hooks.smoke import run_hook

from practice.compose import dynamodb_stores
from practice.runtime.clients import dynamodb_client
from practice_local.cloud.lambda_runtime import LocalFunction
from practice_local.cloud.schedule import next_quarter_hour
from practice_local.cloud.stack import LocalStack, LocalStackError, start_local_stack
from practice_local.cloud.template import REPO_ROOT, load_template
from practice_local.cloud.wiring import api_served_on
from practice_local.simulation.learner import practise_simulated

DAILY_PACK_EVENT = REPO_ROOT / "events" / "get_daily_pack.json"
DELETE_EVENT = REPO_ROOT / "events" / "delete_profile.json"
HISTORY_ROUTE = "GET /api/v2/practice/sessions"
COMPLETE_ROUTE = "POST /api/v2/practice/sessions/{session_id}/complete"
PRACTICE_MINUTES = 10  # how long ago the sample completion's session starts
FIT_QUEUE_NAME, PRACTICE_DAYS_BEFORE_A_FIT = "practice-fits", 45
OPTIMIZER_SWEEP_ID, ERASURE_SWEEP_ID = "OptimizerSweepFunction", "ErasureSweepFunction"
REGISTER_DEVICE_EVENT = REPO_ROOT / "events" / "register_device.json"
UPDATE_PROFILE_EVENT = REPO_ROOT / "events" / "update_profile.json"


class NotAnApiEvent(ValueError):
    pass


def read_event(path: Path) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, or an SQS event, from a JSON file."""
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise NotAnApiEvent(f"cannot read {path}: {error}") from error
    if isinstance(event, dict) and (
        is_sqs_event(event) or is_api_event(event) or is_scheduled_event(event) or is_hook_event(event)
    ):
        return event
    raise NotAnApiEvent(
        f"{path} is not an API Gateway HTTP API event (payload format 2.0), an SQS event,"
        " a scheduled event nor a CodeDeploy hook's event"
    )


def is_hook_event(event: dict[str, Any]) -> bool:
    return "DeploymentId" in event and "LifecycleEventHookExecutionId" in event


class CodeDeployShown:
    """CodeDeploy as the local hook reports to it: the report, on stderr."""

    def put_lifecycle_event_hook_execution_status(self, **report: str) -> dict[str, str]:
        print(f"CodeDeploy is told: {report['status']}", file=sys.stderr)
        return {"lifecycleEventHookExecutionId": report["lifecycleEventHookExecutionId"]}


def is_scheduled_event(event: dict[str, Any]) -> bool:
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"


def is_fit_event(event: dict[str, Any]) -> bool:
    return all(record["eventSourceARN"].endswith(FIT_QUEUE_NAME) for record in event["Records"])


def is_api_event(event: dict[str, Any]) -> bool:
    return event.get("version") == "2.0" and "requestContext" in event


def is_sqs_event(event: dict[str, Any]) -> bool:
    records = event.get("Records")
    return isinstance(records, list) and all(record.get("eventSource") == "aws:sqs" for record in records)


def delete_learners_of(event: dict[str, Any], invoke: Any) -> None:
    """Give each learner an erasure names something to erase: a session, then a deletion."""
    for record in event["Records"]:
        user_id = json.loads(record["body"])["user_id"]
        for path in (DAILY_PACK_EVENT, DELETE_EVENT):
            api_event = read_event(path)
            api_event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
            invoke(api_event)
        print(f"{user_id} started a session and deleted their account (--as-is to skip)", file=sys.stderr)


def start_session_for(event: dict[str, Any], start: dict[str, Any], invoke: Any) -> str:
    """Start a session for `event`'s caller with the `start` event; its id."""
    start["requestContext"]["authorizer"] = event["requestContext"].get("authorizer")
    if "user_id" in (event.get("queryStringParameters") or {}):  # local mode's caller
        start["queryStringParameters"] = {"user_id": event["queryStringParameters"]["user_id"]}
    session_id: str = json.loads(invoke(start)["body"])["session_id"]
    print(f"started session {session_id} for this event's caller (--as-is to skip)", file=sys.stderr)
    return session_id


def for_new_session(event: dict[str, Any], start: dict[str, Any], invoke: Any) -> dict[str, Any]:
    """`event`, pointed at a session just started for the same caller by the `start` event."""
    return pointed_at(event, "session_id", start_session_for(event, start, invoke))


def for_session_practised(event: dict[str, Any], stack: LocalStack, now: datetime) -> dict[str, Any]:
    """The completion `event`, of a session its caller started PRACTICE_MINUTES ago (the handler
    on a clock set back that far), its reviews moved into that session as they were spaced: so
    it earns what a real one earns (XP, a streak, a practice day), not the nothing of a session
    completed the instant it started."""
    started = now - timedelta(minutes=PRACTICE_MINUTES)
    with api_served_on(dynamodb_client(), clock=lambda: started):
        event = for_new_session(event, read_event(DAILY_PACK_EVENT), stack.function.invoke)
    body = json.loads(event["body"])
    times = [datetime.fromisoformat(r["reviewed_at"]) for r in body.get("reviews", []) if "reviewed_at" in r]
    if "completed_at" in body:
        times.append(datetime.fromisoformat(body["completed_at"]))
    if times:
        shift = started + timedelta(minutes=1) - min(times)  # the first review a minute in

        def moved(at: str) -> str:
            return (datetime.fromisoformat(at) + shift).strftime("%Y-%m-%dT%H:%M:%SZ")

        for review in body.get("reviews", []):
            if "reviewed_at" in review:
                review["reviewed_at"] = moved(review["reviewed_at"])
        if "completed_at" in body:
            body["completed_at"] = moved(body["completed_at"])
    event["body"] = json.dumps(body)
    event["headers"] = {**event["headers"], "content-length": str(len(event["body"]))}
    print(
        f"the session was started {PRACTICE_MINUTES} minutes ago, its reviews moved into it", file=sys.stderr
    )
    return event


def for_new_device(event: dict[str, Any], register: dict[str, Any], invoke: Any) -> dict[str, Any]:
    """`event`, pointed at a device just registered for the same caller (events/register_device.json)."""
    register["requestContext"]["authorizer"] = event["requestContext"].get("authorizer")
    device_id: str = json.loads(invoke(register)["body"])["device_id"]
    print(f"registered device {device_id} for this event's caller (--as-is to skip)", file=sys.stderr)
    return pointed_at(event, "device_id", device_id)


def pointed_at(event: dict[str, Any], parameter: str, value: str) -> dict[str, Any]:
    """`event` with its path parameter `parameter` (and its path) set to `value`."""
    old = event["pathParameters"][parameter]
    http = event["requestContext"]["http"]
    event["rawPath"] = event["rawPath"].replace(old, value)
    http["path"] = http["path"].replace(old, value)
    event["pathParameters"] = {**event["pathParameters"], parameter: value}
    return event


def format_response(response: dict[str, Any]) -> str:
    lines = [f"HTTP {response.get('statusCode')}"]
    lines += [f"{name}: {value}" for name, value in (response.get("headers") or {}).items()]
    lines += [f"set-cookie: {cookie}" for cookie in response.get("cookies") or []]
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        return "\n".join([*lines, "", f"<{len(body)} characters of base64>"])
    try:
        pretty = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        pretty = body
    return "\n".join([*lines, "", pretty])


def practise_learners_of(event: dict[str, Any], stack: LocalStack) -> None:
    """Give each learner a fit names reviews to fit: simulated days of practice."""
    stores = dynamodb_stores(dynamodb_client(), stack.table_names["PracticeTable"])
    for record in event["Records"]:
        user_id = json.loads(record["body"])["user_id"]
        reviews = practise_simulated(stores, user_id, PRACTICE_DAYS_BEFORE_A_FIT)
        print(
            f"{user_id} practised {PRACTICE_DAYS_BEFORE_A_FIT} days, {reviews} reviews (--as-is to skip)",
            file=sys.stderr,
        )


def scheduled_function(event: dict[str, Any]) -> str:
    """The logical id of the function a scheduled event's rule invokes (SAM names the rule
    <stack>-<function><event>)."""
    [rule] = event["resources"]
    scheduled = [
        name
        for name, resource in load_template()["Resources"].items()
        if any(e["Type"] == "Schedule" for e in resource.get("Properties", {}).get("Events", {}).values())
    ]
    return next((name for name in scheduled if f"rule/practice-api-{name}" in rule), OPTIMIZER_SWEEP_ID)


def delete_an_hour_ago(stack: LocalStack, now: datetime) -> None:
    """Give the erasure sweep a tombstone to find: learner-0001 started a session and deleted
    their account an hour ago (the handler on a clock set back), and its message was lost."""
    with api_served_on(dynamodb_client(), clock=lambda: now - timedelta(hours=1)):
        delete_learners_of(
            {"Records": [{"body": json.dumps({"user_id": "learner-0001"})}]}, stack.function.invoke
        )
    assert stack.erasure_queue is not None  # an embedded stack has its queues
    stack.erasure_queue.lose_all()
    print("learner-0001's erasure message was lost (--as-is to skip)", file=sys.stderr)


def is_reminders_event(event: dict[str, Any]) -> bool:
    return any("ReminderSender" in rule for rule in event.get("resources", []))


def remind_at_next_quarter_hour(event: dict[str, Any], invoke: Any, now: datetime) -> dict[str, Any]:
    """Give learner-0001 a device and a reminder at the next quarter hour, in a fixed-offset zone
    where that falls between 12:00 and 13:00 (out of quiet hours whatever the hour here); the
    event, moved to that quarter hour."""
    window = next_quarter_hour(now)
    offset = 12 - window.hour  # hours east of UTC: -11 to +12, each a zone of IANA's Etc/ area
    zone = "Etc/GMT" + (f"{-offset:+d}" if offset else "")
    local = window + timedelta(hours=offset)
    settings = read_event(UPDATE_PROFILE_EVENT)
    settings["body"] = json.dumps(
        {"time_zone": zone, "reminders": {"enabled": True, "time": f"{local:%H:%M}"}}
    )
    for request in (settings, read_event(REGISTER_DEVICE_EVENT)):
        response = invoke(request)
        assert response["statusCode"] in {200, 201}, response
    print(
        f"learner-0001 registered a device, with a reminder at {local:%H:%M} {zone} (--as-is to skip)",
        file=sys.stderr,
    )
    return {**event, "time": window.strftime("%Y-%m-%dT%H:%M:%SZ")}


def run_scheduled(event: dict[str, Any], stack: LocalStack, as_is: bool) -> str:
    """A scheduled event to the function of its rule (after what it needs, unless `as_is`)."""
    if is_reminders_event(event):
        if not as_is:
            event = remind_at_next_quarter_hour(event, stack.function.invoke, datetime.now(UTC))
        assert stack.sender is not None  # an embedded stack has its sender
        return json.dumps(stack.sender.invoke(event), indent=2, ensure_ascii=False)
    function_id = scheduled_function(event)
    if function_id == ERASURE_SWEEP_ID and not as_is:
        delete_an_hour_ago(stack, datetime.now(UTC))
    sweep = LocalFunction.load(load_template(), function_id)
    return json.dumps(sweep.invoke(event), indent=2)


def run_event(event: dict[str, Any], stack: LocalStack, as_is: bool) -> str:
    """Send `event` to its function (after what it needs, unless `as_is`); the answer, shown."""
    if is_hook_event(event):  # the smoke test, against the handler as it is here
        status = run_hook(event, stack.function.invoke, CodeDeployShown())  # type: ignore[arg-type]
        return json.dumps({"status": status}, indent=2)
    if is_scheduled_event(event):
        return run_scheduled(event, stack, as_is)
    if is_sqs_event(event) and is_fit_event(event):
        if not as_is:
            practise_learners_of(event, stack)
        assert stack.optimizer is not None  # an embedded stack has its optimizer
        return json.dumps(stack.optimizer.invoke(event), indent=2)
    if is_sqs_event(event):
        if not as_is:
            delete_learners_of(event, stack.function.invoke)
        assert stack.worker is not None  # an embedded stack has its worker
        # its partial batch response: the records that failed, if any
        return json.dumps(stack.worker.invoke(event), indent=2)
    if "device_id" in (event.get("pathParameters") or {}) and not as_is:
        event = for_new_device(event, read_event(REGISTER_DEVICE_EVENT), stack.function.invoke)
    if event.get("routeKey") == COMPLETE_ROUTE and not as_is:
        event = for_session_practised(event, stack, datetime.now(UTC))
    elif "session_id" in (event.get("pathParameters") or {}) and not as_is:
        event = for_new_session(event, read_event(DAILY_PACK_EVENT), stack.function.invoke)
    elif event.get("routeKey") == HISTORY_ROUTE and not as_is:
        start_session_for(event, read_event(DAILY_PACK_EVENT), stack.function.invoke)
    return format_response(stack.function.invoke(event))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m practice_local.tools.invoke", description=__doc__.split("\n")[0]
    )
    parser.add_argument("event", type=Path, help="an event file, e.g. events/get_daily_pack.json")
    parser.add_argument("--as-is", action="store_true", help="send the event without preparing its data")
    args = parser.parse_args(argv)
    try:
        event = read_event(args.event)
        # The handler's logger binds to stdout when its module is imported: send it to stderr.
        with redirect_stdout(sys.stderr), start_local_stack(poll_queues=False) as stack:
            answer = run_event(event, stack, args.as_is)
    except (NotAnApiEvent, LocalStackError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
