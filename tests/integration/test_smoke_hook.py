"""CodeDeploy's pre-traffic hook (deploy_hooks/smoke.py): the smoke requests through the real
handler pass, a broken version fails the deploy, and CodeDeploy always hears which."""

import io
import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from deploy_hooks.smoke import SMOKE_CALLER, lambda_invoker, run_hook, smoke

from tests.conftest import LambdaContext, load_event
from tests.integration.test_account_api import items_of


class FakeCodeDeploy:
    def __init__(self) -> None:
        self.reported: list[dict[str, str]] = []

    def put_lifecycle_event_hook_execution_status(self, **report: str) -> dict[str, Any]:
        self.reported.append(report)
        return {"lifecycleEventHookExecutionId": report["lifecycleEventHookExecutionId"]}


def test_a_healthy_version_passes_and_writes_nothing(api, dynamodb):
    from practice_api.app import lambda_handler

    codedeploy = FakeCodeDeploy()
    status = run_hook(load_event("smoke_test.json"), lambda e: lambda_handler(e, LambdaContext()), codedeploy)  # type: ignore[arg-type]

    assert status == "Succeeded"
    assert codedeploy.reported == [
        {
            "deploymentId": "d-ABCDEF123",
            "lifecycleEventHookExecutionId": "eyJlbmNyeXB0ZWREYXRhIjoiZXhhbXBsZSJ9",
            "status": "Succeeded",
        }
    ]
    assert items_of(dynamodb, SMOKE_CALLER) == []


def courses(body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    return {"statusCode": status, "body": json.dumps(body)}


NOT_FOUND = courses({"error": {"code": "route_not_found", "message": "no route"}}, 404)


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ([courses({"error": {"code": "internal_error"}}, 500), NOT_FOUND], "GET /courses answered 500"),
        ([courses({"courses": []}), NOT_FOUND], "listed no course"),
        (
            [courses({"courses": [{"course_id": "es-en"}]}), courses({"message": "Not Found"}, 404)],
            "unknown route",
        ),
    ],
)
def test_a_version_that_answers_wrongly_fails_the_deploy(answers, problem):
    replies = iter(answers)
    problems = smoke(lambda _: next(replies))
    assert len(problems) == 1 and problem in problems[0]

    replies = iter(answers)
    codedeploy = FakeCodeDeploy()
    assert run_hook(load_event("smoke_test.json"), lambda _: next(replies), codedeploy) == "Failed"  # type: ignore[arg-type]
    assert codedeploy.reported[0]["status"] == "Failed"


def test_a_smoke_test_that_cannot_run_still_tells_codedeploy():
    def unreachable(_: dict[str, Any]) -> dict[str, Any]:
        raise ConnectionError("the new version could not be invoked")

    codedeploy = FakeCodeDeploy()
    assert run_hook(load_event("smoke_test.json"), unreachable, codedeploy) == "Failed"  # type: ignore[arg-type]
    assert [r["status"] for r in codedeploy.reported] == ["Failed"]


def test_the_invoker_calls_the_version_and_reads_a_crash_as_a_500():
    client = boto3.client("lambda", region_name="eu-west-1")
    version = "arn:aws:lambda:eu-west-1:123456789012:function:PracticeApiFunction:7"
    with Stubber(client) as stub:
        stub.add_response(
            "invoke",
            {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(courses({"courses": [1]})).encode())},
            {"FunctionName": version, "Payload": json.dumps({"a": 1}).encode()},
        )
        stub.add_response(
            "invoke",
            {
                "StatusCode": 200,
                "FunctionError": "Unhandled",
                "Payload": io.BytesIO(b'{"errorType": "Boom"}'),
            },
        )
        invoke = lambda_invoker(client, version)  # type: ignore[arg-type]
        assert invoke({"a": 1}) == courses({"courses": [1]})
        assert invoke({"b": 2}) == {"statusCode": 500, "body": '{"errorType": "Boom"}'}
