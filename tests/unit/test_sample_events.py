"""The sample events are valid API Gateway HTTP API (payload 2.0) events for template routes,
or SQS events of the account worker's queue."""

import json
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventV2Model, SqsModel

from practice.erasure import ErasureRequest
from practice_local.template import http_api_routes, load_template

ALL_EVENTS = sorted((Path(__file__).resolve().parents[2] / "events").glob("*.json"))
SQS_EVENTS = [path for path in ALL_EVENTS if "Records" in json.loads(path.read_text())]
EVENTS = [path for path in ALL_EVENTS if path not in SQS_EVENTS]
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
def test_each_sqs_sample_event_asks_the_account_worker_to_erase_a_learner(path):
    event = SqsModel.model_validate(json.loads(path.read_text()))
    worker_events = load_template()["Resources"]["AccountWorkerFunction"]["Properties"]["Events"]
    assert [e["Type"] for e in worker_events.values()] == ["SQS"]
    for record in event.Records:
        assert record.eventSource == "aws:sqs"
        assert ErasureRequest.model_validate_json(record.body).user_id
