"""The template passes `sam validate --lint`, builds with `sam build`, and the built function
(the layer and code exactly as Lambda would load them) answers a sample event."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from practice_local.cloud.template import REPO_ROOT
from practice_local.tools.sam_build import HOST_PLATFORM, built_python_path, sam_build, sam_command

pytestmark = pytest.mark.sam

# Runs in a fresh interpreter whose path starts with the build output, so `app`, `practice`
# and pydantic come from there; moto and the local tooling come after, from the dev venv.
INVOKE_BUILT_FUNCTION = """
import json, sys
sys.path += sys.argv[1:]
from moto import mock_aws
with mock_aws():
    import boto3
    from practice_local.cloud.template import create_tables
    from practice.compose import dynamodb_stores
    from practice.courses.service import load_courses
    from tests.conftest import TABLE_NAMES, COURSES_DIR, LambdaContext, load_event
    client = boto3.client("dynamodb")
    create_tables(client, TABLE_NAMES)
    load_courses(dynamodb_stores(client, TABLE_NAMES["PracticeTable"]).courses, COURSES_DIR)
    import practice, pydantic_core
    XP_FIELDS = ("xp_phrases", "xp_session_bonus", "xp_streak_bonus", "total_xp")
    from practice_api import app
    response = app.lambda_handler(load_event("get_daily_pack.json"), LambdaContext())
    body = json.loads(response["body"])
    key = {"pk": {"S": "USER#learner-0001"}, "sk": {"S": "SESSION#" + body["session_id"]}}
    item = client.get_item(TableName=TABLE_NAMES["PracticeTable"], Key=key)["Item"]
    print(json.dumps({"status": response["statusCode"], "body": body, "xp": [item[k] for k in XP_FIELDS],
                      "modules": [app.__file__, practice.__file__, pydantic_core.__file__]}))
"""


def test_template_passes_sam_validate_lint():
    result = subprocess.run(
        [sam_command(), "validate", "--lint"], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_build_makes_an_arm64_layer_with_bytecode_and_only_the_domain_package(tmp_path):
    result = sam_build(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    layer = tmp_path / "PracticeLayer" / "python"
    assert (layer / "practice" / "sessions" / "service.py").is_file()
    assert not (layer / "practice_local").exists()
    assert list(layer.glob("pydantic_core/_pydantic_core.cpython-313-aarch64-linux-gnu.so"))
    assert list((layer / "practice" / "sessions" / "__pycache__").glob("service.cpython-313.pyc"))
    handler = tmp_path / "PracticeApiFunction" / "practice_api"
    assert list((handler / "__pycache__").glob("app.cpython-313.pyc"))
    sender = tmp_path / "ReminderSenderFunction" / "reminders"
    assert list((sender / "__pycache__").glob("app.cpython-313.pyc"))
    assert sorted(path.name for path in (tmp_path / "PracticeApiFunction").iterdir()) == ["practice_api"]


def test_the_built_function_answers_the_sample_event(tmp_path):
    # Given a build whose layer has wheels for this machine instead of arm64
    result = sam_build(tmp_path, layer_platform=HOST_PLATFORM)
    assert result.returncode == 0, result.stdout + result.stderr

    # When a fresh interpreter loads it as Lambda does and answers events/get_daily_pack.json
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(built_python_path(tmp_path))}
    run = subprocess.run(
        [sys.executable, "-c", INVOKE_BUILT_FUNCTION, str(REPO_ROOT / "local")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout.strip().splitlines()[-1])

    # Then it answered with a pack and a session id, the session is stored with no XP yet,
    # and every module came from the build output
    assert outcome["status"] == 200
    assert outcome["body"]["session_id"]
    assert outcome["body"]["new_phrases"]
    assert outcome["xp"] == [{"N": "0"}] * 4
    assert all(Path(module).is_relative_to(tmp_path) for module in outcome["modules"])


def test_the_http_api_writes_json_access_logs_with_retention(template):
    api = template["Resources"]["PracticeHttpApi"]["Properties"]
    fields = json.loads(api["AccessLogSettings"]["Format"])
    # what an operator needs for requests the function never sees (authorizer 401s, timeouts)
    assert {
        "requestId",
        "routeKey",
        "status",
        "responseLatencyMs",
        "integrationError",
        "authorizerError",
    } <= set(fields)
    assert all(value.startswith("$context.") for value in fields.values())
    group = template["Resources"]["ApiAccessLogGroup"]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["RetentionInDays"]
