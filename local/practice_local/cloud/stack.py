"""The stack of template.yaml on this machine: the API function's handler with the environment
the template gives it (in local mode), and DynamoDB behind it - an embedded one with the
template's tables and the sample course, or the deployed tables named in the environment.

Embedded, the same emulator serves the template's SQS queues and SNS: the account worker erases
deleted learners from the erasure queue, and the optimizer fits learners from the fit queue, as
Lambda's SQS event source would run them; the reminder sender runs each quarter hour, as its
schedule would, and pushes through SNS platform applications made in the emulator.

    TABLE_NAME / IDEMPOTENCY_TABLE_NAME   use these deployed tables (no embedded DynamoDB,
    / ERASURE_QUEUE_URL                   no table creation, no course load; FIT_QUEUE_URL
                                          and AUDIO_BUCKET too, optionally); credentials
                                          and region come from AWS_PROFILE / AWS_REGION or
                                          the usual AWS variables. The names are the stack's
                                          outputs; its own worker takes the erasures.
"""

import os
import sys
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.exceptions import BotoCoreError, ClientError

from practice.compose import dynamodb_stores
from practice.courses.service import load_courses
from practice.runtime.clients import dynamodb_client, sns_client, sqs_client
from practice_local.cloud.embedded_dynamodb import EmbeddedDynamoDB
from practice_local.cloud.lambda_runtime import REGION, LocalFunction
from practice_local.cloud.queue_poller import QueuePoller
from practice_local.cloud.schedule import QuarterHourSchedule
from practice_local.cloud.template import (
    REPO_ROOT,
    HttpApiRoute,
    create_queues,
    create_tables,
    function_environment,
    http_api_routes,
    load_template,
)
from practice_local.tools.load_audio import upload_audio

FUNCTION_ID = "PracticeApiFunction"
WORKER_ID = "AccountWorkerFunction"
OPTIMIZER_ID = "OptimizerFunction"
SENDER_ID = "ReminderSenderFunction"
SENDER_RULE = "ReminderSenderFunctionEveryQuarterHour"
# The platform applications reminders are pushed through: made in the emulated SNS (which keeps
# what is pushed), as the template's parameters name deployed ones
LOCAL_PLATFORM_APPLICATIONS = {
    "ApnsPlatformApplicationArn": ("practice-local-ios", "APNS"),
    "FcmPlatformApplicationArn": ("practice-local-android", "GCM"),
}
COURSES_DIR = REPO_ROOT / "content" / "courses"
# Fixed names, so that docs/env.local.json can point `sam local` at the embedded tables.
LOCAL_TABLE_NAMES = {"PracticeTable": "practice-local", "IdempotencyTable": "practice-idempotency-local"}
LOCAL_AUDIO_BUCKET = "practice-audio-local"
LOCAL_QUEUE_NAMES = {
    "ErasureQueue": "practice-erasures-local",
    "ErasureDeadLetterQueue": "practice-erasures-dlq-local",
    "FitQueue": "practice-fits-local",
    "FitDeadLetterQueue": "practice-fits-dlq-local",
}
EMBEDDED_AWS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
}
_NOT_FOR_EMBEDDED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE")


class LocalStackError(Exception):
    """The local stack cannot start; the message says what to do."""


@dataclass(frozen=True)
class LocalStack:
    function: LocalFunction
    routes: list[HttpApiRoute]
    table_names: dict[str, str]
    dynamodb_url: str | None  # None: the deployed tables in AWS
    course_ids: list[str]
    worker: LocalFunction | None = None  # the account worker (embedded only)
    erasure_queue: QueuePoller | None = None  # what feeds it
    optimizer: LocalFunction | None = None  # the optimizer (embedded only)
    fit_queue: QueuePoller | None = None  # what feeds it
    sender: LocalFunction | None = None  # the reminder sender (embedded only)
    reminders: QuarterHourSchedule | None = None  # what runs it
    audio_ready: threading.Event | None = None  # set once the recordings are in the audio bucket


def deployed_resources(environ: MutableMapping[str, str]) -> dict[str, str] | None:
    """The deployed stack's resources named in the environment, by logical id (None: embedded)."""
    practice = environ.get("TABLE_NAME", "").strip()
    if not practice:
        return None
    idempotency = environ.get("IDEMPOTENCY_TABLE_NAME", "").strip()
    queue = environ.get("ERASURE_QUEUE_URL", "").strip()
    if not idempotency or not queue:
        raise LocalStackError(
            "TABLE_NAME is set, so IDEMPOTENCY_TABLE_NAME and ERASURE_QUEUE_URL must be too"
            " (the stack's outputs)"
        )
    resources = {"PracticeTable": practice, "IdempotencyTable": idempotency, "ErasureQueue": queue}
    if fits := environ.get("FIT_QUEUE_URL", "").strip():  # optional: else the daily sweep queues fits
        resources["FitQueue"] = fits
    if audio := environ.get("AUDIO_BUCKET", "").strip():  # optional: else packs carry no audio_url
        resources["AudioBucket"] = audio
    return resources


def function_env(template: dict[str, Any], names: dict[str, str], endpoint_url: str | None) -> dict[str, str]:
    """The template's environment of the function, in local mode, pointed at `endpoint_url`
    (`names`: physical names of the tables, URLs of the queues, by logical id)."""
    env = {**function_environment(template, FUNCTION_ID, names), "LOCAL_MODE": "true"}
    if endpoint_url:
        env |= {
            **EMBEDDED_AWS,
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint_url,
            "AWS_ENDPOINT_URL_SQS": endpoint_url,
            "AWS_ENDPOINT_URL_S3": endpoint_url,
            "AWS_ENDPOINT_URL_SNS": endpoint_url,
        }
    return env


def configure_environment(
    env: dict[str, str], *, embedded: bool, environ: MutableMapping[str, str] = os.environ
) -> None:
    """Set the function's environment in this process, before its module is imported."""
    if embedded:
        for name in _NOT_FOR_EMBEDDED:
            environ.pop(name, None)  # never reach a real account by accident
        for name in ("NO_PROXY", "no_proxy"):  # nor the embedded DynamoDB through an HTTP proxy
            environ[name] = ",".join(filter(None, [environ.get(name, ""), "127.0.0.1", "localhost"]))
    elif "AWS_REGION" in environ:
        environ.setdefault("AWS_DEFAULT_REGION", environ["AWS_REGION"])
    environ.update(env)


@contextmanager
def start_local_stack(
    *,
    dynamodb_host: str = "127.0.0.1",
    dynamodb_port: int = 0,
    environ: MutableMapping[str, str] = os.environ,
    poll_queues: bool = True,
    audio: bool = False,
) -> Iterator[LocalStack]:
    """The stack; embedded, with the account worker polling the erasure queue, the optimizer the
    fit queue and the reminder sender running each quarter hour, unless `poll_queues` is False
    (the caller then invokes `stack.worker`, `stack.optimizer` and `stack.sender` itself). With `audio`, an
    emulated audio bucket that packs link to, filled with every recording in the background
    (2,500 uploads to the emulator take some 12 s on 2 cores; `stack.audio_ready` says when)."""
    template = load_template()
    routes = http_api_routes(template, FUNCTION_ID)
    deployed = deployed_resources(environ)
    if deployed:
        configure_environment(function_env(template, deployed, None), embedded=False, environ=environ)
        tables = {
            logical_id: name for logical_id, name in deployed.items() if logical_id in LOCAL_TABLE_NAMES
        }
        _check_tables_exist(tables)
        yield LocalStack(LocalFunction.load(template, FUNCTION_ID), routes, tables, None, [])
        return
    with EmbeddedDynamoDB(dynamodb_host, dynamodb_port) as dynamodb, ExitStack() as running:
        emulated = {
            "AWS_ENDPOINT_URL_SQS": dynamodb.endpoint_url,
            "AWS_ENDPOINT_URL_SNS": dynamodb.endpoint_url,
        }
        configure_environment(EMBEDDED_AWS | emulated, embedded=True, environ=environ)
        queues = sqs_client()
        queue_urls = create_queues(queues, LOCAL_QUEUE_NAMES, template)
        queue_urls |= create_platform_applications(sns_client())
        audio_ready = threading.Event()
        if audio:
            running.enter_context(_filling_audio_bucket(dynamodb.endpoint_url, audio_ready))
        names = LOCAL_TABLE_NAMES | queue_urls | ({"AudioBucket": LOCAL_AUDIO_BUCKET} if audio else {})
        env = function_env(template, names, dynamodb.endpoint_url)
        configure_environment(env, embedded=True, environ=environ)
        client = dynamodb_client()
        create_tables(client, LOCAL_TABLE_NAMES, template)
        courses = load_courses(
            dynamodb_stores(client, LOCAL_TABLE_NAMES["PracticeTable"]).courses, COURSES_DIR
        )
        function = LocalFunction.load(template, FUNCTION_ID)
        # The worker and the optimizer share the API's environment: all read TABLE_NAME, the
        # optimizer FIT_QUEUE_URL too, and their Powertools service names are fixed in their code.
        worker = LocalFunction.load(template, WORKER_ID)
        optimizer = LocalFunction.load(template, OPTIMIZER_ID)
        sender = LocalFunction.load(template, SENDER_ID)
        erasures = QueuePoller(queues, queue_urls["ErasureQueue"], worker)
        fits = QueuePoller(queues, queue_urls["FitQueue"], optimizer, batch_size=5)
        reminders = QuarterHourSchedule(sender, SENDER_RULE)
        if poll_queues:
            running.enter_context(erasures)
            running.enter_context(fits)
            running.enter_context(reminders)
        yield LocalStack(
            function,
            routes,
            LOCAL_TABLE_NAMES,
            dynamodb.endpoint_url,
            [c.course_id for c in courses],
            worker,
            erasures,
            optimizer,
            fits,
            sender,
            reminders,
            audio_ready if audio else None,
        )


def create_platform_applications(sns: Any) -> dict[str, str]:
    """The template's push platform applications, in the emulated SNS: their ARNs by parameter."""
    arns = {}
    for parameter, (name, platform) in LOCAL_PLATFORM_APPLICATIONS.items():
        attributes = {"PlatformCredential": "local", "PlatformPrincipal": "local"}
        made = sns.create_platform_application(Name=name, Platform=platform, Attributes=attributes)
        arns[parameter] = made["PlatformApplicationArn"]
    return arns


@contextmanager
def _filling_audio_bucket(endpoint_url: str, ready: threading.Event) -> Iterator[None]:
    """The template's audio bucket on the emulator, filled with content/audio by a thread; `ready`
    is set once every recording is there (the stack is usable before)."""
    s3: Any = botocore.session.get_session().create_client(
        "s3", region_name=REGION, endpoint_url=endpoint_url
    )
    s3.create_bucket(Bucket=LOCAL_AUDIO_BUCKET)
    stopping = threading.Event()

    def fill() -> None:
        try:
            upload_audio(s3, LOCAL_AUDIO_BUCKET, stop=stopping)
        except (BotoCoreError, ClientError) as error:
            if not stopping.is_set():
                print(f"recordings not uploaded: {error}", file=sys.stderr)
            return
        if not stopping.is_set():  # stopped half-way: not all there
            ready.set()

    filler = threading.Thread(target=fill, name="audio-upload", daemon=True)
    filler.start()
    try:
        yield
    finally:
        stopping.set()
        filler.join(timeout=30)


def _check_tables_exist(names: dict[str, str]) -> None:
    """Fail fast on a misspelt table name or missing credentials, not on the first request."""
    client = dynamodb_client()
    for name in names.values():
        try:
            client.describe_table(TableName=name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                raise LocalStackError(f"table '{name}' does not exist in this account and region") from error
            # e.g. no dynamodb:DescribeTable permission: the API may still work, so carry on
        except BotoCoreError as error:
            raise LocalStackError(f"cannot reach DynamoDB: {error}") from error
