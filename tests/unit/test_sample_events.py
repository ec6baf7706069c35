"""The sample events are valid API Gateway HTTP API (payload 2.0) events for template routes,
SQS events of the account worker's or the optimizer's queue, scheduled events of the sweeps and
the reminder sender, or the CodeDeploy lifecycle event of the pre-traffic hook."""

import json
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventV2Model,
    EventBridgeModel,
    SqsModel,
)

from practice.account.queue import ErasureRequest
from practice.fitting.queue import FitRequest
from practice_local.cloud.template import http_api_routes, load_template

ALL_EVENTS = sorted((Path(__file__).resolve().parents[2] / "events").glob("*.json"))
SQS_EVENTS = [path for path in ALL_EVENTS if "Records" in json.loads(path.read_text())]
SCHEDULED_EVENTS = [path for path in ALL_EVENTS if json.loads(path.read_text()).get("source") == "aws.events"]
HOOK_EVENTS = [path for path in ALL_EVENTS if "LifecycleEventHookExecutionId" in json.loads(path.read_text())]
EVENTS = [path for path in ALL_EVENTS if path not in SQS_EVENTS + SCHEDULED_EVENTS + HOOK_EVENTS]
# Which function each queue feeds, and what its messages are
QUEUE_CONSUMERS = {
    "ErasureQueue": ("AccountWorkerFunction", ErasureRequest),
    "FitQueue": ("OptimizerFunction", FitRequest),
}
ROUTES = http_api_routes(load_template(), "PracticeApiFunction")
ROUTE_KEYS = {f"{route.method} {route.path}" for route in ROUTES}


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: p.name)
def test_each_sample_event_parses_as_an_http_api_event_of_a_template_route(path):
    event = APIGatewayProxyEventV2Model.model_validate(json.loads(path.read_text()))
    assert event.version == "2.0"
    assert event.routeKey in ROUTE_KEYS
    assert event.requestContext.http.method == event.routeKey.split()[0]
    assert event.requestContext.authorizer is not None
    assert event.requestContext.authorizer.jwt.claims["sub"]
    if "{session_id}" in event.routeKey:
        assert event.pathParameters == {"session_id": event.rawPath.split("/")[5]}
    if event.body is not None:
        assert json.loads(event.body)


def test_every_template_route_has_a_sample_event():
    routes_with_events = {json.loads(path.read_text())["routeKey"] for path in EVENTS}
    assert routes_with_events == {key for key in ROUTE_KEYS if not key.startswith("ANY ")}


@pytest.mark.parametrize("path", SQS_EVENTS, ids=lambda p: p.name)
def test_each_sqs_sample_event_carries_a_message_of_the_function_its_queue_feeds(path):
    event = SqsModel.model_validate(json.loads(path.read_text()))
    queue = queue_of(path)
    function, message = QUEUE_CONSUMERS[queue]
    consumer_events = load_template()["Resources"][function]["Properties"]["Events"]
    assert [e["Properties"]["Queue"] for e in consumer_events.values()] == [{"Fn::GetAtt": f"{queue}.Arn"}]
    for record in event.Records:
        assert record.eventSource == "aws:sqs"
        assert message.model_validate_json(record.body).user_id


def queue_of(path: Path) -> str:
    """The logical id of the queue a sample SQS event comes from (by its queue's name)."""
    arn = json.loads(path.read_text())["Records"][0]["eventSourceARN"]
    return "FitQueue" if arn.endswith("practice-fits") else "ErasureQueue"


def test_every_queue_has_a_sample_event():
    assert {queue_of(path) for path in SQS_EVENTS} == set(QUEUE_CONSUMERS)


def test_each_scheduled_function_has_a_sample_event_of_its_rule():
    # The rule's name (as SAM makes it) says which function a scheduled event is for
    scheduled = {
        name
        for name, resource in load_template()["Resources"].items()
        if any(e["Type"] == "Schedule" for e in resource.get("Properties", {}).get("Events", {}).values())
    }
    rules = {}
    for path in SCHEDULED_EVENTS:
        event = EventBridgeModel.model_validate(json.loads(path.read_text()))
        assert event.detail_type == "Scheduled Event"
        [rule] = event.resources
        rules[next(name for name in scheduled if f"rule/practice-api-{name}" in rule)] = path.name
    assert rules == {
        "OptimizerSweepFunction": "sweep_fits.json",
        "ErasureSweepFunction": "sweep_erasures.json",
        "ReminderSenderFunction": "send_reminders.json",
    }


def test_the_pre_traffic_hook_has_a_sample_of_codedeploys_event():
    [path] = HOOK_EVENTS
    assert set(json.loads(path.read_text())) == {"DeploymentId", "LifecycleEventHookExecutionId"}
    hooks = load_template()["Resources"]["PracticeApiFunction"]["Properties"]["DeploymentPreference"]["Hooks"]
    assert hooks == {"PreTraffic": {"Ref": "SmokeTestFunction"}}
