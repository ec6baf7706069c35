"""The composition root: what routes declare with Powertools `Depends()`.

Each provider builds its part once per container (functools.cache) and app.py calls them at
init, so a cold start fails fast on bad settings and the first request pays nothing more. Tests
swap any of them with `app.dependency_overrides[provider] = ...`; nothing here is patched. An
override is called as the provider would be, with the provider's own dependencies as keywords
(so `lambda **_: fake`).
"""

from functools import cache
from typing import TYPE_CHECKING, Annotated, cast

from aws_lambda_powertools.event_handler import Request
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from practice.budget import InvocationBudget
from practice.sessions import PracticeService
from practice.settings import Settings
from practice.wiring import build_service, dynamodb_client
from practice_api.identity import caller_id
from practice_api.session_start import SessionStarter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
else:  # Depends() reads the annotations at run time, where the stubs are not installed
    DynamoDBClient = object


@cache
def app_settings() -> Settings:
    """The function's settings, validated from its environment (a ValidationError names what is wrong)."""
    return Settings()  # values come from the environment


@cache
def invocation_budget() -> InvocationBudget:
    """The time left in the current invocation; lambda_handler starts it with each context."""
    return InvocationBudget()


@cache
def dynamodb(
    settings: Annotated[Settings, Depends(app_settings)],
    budget: Annotated[InvocationBudget, Depends(invocation_budget)],
) -> DynamoDBClient:
    return dynamodb_client(settings.dynamodb_timeouts, budget)


@cache
def practice_service(
    settings: Annotated[Settings, Depends(app_settings)],
    client: Annotated[DynamoDBClient, Depends(dynamodb)],
) -> PracticeService:
    return build_service(settings, client)


@cache
def session_starter(
    service: Annotated[PracticeService, Depends(practice_service)],
    settings: Annotated[Settings, Depends(app_settings)],
    client: Annotated[DynamoDBClient, Depends(dynamodb)],
) -> SessionStarter:
    return SessionStarter(service, settings, client)


def current_learner(request: Request, settings: Annotated[Settings, Depends(app_settings)]) -> str:
    """The caller's user id: the JWT's `sub`; in explicit local mode, `?user_id=` too."""
    event = cast(APIGatewayProxyEventV2, request.resolved_event)  # an HTTP API resolver's event
    return caller_id(event, local_mode=settings.local_mode)


Learner = Annotated[str, Depends(current_learner)]
Service = Annotated[PracticeService, Depends(practice_service)]
Starter = Annotated[SessionStarter, Depends(session_starter)]


def container_client() -> DynamoDBClient:
    """The client the routes get. (The cache is keyed by the arguments, and Depends() passes
    them as keywords: so does this.)"""
    return dynamodb(settings=app_settings(), budget=invocation_budget())


def build_all() -> None:
    """Build everything once, at init: bad settings fail the cold start, not a learner's request."""
    settings, client = app_settings(), container_client()
    service = practice_service(settings=settings, client=client)
    session_starter(service=service, settings=settings, client=client)
