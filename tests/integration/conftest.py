"""Handler tests against moto: the tables come from template.yaml, the course from content/.
The handler's service is overridden with one on this test's client, so every test gets a fresh
service on a fresh table, and hooks on that client see exactly the handler's requests."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from moto import mock_aws

from practice.compose import ApiServices, dynamodb_stores
from practice.courses.service import load_courses
from practice.runtime.clients import dynamodb_client, sqs_client
from practice.runtime.clock import utc_now
from practice.runtime.settings import Settings
from practice_local.cloud.template import create_tables
from practice_local.cloud.wiring import serve_api_on
from tests.conftest import (
    COURSES_DIR,
    ERASURE_QUEUE,
    FIT_QUEUE,
    TABLE_NAMES,
    FakeClock,
    LambdaContext,
    load_event,
)
from tests.fakes import AllStores, in_memory, on_dynamodb, services_on

Hook = Callable[..., Any]


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    """A DynamoDB client made as the function makes it, on moto's tables with the course loaded
    (and moto's erasure queue, which DELETE /profile sends to)."""
    with mock_aws():
        client = dynamodb_client()
        create_tables(client, TABLE_NAMES)
        sqs_client().create_queue(QueueName=ERASURE_QUEUE)
        sqs_client().create_queue(QueueName=FIT_QUEUE)
        load_courses(dynamodb_stores(client, TABLE_NAMES["PracticeTable"]).courses, COURSES_DIR)
        yield client


@pytest.fixture(params=["dynamodb", "in-memory"])
def repository(request: pytest.FixtureRequest) -> AllStores:
    """Every store, twice: on moto's DynamoDB and in memory (local/practice_local/simulation/memory/)."""
    if request.param == "in-memory":
        return in_memory(COURSES_DIR)
    return on_dynamodb(request.getfixturevalue("dynamodb"), TABLE_NAMES["PracticeTable"])


@pytest.fixture
def service(repository: AllStores, clock: FakeClock) -> ApiServices:
    return services_on(repository, clock)


def serve_on(
    app: APIGatewayHttpResolver, client: Any, clock: FakeClock | None = None, settings: Settings | None = None
) -> None:
    """Point the handler's routes (`app`'s) at `client`: its services and session starter, built
    on it (with `clock` as the service's clock, and `settings` instead of the environment's,
    when given)."""
    serve_api_on(client, clock or utc_now, settings)


@pytest.fixture
def api(dynamodb: Any, clock: FakeClock) -> Iterator[APIGatewayHttpResolver]:
    """The handler's resolver, serving from this test's client (a fresh service per test) on the
    test's clock: a session lasts as long as the test moves the clock on before completing it."""
    from practice_api.app import app

    serve_on(app, dynamodb, clock)
    yield app
    app.dependency_overrides.clear()


@pytest.fixture
def invoke(
    api: APIGatewayHttpResolver, lambda_context: LambdaContext
) -> Callable[..., tuple[int, dict[str, Any]]]:
    """Send an event through the real handler; returns (status, JSON body)."""
    from practice_api.app import lambda_handler

    def _invoke(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = lambda_handler(event, lambda_context)
        return response["statusCode"], json.loads(response["body"])

    return _invoke


@pytest.fixture
def on_dynamodb_call(dynamodb: Any) -> Iterator[Callable[[Hook], None]]:
    """Register a botocore `before-call` hook on the test's client (a hook that returns an
    answer replaces DynamoDB's); every hook registered is removed when the test ends."""
    registered: list[Hook] = []

    def register(hook: Hook) -> None:
        dynamodb.meta.events.register("before-call.dynamodb", hook)
        registered.append(hook)

    yield register
    for hook in registered:
        dynamodb.meta.events.unregister("before-call.dynamodb", hook)


@pytest.fixture
def dynamodb_requests(on_dynamodb_call: Callable[[Hook], None]) -> list[str]:
    """The operations sent to DynamoDB from now on, in order (clear() it to start counting again)."""
    operations: list[str] = []
    on_dynamodb_call(lambda model, **_: operations.append(model.name))
    return operations


def daily_event(
    *,
    sub: str | None = "learner-0001",
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The sample daily-pack event, for another learner, headers or query string."""
    event = load_event("get_daily_pack.json")
    if sub is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = sub
    event["headers"] = {k: v for k, v in event["headers"].items() if k != "x-timezone"} | (headers or {})
    if query:
        event["queryStringParameters"] = query
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    return event
