"""docs/env.local.json points `sam local` at the tables `make run` serves."""

import json

from practice.runtime.settings import OptimizerSettings, ReminderSettings, Settings, WorkerSettings
from practice_local.cloud.stack import (
    FUNCTION_ID,
    LOCAL_AUDIO_BUCKET,
    LOCAL_PLATFORM_APPLICATIONS,
    LOCAL_QUEUE_NAMES,
    LOCAL_TABLE_NAMES,
    WORKER_ID,
)
from practice_local.cloud.template import REPO_ROOT


def test_the_sam_env_vars_file_names_the_embedded_tables_and_settings_the_function_reads():
    # Given the env-vars file the README hands to `sam local invoke / start-api --env-vars`
    env = json.loads((REPO_ROOT / "docs" / "env.local.json").read_text())[FUNCTION_ID]

    # Then it names the tables `make run` creates, in local mode, and nothing the function ignores
    assert env["TABLE_NAME"] == LOCAL_TABLE_NAMES["PracticeTable"]
    assert env["IDEMPOTENCY_TABLE_NAME"] == LOCAL_TABLE_NAMES["IdempotencyTable"]
    assert env["LOCAL_MODE"] == "true"
    read_by_the_function = {name.upper() for name in Settings.model_fields} | {
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_SQS",
        "AWS_ENDPOINT_URL_SNS",
    }
    assert set(env) <= read_by_the_function
    assert env["ERASURE_QUEUE_URL"].endswith(f"/{LOCAL_QUEUE_NAMES['ErasureQueue']}")
    # links to `make run`'s recordings, as the app on this machine reaches them (signing is local:
    # the function in its container never calls S3)
    assert env["AUDIO_BUCKET"] == LOCAL_AUDIO_BUCKET
    assert env["AWS_ENDPOINT_URL_S3"] == "http://127.0.0.1:8000"


def test_the_sam_env_vars_file_points_the_account_worker_at_the_embedded_table():
    env = json.loads((REPO_ROOT / "docs" / "env.local.json").read_text())[WORKER_ID]
    assert env["TABLE_NAME"] == LOCAL_TABLE_NAMES["PracticeTable"]
    read = {name.upper() for name in WorkerSettings.model_fields}
    assert set(env) <= read | {"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SNS"}


def test_the_sam_env_vars_file_points_the_optimizer_and_its_sweep_at_the_embedded_table_and_queue():
    env = json.loads((REPO_ROOT / "docs" / "env.local.json").read_text())
    read = {name.upper() for name in OptimizerSettings.model_fields} | {
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_SQS",
    }
    for function in ("OptimizerFunction", "OptimizerSweepFunction"):
        assert env[function]["TABLE_NAME"] == LOCAL_TABLE_NAMES["PracticeTable"]
        assert env[function]["FIT_QUEUE_URL"].endswith(f"/{LOCAL_QUEUE_NAMES['FitQueue']}")
        assert set(env[function]) <= read
    assert env[FUNCTION_ID]["FIT_QUEUE_URL"] == env["OptimizerFunction"]["FIT_QUEUE_URL"]


def test_the_sam_env_vars_file_points_the_reminder_sender_at_the_embedded_table_and_push_applications():
    env = json.loads((REPO_ROOT / "docs" / "env.local.json").read_text())
    sender = env["ReminderSenderFunction"]
    assert sender["TABLE_NAME"] == LOCAL_TABLE_NAMES["PracticeTable"]
    read = {name.upper() for name in ReminderSettings.model_fields}
    assert set(sender) <= read | {"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SNS"}
    # the ARNs the local stack gives the applications it makes in the emulator
    for parameter, (name, platform) in LOCAL_PLATFORM_APPLICATIONS.items():
        variable = "APNS_PLATFORM_APPLICATION_ARN" if platform == "APNS" else "FCM_PLATFORM_APPLICATION_ARN"
        assert sender[variable] == env[FUNCTION_ID][variable]
        assert sender[variable].endswith(f":app/{platform}/{name}"), parameter


def test_the_sam_env_vars_file_points_the_erasure_sweep_at_the_embedded_table_and_queue():
    from practice.runtime.settings import ErasureSweepSettings

    env = json.loads((REPO_ROOT / "docs" / "env.local.json").read_text())
    sweep = env["ErasureSweepFunction"]
    assert sweep["TABLE_NAME"] == LOCAL_TABLE_NAMES["PracticeTable"]
    assert sweep["ERASURE_QUEUE_URL"] == env[FUNCTION_ID]["ERASURE_QUEUE_URL"]
    read = {name.upper() for name in ErasureSweepSettings.model_fields}
    assert set(sweep) <= read | {"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS"}
