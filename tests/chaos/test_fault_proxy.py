"""The fault proxy in front of the embedded emulator: each fault reaches a botocore client (one
attempt, short timeouts) as it would from AWS, and only "lost" applies the request."""

from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from practice_local.cloud.embedded_dynamodb import EmbeddedDynamoDB
from practice_local.cloud.fault_proxy import Fault, FaultPlan, FaultProxy

pytestmark = pytest.mark.e2e
ONE_ATTEMPT = Config(retries={"total_max_attempts": 1}, connect_timeout=0.3, read_timeout=0.3)
# Setting up and checking, not under test: a fresh emulator's first answer (moto loading its
# DynamoDB backend) can take longer than the short timeouts on a loaded machine
PATIENT = Config(connect_timeout=5, read_timeout=30)
TABLE = "fault-proxy-test"


def client(service: str, url: str, config: Config = ONE_ATTEMPT) -> Any:
    session = botocore.session.get_session()
    return session.create_client(service, region_name="eu-west-1", endpoint_url=url, config=config)


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    with EmbeddedDynamoDB() as db:
        client("dynamodb", db.endpoint_url, PATIENT).create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield db.endpoint_url


def put_through(emulator: str, fault: Fault | None, key: str, stall_seconds: float = 5.0) -> Exception | None:
    """PutItem `key` through a proxy that gives every request `fault` (None: none); what the
    client raised, if anything."""
    plan = FaultPlan(rate=1.0 if fault else 0.0, seed=1, faults=(fault,) if fault else tuple(Fault))
    plan.stall_seconds = stall_seconds
    with FaultProxy(emulator, plan) as proxy:
        try:
            client("dynamodb", proxy.url).put_item(TableName=TABLE, Item={"pk": {"S": key}})
        except Exception as error:
            return error
    return None


def stored(emulator: str, key: str) -> bool:
    return "Item" in client("dynamodb", emulator, PATIENT).get_item(TableName=TABLE, Key={"pk": {"S": key}})


@pytest.mark.parametrize(
    ("fault", "raised", "applied"),
    [
        (None, None, True),
        (Fault.THROTTLE, "ThrottlingException", False),
        (Fault.ERROR, "InternalServerError", False),
        (Fault.RESET, ConnectionClosedError, False),
        (Fault.STALL, ReadTimeoutError, False),
        (Fault.LOST, ConnectionClosedError, True),
    ],
)
def test_each_fault_reaches_the_client_as_from_aws_and_only_a_lost_answer_is_applied(
    emulator, fault, raised, applied
):
    key = f"item-{fault}"
    error = put_through(emulator, fault, key)

    if raised is None:
        assert error is None
    elif isinstance(raised, str):  # an error DynamoDB answers: botocore parses its code
        assert isinstance(error, ClientError)
        assert error.response["Error"]["Code"] == raised
    else:  # a connection that fails: what botocore would retry
        assert isinstance(error, (raised, EndpointConnectionError)), repr(error)
    assert stored(emulator, key) is applied


def test_a_stall_holds_the_connection_until_the_client_gives_up(emulator):
    # A stall longer than the client's read timeout: the client gives up first, nothing is applied
    error = put_through(emulator, Fault.STALL, "stalled", stall_seconds=30)
    assert isinstance(error, ReadTimeoutError)
    assert not stored(emulator, "stalled")


def test_sns_and_sqs_get_their_own_protocols_errors(emulator):
    plan = FaultPlan(rate=1.0, seed=1, faults=(Fault.THROTTLE,))
    with FaultProxy(emulator, plan) as proxy:
        with pytest.raises(ClientError) as sns_error:
            client("sns", proxy.url).list_platform_applications()
        with pytest.raises(ClientError) as sqs_error:
            client("sqs", proxy.url).list_queues()
    assert sns_error.value.response["Error"]["Code"] == "Throttling"
    assert sqs_error.value.response["Error"]["Code"] == "ThrottlingException"
    assert proxy.log.requests == {"sns": 1, "sqs": 1}
    assert proxy.log.faults == {
        ("sns", "ListPlatformApplications", Fault.THROTTLE): 1,
        ("sqs", "ListQueues", Fault.THROTTLE): 1,
    }


def test_the_faults_drawn_follow_the_seed_and_the_rate():
    def draws(seed: int) -> list[Fault | None]:
        plan = FaultPlan(rate=0.1, seed=seed)
        return [plan.draw() for _ in range(10_000)]

    first = draws(7)
    assert first == draws(7)  # a failing run replays
    assert first != draws(8)
    faulted = [f for f in first if f is not None]
    assert 850 < len(faulted) < 1150  # 10 %, give or take three standard deviations
    assert {f: faulted.count(f) > 150 for f in Fault} == dict.fromkeys(Fault, True)  # each fault drawn


def test_a_rate_outside_0_to_1_is_refused():
    with pytest.raises(ValueError, match="share of requests"):
        FaultPlan(rate=1.5, seed=1)


class FirstAnswerLost(FaultPlan):
    """The first request's answer is lost; every other goes through."""

    def draw(self) -> Fault | None:
        self.rate, first = 0.0, self.rate == 1.0
        return Fault.LOST if first else None


def test_a_transaction_whose_answer_was_lost_is_applied_once_when_the_sdk_retries_it(emulator):
    # Given a transaction (a conditional put and an ADD) whose first answer is lost
    put = {
        "Put": {
            "TableName": TABLE,
            "Item": {"pk": {"S": "session"}, "review_log": {"B": b"\x78\x9c compressed"}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }
    add = {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": "ledger"}},
            "UpdateExpression": "ADD xp :n",
            "ExpressionAttributeValues": {":n": {"N": "5"}},
        }
    }
    retrying = Config(retries={"mode": "standard", "total_max_attempts": 3}, read_timeout=2)
    with FaultProxy(emulator, FirstAnswerLost(rate=1.0, seed=1)) as proxy:
        sdk = botocore.session.get_session().create_client(
            "dynamodb", region_name="eu-west-1", endpoint_url=proxy.url, config=retrying
        )

        # When the SDK sends it (and retries, with the same ClientRequestToken)
        sdk.transact_write_items(TransactItems=[put, add])

    # Then it succeeded, as DynamoDB answers a retry of an applied token, and was applied once
    assert proxy.log.requests == {"dynamodb": 2}
    ledger = client("dynamodb", emulator, PATIENT).get_item(TableName=TABLE, Key={"pk": {"S": "ledger"}})[
        "Item"
    ]
    assert ledger["xp"] == {"N": "5"}
