"""The warm half of the benchmark, in a fresh interpreter that sees only the built function, its
layer and the packages the Lambda runtime provides: `python -I -S -B warm_child.py <mode> <config.json>`.

mode `emulator`, one learner, DynamoDB = the endpoint in the environment (the embedded moto
server): imports `practice_api.app` as Lambda does, then per route counts the DynamoDB requests of
one warm call (botocore `before-call` on the function's client, `dependencies.dynamodb()`), records that
call's HTTP answers (`response-received`), and times (a) calls answered over HTTP. Also the peak RSS
of this warm process. Last, the learner deletes their account (timed like a route, its message
going to the emulator's SQS), and the account worker's loop (the layer's `erase_learner`, on the
function's client) erases them: its requests by operation, and how long the emulator took.

mode `first`, a fresh process as a cold start leaves it: the time from this script's first line
to the end of importing `practice_api.app` (init), then the first call (GET /daily, replayed): what
init leaves to the first request (course read, models and validators built on first use).

mode `replay`, every learner in one process: (b) replays the recorded answers through a botocore
`before-send` hook, so no socket and no emulator take part: the figure is the handler's own cost
(event parsing, validation, signing and serialising requests, parsing answers, our code). Calls
for all learners and routes are interleaved, so machine noise hits every figure alike.
Raw timings (ms) go to the config's `output`; the parent computes the statistics.

mode `profile` (`make bench BENCH_ARGS=--profile`): the same replays under cProfile, one route at
a time: where each route's CPU goes (botocore's serialiser and parser, pydantic, fsrs, ours...).
"""

import time

STARTED = time.perf_counter()

import base64  # noqa: E402 - after the clock starts, as in cold_child.py
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, NamedTuple  # noqa: E402

MODE = sys.argv[1]
CONFIG = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
sys.path[:0] = CONFIG["paths"]

from botocore.awsrequest import AWSResponse  # noqa: E402 - the runtime's botocore

from practice_api import app  # noqa: E402 - the built function, from the paths above
from practice_api.dependencies import dynamodb  # noqa: E402

INIT_MS = (time.perf_counter() - STARTED) * 1000


def rss_mib() -> float:
    """Peak resident memory of this process so far. Linux's getrusage ru_maxrss would carry over
    the peak of the process that spawned this one (fork + exec keep it), which holds the emulator
    and its data; VmHWM is this program's own high-water mark."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: KiB, may be inherited


RSS_AFTER_INIT_MIB = rss_mib()
# One answer as recorded: operation, HTTP status, headers, base64 body (JSON-friendly).
Answer = tuple[str, int, dict[str, str], str]


class LambdaContext:
    function_name = "PracticeApiFunction"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:PracticeApiFunction"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


class DynamoDBProbe:
    """botocore hooks on the function's client: the operations each call makes, the raw HTTP
    answers while recording, and recorded answers instead of the network while replaying."""

    def __init__(self, client: Any) -> None:
        self.operations: list[str] = []
        self.recording: list[Answer] | None = None
        self._replay: list[Answer] = []
        events = client.meta.events
        events.register("before-call.dynamodb", self._count)
        events.register("response-received.dynamodb", self._record)
        events.register("before-send.dynamodb", self._answer)

    def replay(self, answers: list[Answer]) -> None:
        self.operations = []
        self._replay = list(answers)

    def _count(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def _record(self, response_dict: Any, event_name: str, **_: Any) -> None:
        if self.recording is not None and response_dict is not None:
            body = base64.b64encode(response_dict["body"]).decode("ascii")
            headers = dict(response_dict["headers"].items())
            operation = event_name.rsplit(".", 1)[-1]
            self.recording.append((operation, response_dict["status_code"], headers, body))

    def _answer(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        if not self._replay:
            return None  # not replaying: the real HTTP request goes out
        operation, status, headers, body = self._replay.pop(0)
        if event_name.rsplit(".", 1)[-1] != operation:
            raise AssertionError(f"replay expected {operation}, the handler sent {event_name}")
        raw = _RecordedBody(base64.b64decode(body))
        return AWSResponse(request.url, status, headers, raw)  # type: ignore[arg-type]  # any mapping will do


class _RecordedBody:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> list[bytes]:
        return [self._body]


probe = DynamoDBProbe(dynamodb())
context = LambdaContext()


def invoke(event_json: str) -> tuple[float, dict[str, Any]]:
    """One invocation as Lambda makes it: the event arrives as fresh JSON; returns (ms, response)."""
    event = json.loads(event_json)
    started = time.perf_counter()
    response: dict[str, Any] = app.lambda_handler(event, context)
    return (time.perf_counter() - started) * 1000, response


def succeeded(response: dict[str, Any]) -> None:
    if response["statusCode"] != 200:
        raise AssertionError(f"{response['statusCode']}: {response['body'][:500]}")


def phrase_page(response: dict[str, Any]) -> dict[str, Any]:
    """A phrasebook page's size and sync token."""
    succeeded(response)
    page = json.loads(response["body"])
    return {"phrases": len(page["phrases"]), "sync_token": page["sync_token"], "course_id": page["course_id"]}


def registered(response: dict[str, Any]) -> None:
    if response["statusCode"] not in {200, 201}:
        raise AssertionError(f"{response['statusCode']}: {response['body'][:500]}")


def accepted(response: dict[str, Any]) -> None:
    if response["statusCode"] != 202:
        raise AssertionError(f"{response['statusCode']}: {response['body'][:500]}")


def export_page(response: dict[str, Any]) -> dict[str, int]:
    succeeded(response)
    return {"items": len(json.loads(response["body"])["items"]), "bytes": len(response["body"])}


class Opened(NamedTuple):
    """What completing a pack needs (kept instead of the pack, so this process's memory stays the
    function's)."""

    session_id: str
    review: list[str]
    new: list[str]


def served(response: dict[str, Any]) -> Opened:
    succeeded(response)
    pack = json.loads(response["body"])
    return Opened(
        pack["session_id"],
        [phrase["phrase_id"] for phrase in pack["review_phrases"]],
        [phrase["phrase_id"] for phrase in pack["new_phrases"]],
    )


def daily_event(user_id: str) -> str:
    event = json.loads(Path(CONFIG["events_dir"], "get_daily_pack.json").read_text(encoding="utf-8"))
    event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
    return json.dumps(event)


def completion_event(daily: str, pack: Opened) -> str:
    """events/complete_session.json for `pack`'s session and learner: review events for every phrase
    served (rated good), the first failed once before (a learning step)."""
    event = json.loads(Path(CONFIG["events_dir"], "complete_session.json").read_text(encoding="utf-8"))
    event["requestContext"]["authorizer"] = json.loads(daily)["requestContext"]["authorizer"]
    path = f"/api/v2/practice/sessions/{pack.session_id}/complete"
    phrases = pack.review + pack.new
    steps = [{"phrase_id": p, "rating": "again"} for p in phrases[:1]]
    body = json.dumps({"reviews": steps + [{"phrase_id": p, "rating": "good"} for p in phrases]})
    event |= {"rawPath": path, "pathParameters": {"session_id": pack.session_id}, "body": body}
    event["requestContext"]["http"]["path"] = path
    event["headers"]["content-length"] = str(len(body))
    return json.dumps(event)


def read_event(name: str, user_id: str, query: dict[str, str]) -> str:
    """events/<name> for `user_id`, with `query` as its query string."""
    event = json.loads(Path(CONFIG["events_dir"], name).read_text(encoding="utf-8"))
    event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = user_id
    event["queryStringParameters"] = query or None
    event["rawQueryString"] = "&".join(f"{key}={value}" for key, value in query.items())
    return json.dumps(event)


# The progress routes as the app's screens call them: the first page of the history, the stats
# of the last 30 learner days (the default range), and the first page of the export.
READS = {
    "history": ("list_sessions.json", {"limit": "20"}),
    "stats": ("get_stats.json", {}),
    "export": ("export_data.json", {}),
    "courses": ("list_courses.json", {}),
    "forecast": ("get_forecast.json", {"days": "30"}),
    # the app registers its push token on each start: 201 the first time, 200 after
    "device": ("register_device.json", {}),
}
SWITCH_TO = "fr-en"  # GET /daily after a switch: the learner's cards stay in the bench course


def recorded_call(event: str, check: Callable[[dict[str, Any]], Any]) -> tuple[dict[str, Any], Any]:
    """One call with its DynamoDB requests counted and answers recorded."""
    probe.operations, probe.recording = [], []
    _, response = invoke(event)
    call = {"event": event, "requests": list(probe.operations), "answers": probe.recording}
    probe.recording = None
    return call, check(response)


def timed(events: list[str], check: Callable[[dict[str, Any]], Any]) -> tuple[list[float], list[Any]]:
    timings, outcomes = [], []
    for event in events:
        elapsed, response = invoke(event)
        outcomes.append(check(response))
        timings.append(elapsed)
    return timings, outcomes


def against_emulator() -> dict[str, Any]:
    invokes, warmup = CONFIG["invokes"], CONFIG["warmup"]
    daily = daily_event(CONFIG["user_id"])
    results: dict[str, Any] = {}

    # First call: a first visit (the profile is created) and the course read into the cache.
    first, pack = recorded_call(daily, served)
    results["first_call"] = first
    # What a replay must call once before the timed calls: each reads what a container caches
    results["warming"] = [first]
    packs = [pack] + [served(invoke(daily)[1]) for _ in range(warmup)]
    call, pack = recorded_call(daily, served)
    timings, opened = timed([daily] * invokes, served)
    packs += [pack, *opened]
    results["daily"] = call | {"emulator_ms": timings}
    results["pack"] = {"review": len(pack.review), "new": len(pack.new)}
    results["rss_after_daily_mib"] = rss_mib()
    # The phrasebook of the learner's course (a page of 50), and what changed in it since before the
    # completions below (a delta: the first completion's phrases). Read before the switch below,
    # which makes another course the active one.
    listed = phrase_page(invoke(read_event("get_phrases.json", CONFIG["user_id"], {"limit": "1"}))[1])
    reads = READS | {
        "phrases": ("get_phrases.json", {"limit": "50", "course_id": listed["course_id"]}),
        "phrases_delta": ("get_phrases.json", {"since": listed["sync_token"], "limit": "100"}),
    }
    # Before any completion, so that no learner has spent the day's review limit yet
    results |= after_a_switch(daily, invokes, warmup, results["warming"])

    # Completion of the sessions opened above: identical packs, as nothing was completed meanwhile.
    _, response = invoke(completion_event(daily, packs[0]))
    if response["statusCode"] == 200:
        for pack in packs[1 : warmup + 1]:
            succeeded(invoke(completion_event(daily, pack))[1])
        events = [completion_event(daily, pack) for pack in packs[warmup + 1 :]]
        call, _ = recorded_call(events[0], succeeded)
        timings, _ = timed(events[1 : invokes + 1], succeeded)
        results["completion"] = call | {"emulator_ms": timings}
    else:  # the route is not there (yet)
        results["completion"] = {"unavailable": f"{response['statusCode']}: {response['body'][:200]}"}

    for route, (name, query) in reads.items():
        event = read_event(name, CONFIG["user_id"], query)
        # moto serialises an export page (1,000 items, or 1 MiB of sessions) in seconds: a tenth of
        # the calls for its (a) figure; (b), the handler's own cost, gets them all
        count = max(3, invokes // 10) if route == "export" else invokes
        ok = registered if route == "device" else succeeded
        if route == "courses":  # the first one reads the catalog
            results["warming"].append(recorded_call(event, succeeded)[0])
        timed([event] * min(warmup, count), ok)
        check = export_page if route == "export" else phrase_page if route.startswith("phrases") else ok
        call, outcome = recorded_call(event, check)
        timings, _ = timed([event] * count, ok)
        results[route] = call | {"emulator_ms": timings}
        if route == "export":
            results["export_page"] = outcome
        if route.startswith("phrases"):
            results[route]["phrases"] = outcome["phrases"]
    results["rss_after_init_mib"] = RSS_AFTER_INIT_MIB
    results["peak_rss_mib"] = rss_mib()
    results |= deletion(invokes, warmup)
    return results


def after_a_switch(daily: str, invokes: int, warmup: int, warming: list[dict[str, Any]]) -> dict[str, Any]:
    """GET /daily once the learner switched course: the new course's queues, read as cheaply. The
    new-phrase limit is raised with the switch, so that the pack serves new phrases of the course.
    The sessions opened before the switch are completed after it (into their own course)."""
    switch = json.loads(Path(CONFIG["events_dir"], "switch_course.json").read_text(encoding="utf-8"))
    switch["requestContext"]["authorizer"] = json.loads(daily)["requestContext"]["authorizer"]
    switch["body"] = json.dumps({"course_id": SWITCH_TO, "daily_new_limit": 50})
    switched, _ = recorded_call(json.dumps(switch), succeeded)  # reads the catalog (is fr-en there?)
    first, _ = recorded_call(daily, served)  # reads the new course
    warming += [switched, first]
    timed([daily] * warmup, served)
    call, pack = recorded_call(daily, served)
    timings, _ = timed([daily] * invokes, served)
    return {
        "daily_switched": call | {"emulator_ms": timings},
        "pack_switched": {"course": SWITCH_TO, "review": len(pack.review), "new": len(pack.new)},
    }


def deletion(invokes: int, warmup: int) -> dict[str, Any]:
    """DELETE /profile (repeatable: each call re-queues the erasure), then the erasure itself."""
    from practice.account.service import erase_learner  # noqa: PLC0415 - the layer's, as the worker runs it
    from practice.compose import erasure_store  # noqa: PLC0415

    event = read_event("delete_profile.json", CONFIG["user_id"], {})
    timed([event] * warmup, accepted)
    call, _ = recorded_call(event, accepted)
    timings, _ = timed([event] * invokes, accepted)
    probe.operations = []
    started = time.perf_counter()
    store = erasure_store(dynamodb(), os.environ["TABLE_NAME"])
    deleted = erase_learner(store, CONFIG["user_id"], time_left=lambda: 900.0, stop_seconds=1)
    seconds = time.perf_counter() - started
    requests = {name: probe.operations.count(name) for name in dict.fromkeys(probe.operations)}
    return {
        "deletion": {"requests": call["requests"], "emulator_ms": timings},
        "erasure": {"items": deleted, "requests": requests, "emulator_seconds": seconds},
    }


def warm_caches() -> None:
    """Replay the warming calls once each, filling the caches (courses, catalog) as they were
    when the calls were recorded."""
    for warming in CONFIG["warming"]:
        probe.replay(warming["answers"])
        succeeded(invoke(warming["event"])[1])


def replayed() -> dict[str, Any]:
    """`calls`: {name: {"event", "requests", "answers"}}; `warming`: recorded calls, replayed once
    each to fill the caches (courses, catalog) as they were when the calls were recorded."""
    calls: dict[str, dict[str, Any]] = CONFIG["calls"]
    warm_caches()
    names = list(calls)

    def replay(name: str) -> float:
        call = calls[name]
        probe.replay(call["answers"])
        elapsed, response = invoke(call["event"])
        if response["statusCode"] != 200:
            raise AssertionError(f"{name}: {response['statusCode']} {response['body'][:300]}")
        if probe.operations != call["requests"]:
            raise AssertionError(f"{name}: replayed {probe.operations}, recorded {call['requests']}")
        return elapsed

    for _ in range(CONFIG["warmup"]):
        for name in names:
            replay(name)
    timings: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(CONFIG["invokes"]):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            timings[name].append(replay(name))
    return {"in_process_ms": timings, "peak_rss_mib": rss_mib()}


# Where a warm call's CPU goes, by the file each function is in (self time, cProfile)
# (C functions have no file: cProfile names them by their object, so those marks match the name)
PROFILE_PARTS = (
    ("botocore serialise", ("botocore/serialize.py",)),
    ("botocore parse", ("botocore/parsers.py",)),
    ("botocore other", ("botocore/", "urllib3/", "dateutil/")),
    ("pydantic", ("pydantic/", "pydantic_core")),
    ("fsrs", ("/fsrs/", "fsrs_rs")),
    ("powertools", ("aws_lambda_powertools/",)),
    ("ours", ("/practice/", "/practice_api/")),
    ("json", ("json/", "_json")),
    ("datetime", ("datetime", "_strptime", "zoneinfo")),
    ("zlib, base64, hashing", ("zlib", "base64", "hashlib", "hmac", "_blake2", "_sha")),
)


def profiled() -> dict[str, Any]:
    """Each recorded call replayed `invokes` times under cProfile, after the warming calls: its
    self time split by PROFILE_PARTS (the rest: "other", the standard library's json, zlib, ...)."""
    import cProfile  # noqa: PLC0415 - only this mode profiles
    import pstats  # noqa: PLC0415

    calls: dict[str, dict[str, Any]] = CONFIG["calls"]
    warm_caches()
    results: dict[str, Any] = {}
    for name, call in calls.items():
        for _ in range(CONFIG["warmup"]):
            probe.replay(call["answers"])
            invoke(call["event"])
        profiler = cProfile.Profile()
        for _ in range(CONFIG["invokes"]):
            probe.replay(call["answers"])
            event = json.loads(call["event"])
            profiler.enable()
            app.lambda_handler(event, context)
            profiler.disable()
        if CONFIG.get("stats_dir"):  # for `python -m pstats`: the functions behind the shares
            stats_dir = Path(CONFIG["stats_dir"])
            stats_dir.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(stats_dir / f"{re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-')}.prof")
        parts = dict.fromkeys([part for part, _ in PROFILE_PARTS] + ["other"], 0.0)

        def part_of(filename: str, function: str) -> str:
            where = function if filename == "~" else filename
            return next((p for p, marks in PROFILE_PARTS if any(m in where for m in marks)), "other")

        for (filename, _, function), (_, _, self_time, _, callers) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
            part = part_of(filename, function)
            if part == "other" and filename == "~" and callers:
                # a builtin (len, isinstance, dict.get...): its time goes to whoever called it
                for (caller_file, _, caller_function), timing in callers.items():
                    parts[part_of(caller_file, caller_function)] += timing[2]
            else:
                parts[part] += self_time
        total = sum(parts.values())
        results[name] = {
            "ms_per_call": total * 1000 / CONFIG["invokes"],
            "shares": {part: seconds / total for part, seconds in parts.items()},
        }
    return {"profile": results}


def first_call() -> dict[str, Any]:
    """The recorded first call (a first visit: profile created, course read), in this fresh process."""
    first = CONFIG["first_call"]
    probe.replay(first["answers"])
    elapsed, response = invoke(first["event"])
    succeeded(response)
    return {"init_ms": INIT_MS, "first_call_ms": elapsed}


def main() -> None:
    modes = {"emulator": against_emulator, "replay": replayed, "first": first_call, "profile": profiled}
    results = modes[MODE]()
    Path(CONFIG["output"]).write_text(json.dumps(results), encoding="utf-8")


main()
