"""CodeDeploy's pre-traffic hook (`deploy_hooks.smoke.lambda_handler`): before any learner's
request reaches a new version of the API function, invoke that version with real requests, as
API Gateway would send them, and tell CodeDeploy whether they were answered as they should be.
A failed smoke test stops the deploy; traffic stays on the version before.

The requests read and write nothing of a learner: the course list (which reads the catalog and
needs a loaded course) of a caller no learner is, and a route that does not exist (the error map)."""

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from mypy_boto3_codedeploy.client import CodeDeployClient
    from mypy_boto3_lambda.client import LambdaClient

logger = Logger(service="smoke-test")
SMOKE_CALLER = "codedeploy-smoke-test"  # a caller id no learner has: no profile is read or made

Invoke = Callable[[dict[str, Any]], dict[str, Any]]  # an API event -> the function's result


def api_event(method: str, path: str) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event of a signed-in caller, as the API sends it."""
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"accept": "application/json", "user-agent": "codedeploy-smoke-test"},
        "requestContext": {
            "authorizer": {"jwt": {"claims": {"sub": SMOKE_CALLER}, "scopes": None}},
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "codedeploy-smoke-test"},
            "requestId": "codedeploy-smoke-test",
            "routeKey": f"{method} {path}",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }  # fmt: skip


def smoke(invoke: Invoke) -> list[str]:
    """What is wrong with the version `invoke` reaches (empty: nothing)."""
    problems: list[str] = []
    courses = invoke(api_event("GET", "/api/v2/practice/courses"))
    if courses.get("statusCode") != 200:
        problems.append(
            f"GET /courses answered {courses.get('statusCode')}: {str(courses.get('body'))[:200]}"
        )
    elif not json.loads(courses["body"]).get("courses"):
        problems.append("GET /courses listed no course (none loaded?)")
    unknown = invoke(api_event("GET", "/api/v2/practice/no-such-route"))
    body = json.loads(unknown.get("body") or "{}")
    if unknown.get("statusCode") != 404 or body.get("error", {}).get("code") != "route_not_found":
        problems.append(f"an unknown route answered {unknown.get('statusCode')}, not a route_not_found 404")
    return problems


def lambda_invoker(client: "LambdaClient", function: str) -> Invoke:
    """Invoke `function` (a version's ARN) synchronously; a crash is a 500 result."""

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        response = client.invoke(FunctionName=function, Payload=json.dumps(event).encode())
        payload = json.loads(response["Payload"].read() or b"{}")
        if "FunctionError" in response:
            return {"statusCode": 500, "body": json.dumps(payload)}
        return payload

    return invoke


def run_hook(event: dict[str, Any], invoke: Invoke, codedeploy: "CodeDeployClient") -> str:
    """Smoke-test the new version and report to CodeDeploy; the status reported."""
    try:
        problems = smoke(invoke)
    except Exception as error:
        problems = [f"the smoke test could not run: {error!r}"]
    status: Literal["Failed", "Succeeded"] = "Failed" if problems else "Succeeded"
    if problems:
        logger.error("smoke test failed", extra={"problems": problems})
    codedeploy.put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status,
    )
    return status


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    import boto3  # noqa: PLC0415 - a hook runs once a deploy: no cold start to spare

    invoke = lambda_invoker(boto3.client("lambda"), os.environ["NEW_VERSION"])
    return {"status": run_hook(event, invoke, boto3.client("codedeploy"))}
