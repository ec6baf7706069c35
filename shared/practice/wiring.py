"""The composition root: one DynamoDB client per container, and the service built on it."""

import os
from typing import TYPE_CHECKING

import botocore.session
from botocore.config import Config

from practice.content import CourseCatalog
from practice.repository.dynamodb import DynamoRepository
from practice.sessions import PracticeService
from practice.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Standard retry mode backs off on throttling; what survives it becomes a 503. Short timeouts
# keep a stuck connection from eating the function's whole budget. Client-side parameter
# validation repeats what DynamoDB checks anyway and cost ~2.5 ms of each completion.
CLIENT_CONFIG = Config(
    parameter_validation=False,
    retries={"mode": "standard", "max_attempts": 4},
    connect_timeout=2,
    read_timeout=5,
    tcp_keepalive=True,
)


def dynamodb_client() -> "DynamoDBClient":
    """A botocore DynamoDB client: boto3 would import s3transfer and more on every cold start.
    AWS_ENDPOINT_URL_DYNAMODB points it at a local emulator; AWS_REGION is Lambda's region."""
    session = botocore.session.get_session()
    client: DynamoDBClient = session.create_client(  # type: ignore[assignment]
        "dynamodb", region_name=os.environ.get("AWS_REGION"), config=CLIENT_CONFIG
    )
    return client


def build_service(settings: Settings, client: "DynamoDBClient | None" = None) -> PracticeService:
    repository = DynamoRepository(client or dynamodb_client(), settings.table_name)
    catalog = CourseCatalog(repository, settings.course_cache_seconds)
    return PracticeService(repository, catalog, settings)
