"""The local server against already existing ("deployed") tables and queue instead of its
embedded ones.

A separate moto server stands in for the AWS account: the local server is only told the table
names, the queue's URL and the usual AWS settings, and must neither create tables nor load the
course (nor run a worker: the deployed one takes the erasures)."""

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from practice.courses.service import load_courses
from practice_local.cloud.template import create_tables
from tests.conftest import COURSES_DIR
from tests.e2e.conftest import REPO_ROOT, SERVER_ENV, free_port, running_server, stop, wait_for_port
from tests.fakes import on_dynamodb

pytestmark = pytest.mark.e2e

DEPLOYED = {
    "PracticeTable": "practice-dev-PracticeTable-X1",
    "IdempotencyTable": "practice-dev-Idempotency-X1",
}
ACCOUNT = {"AWS_ACCESS_KEY_ID": "dev", "AWS_SECRET_ACCESS_KEY": "dev", "AWS_REGION": "eu-west-1"}
QUEUE = "practice-dev-ErasureQueue-X1"


@pytest.fixture(scope="module")
def aws_account() -> Iterator[tuple[str, Any, Any]]:
    """A DynamoDB and SQS endpoint with the stack's tables (the course in them) and queue."""
    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=SERVER_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port, process)
        url = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "dynamodb",
            endpoint_url=url,
            region_name=ACCOUNT["AWS_REGION"],
            aws_access_key_id="dev",
            aws_secret_access_key="dev",
        )
        create_tables(client, DEPLOYED)
        load_courses(on_dynamodb(client, DEPLOYED["PracticeTable"]), COURSES_DIR)
        sqs = boto3.client("sqs", endpoint_url=url, region_name=ACCOUNT["AWS_REGION"],
                           aws_access_key_id="dev", aws_secret_access_key="dev")  # fmt: skip
        sqs.create_queue(QueueName=QUEUE)
        yield url, client, sqs
    finally:
        stop(process)


def test_the_server_uses_the_named_tables_and_creates_nothing(aws_account, tmp_path):
    # Given the names of the deployed tables and queue, and the account's settings
    url, client, sqs = aws_account
    queue_url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    env = {
        **ACCOUNT,
        "AWS_ENDPOINT_URL_DYNAMODB": url,
        "AWS_ENDPOINT_URL_SQS": url,
        "TABLE_NAME": DEPLOYED["PracticeTable"],
        "IDEMPOTENCY_TABLE_NAME": DEPLOYED["IdempotencyTable"],
        "ERASURE_QUEUE_URL": queue_url,
    }

    # When the local server runs against them, a learner asks for a pack, and another deletes
    with running_server(tmp_path / "server.log", env=env) as server:
        reply = server.request("GET", "/api/v2/practice/daily?user_id=e2e-deployed")
        deleted = server.request("DELETE", "/api/v2/practice/profile?user_id=e2e-leaving")

    # Then the session is in the deployed table, and no embedded table was created there
    assert reply.status == 200, reply.body
    key = {"pk": {"S": "USER#e2e-deployed"}, "sk": {"S": f"SESSION#{reply.json()['session_id']}"}}
    assert "Item" in client.get_item(TableName=DEPLOYED["PracticeTable"], Key=key)
    assert sorted(client.list_tables()["TableNames"]) == sorted(DEPLOYED.values())
    assert "the deployed tables" in server.output()
    # and the deletion's message waits in the deployed queue, for the deployed worker
    assert deleted.status == 202
    [message] = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert '"user_id":"e2e-leaving"' in message["Body"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {
                "TABLE_NAME": "practice-nowhere",
                "IDEMPOTENCY_TABLE_NAME": "idem-nowhere",
                "ERASURE_QUEUE_URL": "q" * 8,
            },
            "does not exist",
        ),
        (
            {"TABLE_NAME": DEPLOYED["PracticeTable"], "ERASURE_QUEUE_URL": "q" * 8},
            "IDEMPOTENCY_TABLE_NAME and ERASURE_QUEUE_URL must be too",
        ),
        (
            {"TABLE_NAME": DEPLOYED["PracticeTable"], "IDEMPOTENCY_TABLE_NAME": "idem"},
            "IDEMPOTENCY_TABLE_NAME and ERASURE_QUEUE_URL must be too",
        ),
    ],
    ids=["unknown-table", "idempotency-table-missing", "erasure-queue-missing"],
)
def test_a_wrong_table_setting_is_one_clear_line_and_exit_code_1(aws_account, env, message):
    # Given a misconfigured shell
    url, _, _ = aws_account

    # When the server starts
    result = subprocess.run(
        [sys.executable, "-m", "practice_local.cloud.server", "--port", str(free_port())],
        cwd=REPO_ROOT,
        env={**SERVER_ENV, **ACCOUNT, "AWS_ENDPOINT_URL_DYNAMODB": url, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # Then it says what is wrong and stops
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.internal"])
def test_against_deployed_tables_the_local_server_listens_on_this_machine_only(host):
    # Given a shell pointed at deployed tables, where local mode's ?user_id= would be anyone's
    env = {
        "TABLE_NAME": DEPLOYED["PracticeTable"],
        "IDEMPOTENCY_TABLE_NAME": "idem",
        "ERASURE_QUEUE_URL": "q" * 8,
    }

    # When the server is asked to listen beyond this machine, it refuses before listening
    result = subprocess.run(
        [sys.executable, "-m", "practice_local.cloud.server", "--host", host, "--port", str(free_port())],
        cwd=REPO_ROOT, env={**SERVER_ENV, **ACCOUNT, **env}, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "listens on this machine only (HOST=127.0.0.1)" in result.stderr
