"""The benchmark's one table (Markdown, so the README can carry it as printed) and its JSON."""

from typing import Any

FLOOR, BUILT, NO_BYTECODE = "floor", "handler", "handler_without_bytecode"
ROUTES = {
    "daily": "GET /daily",
    "completion": "POST /sessions/{id}/complete",
    "history": "GET /sessions?limit=20",
    "stats": "GET /stats (30 days)",
    "export": "GET /export (first page)",
    "courses": "GET /courses",
    "forecast": "GET /forecast (30 days)",
    "phrases": "GET /phrases?limit=50",
    "phrases_delta": "GET /phrases?since= (one session changed)",
    "device": "POST /devices (the token known: the app's start)",
    "daily_switched": "GET /daily after a course switch",
}
# What grows with the learner for each route (the learners have as many sessions as cards).
GROWS_WITH = {
    "daily": "cards",
    "completion": "cards",
    "history": "sessions",
    "stats": "sessions",
    "export": "cards and sessions",
    "courses": "cards",
    "forecast": "cards",
    "phrases": "cards",
    "phrases_delta": "cards",
    "device": "cards and sessions",
    "daily_switched": "cards in the course left",
}
TARGET_COLD_RATIO = 1.3
# GET /daily: the profile, one limited query per due queue, the write (after a switch too);
# completion: the session and profile, the cards of the session's course, the write; history,
# stats and export: the profile (is the learner being deleted?) and one bounded query (an export's
# first page also counts an export begun against the learner's quota: one UpdateItem); the
# catalog: the profile (the catalog is cached by the container); the forecast: the profile and the
# course's cards due per day (one item); a phrasebook page: the profile and one bounded query of
# the cards; a delta: the profile, the sync log and the changed cards (one batch read); a device
# registered again: the profile, the learner's devices (a query of at most 5) and its put.
TARGET_REQUESTS = {
    "daily": 4,
    "completion": 3,
    "history": 2,
    "stats": 2,
    "export": 3,
    "courses": 1,
    "forecast": 2,
    "phrases": 2,
    "phrases_delta": 3,
    "device": 3,
    "daily_switched": 4,
}
# Handler-only p50 at the larger learner (issue 31's goals: a full pack, a page of 20 sessions)
TARGET_HANDLER_P50_MS = {"daily": 2.5, "completion": 6.0, "history": 15.0}
# The peers (bench/peers/): what a team would ship instead, and how much lighter ours should start
PEER_TARGETS = {
    "peer_powertools": ("a minimal Powertools function (resolver with validation, Logger, Metrics)", 0.9),
    "peer_fastapi": ("a minimal FastAPI + Mangum function", 0.55),
}


def _ms(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _verdict(met: bool, target: str) -> str:
    return f"{target}: {'met' if met else 'MISSED'}"


def _cold_rows(cold: dict[str, Any], bytecode: str) -> list[list[str]]:
    floor = cold[FLOOR]["init_ms"]["p50"]

    def result(name: str) -> str:
        init = cold[name]["init_ms"]
        return f"{_ms(init['p50'])} ms (IQR {_ms(init['p25'])}-{_ms(init['p75'])}, n={init['n']})"

    built = cold[BUILT]["init_ms"]["p50"] / floor
    rows = [
        [
            "Cold start floor: fresh interpreter creating a botocore DynamoDB client",
            result(FLOOR),
            "1.00",
            "",
        ],
        [
            f"Cold start: the built API function, import + init ({bytecode})",
            result(BUILT),
            f"{built:.2f}x floor",
            _verdict(built <= TARGET_COLD_RATIO, f"<= {TARGET_COLD_RATIO}x"),
        ],
    ]
    if NO_BYTECODE in cold:
        bare = cold[NO_BYTECODE]["init_ms"]["p50"]
        rows.append(
            [
                "Cold start: the same build without its .pyc (compiled at every cold start)",
                result(NO_BYTECODE),
                f"{bare / floor:.2f}x floor, {bare / cold[BUILT]['init_ms']['p50']:.2f}x with .pyc",
                "",
            ]
        )
    ours = cold[BUILT]["init_ms"]["p50"]
    for peer, (what, target) in PEER_TARGETS.items():
        if peer not in cold:
            continue
        peer_p50 = cold[peer]["init_ms"]["p50"]
        rows.append(
            [
                f"Cold start peer: {what}, botocore DynamoDB client, one GET route, pydantic model",
                result(peer),
                f"{peer_p50 / floor:.2f}x floor; ours / peer {ours / peer_p50:.2f}",
                _verdict(ours / peer_p50 <= target, f"ours <= {target}x peer"),
            ]
        )
    calls = sum(len(variant["network_calls_at_init"]) for variant in cold.values())
    rows.append(["Network calls during init (socket audit hook)", str(calls), "", _verdict(calls == 0, "0")])
    return rows


def _first_call_row(first: dict[str, Any], warm_daily: dict[str, Any]) -> list[str]:
    """What init leaves to the first request: reading the course, building what is built on first use."""
    call, init = first["first_call_ms"], first["init_ms"]
    return [
        f"First request of a cold start: GET /daily, a first visit, {first['cards']:,} cards, reading the"
        f" course ({first['course_phrases']:,} phrases; fresh process, handler only, DynamoDB replayed)",
        f"p50 {_ms(call['p50'])} ms (IQR {_ms(call['p25'])}-{_ms(call['p75'])}, n={call['n']})",
        f"init + first call {_ms(init['p50'] + call['p50'])} ms;"
        f" warm GET /daily p50 {_ms(warm_daily['p50'])} ms",
        "",
    ]


def _pack(learner: dict[str, Any]) -> str:
    return f"pack: {learner['pack']['review']} to review + {learner['pack']['new']} new"


def _route_rows(
    route: str, small: dict[str, Any], large: dict[str, Any], sizes: tuple[str, str]
) -> list[list[str]]:
    label = ROUTES[route]
    if "unavailable" in small[route] or "unavailable" in large[route]:
        return [[f"{label}", "not available", "", small[route].get("unavailable", "")[:60]]]
    a, b = small[route], large[route]
    unit = GROWS_WITH[route]
    packs = (_pack(small), _pack(large)) if unit == "cards" else ("page of 20", "page of 20")
    if route == "stats":
        packs = ("30 ledger days", "30 ledger days")
    if route == "courses":
        packs = ("2 courses", "2 courses")
    if route == "forecast":
        packs = ("30 days", "30 days")
    if route == "device":
        packs = ("1 device", "1 device")
    if route in {"phrases", "phrases_delta"}:
        packs = tuple(f"{x[route]['phrases']} phrases" for x in (small, large))
    if route == "daily_switched":
        packs = tuple(
            f"{x['pack_switched']['course']} pack: {x['pack_switched']['review']} to review"
            f" + {x['pack_switched']['new']} new"
            for x in (small, large)
        )
    if route == "export":
        packs = tuple(
            f"{x['export_page']['items']:,} items, {x['export_page']['bytes'] / 1024:.0f} KiB"
            for x in (small, large)
        )
    same = a["requests"] == b["requests"]
    count = max(len(a["requests"]), len(b["requests"]))
    rows = [
        [
            f"{label}: DynamoDB requests per call, {sizes[0]} -> {sizes[1]} {unit}",
            f"{len(a['requests'])} -> {len(b['requests'])} ({', '.join(b['requests'])})",
            "identical" if same else "DIFFERENT",
            _verdict(same and count <= TARGET_REQUESTS[route], f"<= {TARGET_REQUESTS[route]}, constant"),
        ]
    ]
    for key, what in (
        ("emulator_ms", "(a) DynamoDB = moto over HTTP"),
        ("in_process_ms", "(b) handler only, DynamoDB replayed in-process"),
    ):
        for size, result, pack in zip(sizes, (a, b), packs, strict=True):
            timing = result[key]
            ratio = ""
            if size == sizes[1]:
                ratio = f"{timing['p50'] / a[key]['p50']:.2f}x {sizes[0]} {unit} (p50)"
            target = ""
            goal = TARGET_HANDLER_P50_MS.get(route)
            if key == "in_process_ms" and goal is not None and size == sizes[1]:
                target = _verdict(timing["p50"] <= goal, f"<= {goal:g} ms p50")
            rows.append(
                [
                    f"{label} {what}, {size} {unit} ({pack})",
                    f"p50 {_ms(timing['p50'])} / p95 {_ms(timing['p95'])} / p99 {_ms(timing['p99'])} ms"
                    f" (n={timing['n']})",
                    ratio,
                    target,
                ]
            )
    return rows


def _deletion_rows(small: dict[str, Any], large: dict[str, Any], sizes: tuple[str, str]) -> list[list[str]]:
    """DELETE /profile (a constant cost), and the worker's erasure (in proportion to the items)."""
    a, b = small["deletion"], large["deletion"]
    same = a["requests"] == b["requests"]
    rows = [
        [
            f"DELETE /profile: DynamoDB requests per call, {sizes[0]} -> {sizes[1]} cards and sessions",
            f"{len(a['requests'])} -> {len(b['requests'])} ({', '.join(b['requests'])}) + 1 SQS SendMessage",
            "identical" if same else "DIFFERENT",
            _verdict(same and len(b["requests"]) <= 1, "<= 1, constant"),
        ]
    ]
    for size, result in zip(sizes, (a, b), strict=True):
        timing = result["emulator_ms"]
        rows.append(
            [
                f"DELETE /profile (a) DynamoDB and SQS = moto over HTTP, {size} cards and sessions",
                f"p50 {_ms(timing['p50'])} / p95 {_ms(timing['p95'])} / p99 {_ms(timing['p99'])} ms"
                f" (n={timing['n']})",
                "",
                "",
            ]
        )
    for size, learner in zip(sizes, (small, large), strict=True):
        erasure = learner["erasure"]
        items, requests = erasure["items"], erasure["requests"]
        per_thousand = sum(requests.values()) / max(items, 1) * 1000
        listed = ", ".join(f"{count} {name}" for name, count in requests.items())
        rows.append(
            [
                f"Erasure by the account worker, {size} cards and sessions (moto over HTTP)",
                f"{items:,} items in {erasure['emulator_seconds']:.1f} s: {listed}",
                f"{per_thousand:.0f} requests per 1,000 items",
                "1 BatchWriteItem per 25 items, 2 requests per page (<= 1,000 keys, <= 1 MB read)",
            ]
        )
    return rows


def render_table(results: dict[str, Any]) -> str:
    meta = results["meta"]
    warm = results["warm"]
    sizes = tuple(f"{int(size):,}" for size in warm)
    small, large = (warm[size] for size in warm)
    rows = _cold_rows(results["cold_start"], results["bytecode"])
    if "first_call" in results:
        rows.append(_first_call_row(results["first_call"], small["daily"]["in_process_ms"]))
    for route in ROUTES:
        rows += _route_rows(route, small, large, (sizes[0], sizes[-1]))
    rows += _deletion_rows(small, large, (sizes[0], sizes[-1]))
    peak = [w["peak_rss_mib"] for w in warm.values()]
    rows.append(
        [
            f"Peak RSS of the warm process, {sizes[0]} -> {sizes[-1]} cards",
            f"{peak[0]:.0f} -> {peak[-1]:.0f} MiB (after init {small['rss_after_init_mib']:.0f} MiB)",
            f"{peak[-1] / peak[0]:.2f}x",
            "",
        ]
    )
    header = ["Measure", "Result", "Ratio", "Target"]
    lines = [
        f"Practice API benchmark, {meta['when']}, commit {meta['commit']}, {meta['cpus']} CPUs, "
        f"Python {meta['python']}, {meta['invokes']} invokes per warm figure, {meta['cold_runs']} cold runs",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render_import_profile(profile: list[dict[str, Any]]) -> str:
    lines = ["| cumulative ms | self ms | module |", "|---:|---:|---|"]
    lines += [
        f"| {row['cumulative_ms']:.1f} | {row['self_ms']:.1f} | {'  ' * row['depth']}{row['module']} |"
        for row in profile
    ]
    return "\n".join(lines)


def render_profile(profile: dict[str, dict[str, Any]], *, cards: int, invokes: int) -> str:
    """`make bench BENCH_ARGS=--profile`'s table: per route, the profiled ms per call and the share
    of its CPU in each part (warm_child.py's PROFILE_PARTS)."""
    parts = list(next(iter(profile.values()))["shares"])
    lines = [
        f"Where each warm route's CPU goes, learner with {cards:,} cards, DynamoDB replayed in-process,"
        f" {invokes} calls under cProfile (self time; a builtin's counted to its caller; cProfile"
        " slows pure-Python code most)",
        "",
        "| route | ms/call (profiled) | " + " | ".join(parts) + " |",
        "|---|---|" + "---|" * len(parts),
    ]
    for route, figures in profile.items():
        shares = " | ".join(f"{figures['shares'][part]:.0%}" for part in parts)
        lines.append(f"| {ROUTES.get(route, route)} | {figures['ms_per_call']:.1f} | {shares} |")
    return "\n".join(lines)
