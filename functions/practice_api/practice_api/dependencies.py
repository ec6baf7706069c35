"""What routes declare with Powertools `Depends()`, each built once per container from the one
composition root (practice.compose).

Each provider builds its part once (functools.cache) and app.py calls them at init, so a cold
start fails fast on bad settings and the first request pays nothing more. Tests swap any of them
with `app.dependency_overrides[provider] = ...`; nothing here is patched.

The providers call each other directly rather than through `Depends()`: Powertools resolves a
route's dependency tree from type hints on every request, and each level cost ~0.03 ms of a 2 ms
budget for objects that are built once anyway. So a test that wants the function on another
client overrides the services and the starter, built on it (tests/integration/conftest.py).
"""

from functools import cache
from typing import TYPE_CHECKING, Annotated, cast

from aws_lambda_powertools.event_handler import Request
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from practice.compose import ApiServices, api_services
from practice.runtime.budget import InvocationBudget
from practice.runtime.clients import dynamodb_client
from practice.runtime.settings import Settings
from practice_api.http.identity import caller_id
from practice_api.observability import logger
from practice_api.sessions.start import SessionStarter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@cache
def app_settings() -> Settings:
    """The function's settings, validated from its environment (a ValidationError names what is wrong)."""
    return Settings()  # values come from the environment


@cache
def invocation_budget() -> InvocationBudget:
    """The time left in the current invocation; lambda_handler starts it with each context."""
    return InvocationBudget()


@cache
def dynamodb() -> "DynamoDBClient":
    """The function's DynamoDB client, its calls kept inside the invocation's time budget."""
    return dynamodb_client(app_settings().dynamodb_timeouts, invocation_budget())


@cache
def services() -> ApiServices:
    return api_services(app_settings(), dynamodb(), request_id=logger.get_correlation_id)


@cache
def session_starter() -> SessionStarter:
    return SessionStarter(services().sessions, services().audio, app_settings(), dynamodb())


def current_learner(request: Request) -> str:
    """The caller's user id: the JWT's `sub`; in explicit local mode, `?user_id=` too."""
    event = cast(APIGatewayProxyEventV2, request.resolved_event)  # an HTTP API resolver's event
    return caller_id(event, local_mode=app_settings().local_mode)


Learner = Annotated[str, Depends(current_learner)]
Services = Annotated[ApiServices, Depends(services)]
Starter = Annotated[SessionStarter, Depends(session_starter)]


def build_all() -> None:
    """Build everything once, at init: bad settings fail the cold start, not a learner's request."""
    session_starter()
