"""The botocore clients the functions make: one DynamoDB client per container, the SQS client of
the erasure and optimizer queues (made when a message first needs it: runtime/sqs.py), and the
SNS client of reminders' mobile push (reminders/push.py)."""

import os
from typing import TYPE_CHECKING

import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.credentials import Credentials

from practice.runtime.budget import DynamoTimeouts, InvocationBudget

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_sns.client import SNSClient
    from mypy_boto3_sqs.client import SQSClient


DEFAULT_TIMEOUTS = DynamoTimeouts()
SERVICES = ("dynamodb", "sqs", "sns")  # every client these functions make


class _KnownServicesLoader(botocore.loaders.Loader):
    """botocore's data loader, told which services we use. The stock one checks a service's name
    against a listing of every service it ships (400+ directories, some 3,000 stat calls, twice
    per client): ~27 ms of each cold start (docs/decisions.md)."""

    def list_available_services(self, type_name: str) -> list[str]:
        return list(SERVICES)


def _session() -> botocore.session.Session:
    session = botocore.session.get_session()
    session.register_component("data_loader", _KnownServicesLoader())
    return session


def dynamodb_client(
    timeouts: DynamoTimeouts = DEFAULT_TIMEOUTS, budget: InvocationBudget | None = None
) -> "DynamoDBClient":
    """A botocore DynamoDB client: boto3 would import s3transfer and more on every cold start.
    AWS_ENDPOINT_URL_DYNAMODB points it at a local emulator; AWS_REGION is Lambda's region.

    Standard retry mode backs off on throttling; what survives it becomes a 503. Short timeouts,
    and the invocation's `budget` when given, keep a stalled DynamoDB from outlasting the function.
    Client-side parameter validation repeats what DynamoDB checks anyway and cost ~2.5 ms of each
    completion."""
    config = Config(
        parameter_validation=False,
        retries={"mode": "standard", "total_max_attempts": timeouts.max_attempts},
        connect_timeout=timeouts.connect_seconds,
        read_timeout=timeouts.read_seconds,
        tcp_keepalive=True,
    )
    session = _session()
    client: DynamoDBClient = session.create_client(  # type: ignore[assignment]
        "dynamodb", region_name=os.environ.get("AWS_REGION"), config=config
    )
    _Resolved.credentials = session.get_credentials()  # resolved by create_client: no second lookup
    if budget is not None:
        budget.attach(client, timeouts)
    return client


class _Resolved:
    """The credentials the function's DynamoDB client was made with (None: none made yet)."""

    credentials: Credentials | None = None


def aws_credentials() -> Credentials | None:
    """The function's credentials (its role's, in Lambda), for what is signed without a client:
    audio links (courses/audio.py). Those the DynamoDB client resolved at init, so that no request
    pays a second lookup of the credential chain (40 ms on the first pack, measured); botocore
    refreshes them when they near their expiry."""
    if _Resolved.credentials is None:
        _Resolved.credentials = _session().get_credentials()
    return _Resolved.credentials


def sqs_client() -> "SQSClient":
    """A botocore SQS client (AWS_ENDPOINT_URL_SQS points it at a local emulator)."""
    config = Config(retries={"mode": "standard"}, connect_timeout=1.0, read_timeout=3.0)
    client: SQSClient = _session().create_client(  # type: ignore[assignment]
        "sqs", region_name=os.environ.get("AWS_REGION"), config=config
    )
    return client


def sns_client() -> "SNSClient":
    """A botocore SNS client (AWS_ENDPOINT_URL_SNS points it at a local emulator). One attempt
    per publish: SNS does not deduplicate mobile pushes, and a retry of one whose answer was lost
    would push twice (throttling is retried by the sender's next run instead)."""
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1.0, read_timeout=3.0
    )
    client: SNSClient = _session().create_client(  # type: ignore[assignment]
        "sns", region_name=os.environ.get("AWS_REGION"), config=config
    )
    return client
