"""The sample events are valid API Gateway HTTP API (payload 2.0) events for template routes."""

import json
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventV2Model

from practice_local.template import http_api_routes, load_template

EVENTS = sorted((Path(__file__).resolve().parents[2] / "events").glob("*.json"))
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
