"""Handler tests against moto: the tables come from template.yaml, the course from content/."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from practice.content import load_courses
from practice.repository.dynamodb import DynamoRepository
from practice_local.template import create_tables
from tests.conftest import COURSES_DIR, TABLE_NAMES, LambdaContext, load_event


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb")
        create_tables(client, TABLE_NAMES)
        load_courses(DynamoRepository(client, TABLE_NAMES["PracticeTable"]), COURSES_DIR)
        yield client


@pytest.fixture
def invoke(dynamodb: Any, lambda_context: LambdaContext) -> Callable[..., tuple[int, dict[str, Any]]]:
    """Send an event through the real handler; returns (status, JSON body)."""
    import app

    def _invoke(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = app.lambda_handler(event, lambda_context)
        return response["statusCode"], json.loads(response["body"])

    return _invoke


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
