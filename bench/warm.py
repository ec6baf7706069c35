"""Warm requests: an embedded DynamoDB (moto's server mode, in this process) with the template's
tables, the sample course and one seeded learner, and the built function in a child process."""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from bench.lambda_image import ERASURE_QUEUE, TABLE_NAMES, LambdaImage, lambda_environment
from bench.report import ROUTES
from practice.compose import dynamodb_stores
from practice.courses.service import load_courses
from practice.runtime.settings import Settings
from practice_local.cloud.moto_transactions import embedded_dynamodb
from practice_local.cloud.template import REPO_ROOT, create_tables
from practice_local.simulation.seed import BENCH_NEW_PHRASES, bench_course, seed_learner

WARM_CHILD = Path(__file__).with_name("warm_child.py")
COURSES_DIR = REPO_ROOT / "content" / "courses"
EVENTS_DIR = REPO_ROOT / "events"
TABLE = TABLE_NAMES["PracticeTable"]


# Against the emulator the function waits longer (moto answers a 10,000-card learner's index
# queries by scanning the table), and keeps the course for the whole run, so that no timed call
# reloads it.
EMULATOR_PATIENCE = {"DYNAMODB_READ_TIMEOUT_SECONDS": "8", "COURSE_CACHE_SECONDS": "3600"}


class WarmRunFailed(RuntimeError):
    pass


def prepare_store(endpoint_url: str, user_id: str, cards: int, course_phrases: int) -> None:
    """Tables from template.yaml, the courses loaded as on deploy, the bench course of
    `course_phrases` phrases, and `user_id` on it with `cards` cards in a real backlog's mix and
    as many past sessions, with their day ledger (local/practice_local/simulation/seed.py); and the
    erasure queue."""
    session = boto3.session.Session(
        region_name="eu-west-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",  # noqa: S106 - the emulator's dummy credentials
    )
    client = session.client("dynamodb", endpoint_url=endpoint_url)
    session.client("sqs", endpoint_url=endpoint_url).create_queue(QueueName=ERASURE_QUEUE)
    create_tables(client, TABLE_NAMES)
    courses_store = dynamodb_stores(client, TABLE).courses
    courses = load_courses(courses_store, COURSES_DIR)
    default_course = Settings.model_fields["default_course_id"].default
    course = bench_course(next(c for c in courses if c.course_id == default_course), course_phrases)
    courses_store.put_course(course)
    seed_learner(client, TABLE, user_id, course, cards=cards, sessions=cards, now=datetime.now(UTC))


def run_child(mode: str, config: dict[str, Any], work: Path, env: dict[str, str]) -> dict[str, Any]:
    name = Path(config["output"]).stem
    config_path = work / f"{name}-config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    log_path = work / f"{name}.log"
    # stdout gets the function's logs and metrics (CloudWatch's share in Lambda): kept for failures.
    with log_path.open("w", encoding="utf-8") as log:
        done = subprocess.run(  # noqa: S603 - fixed command line
            [sys.executable, "-I", "-S", "-B", str(WARM_CHILD), mode, str(config_path)],
            env=env,
            stdout=log,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=1800,
        )
    if done.returncode != 0:
        logged = log_path.read_text(encoding="utf-8").splitlines()
        errors = [line for line in logged if '"level":"INFO"' not in line][-20:]
        raise WarmRunFailed(
            f"{mode} {name}: exit {done.returncode}\n" + "\n".join(errors) + "\n" + done.stderr[-3000:]
        )
    result: dict[str, Any] = json.loads(Path(config["output"]).read_text(encoding="utf-8"))
    return result


def measure_against_emulator(
    image: LambdaImage, work: Path, *, cards: int, most_cards: int, invokes: int, warmup: int
) -> dict[str, Any]:
    """Counts, recordings and (a) timings for a learner with `cards` cards, in a fresh emulator.
    Every learner's course is the same (long enough for `most_cards`), so that the replay, which
    fills the course cache once, serves each learner the course they were recorded with."""
    with embedded_dynamodb() as endpoint_url:
        user_id = f"bench-learner-{cards}"
        prepare_store(endpoint_url, user_id, cards, most_cards + BENCH_NEW_PHRASES)
        config = {
            "paths": image.paths,
            "events_dir": str(EVENTS_DIR),
            "user_id": user_id,
            "invokes": invokes,
            "warmup": warmup,
            "output": str(work / f"emulator-{cards}.json"),
        }
        return run_child("emulator", config, work, lambda_environment(work, endpoint_url) | EMULATOR_PATIENCE)


def measure_replayed(
    image: LambdaImage, work: Path, recorded: dict[str, dict[str, Any]], *, invokes: int, warmup: int
) -> dict[str, Any]:
    """(b) timings of every recorded call (`recorded`: card count -> emulator results), interleaved
    in one process; DynamoDB's endpoint is the unused loopback one: nothing may go out."""
    calls = {
        f"{route}@{cards}": results[route]
        for cards, results in recorded.items()
        for route in ROUTES
        if "unavailable" not in results[route]
    }
    config = {
        "paths": image.paths,
        "warming": next(iter(recorded.values()))["warming"],
        "calls": calls,
        "invokes": invokes,
        "warmup": warmup,
        "output": str(work / "replayed.json"),
    }
    return run_child("replay", config, work, lambda_environment(work))


def measure_first_calls(
    image: LambdaImage, work: Path, first_call: dict[str, Any], *, runs: int
) -> dict[str, Any]:
    """`runs` fresh processes, each importing the function and making the recorded first call
    (replayed): what a cold start's first request pays on top of a warm one."""
    config = {"paths": image.paths, "first_call": first_call, "output": str(work / "first-call.json")}
    env = lambda_environment(work)
    outcomes = [run_child("first", config, work, env) for _ in range(runs)]
    return {key: [outcome[key] for outcome in outcomes] for key in ("init_ms", "first_call_ms")}
