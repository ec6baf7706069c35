"""The benchmark's own arithmetic: percentiles and the table it prints."""

from typing import Any

from bench.report import ROUTES, render_profile, render_table
from bench.stats import percentile, summary


def test_percentiles_interpolate_between_ranks():
    samples = [4.0, 1.0, 3.0, 2.0]
    assert percentile(samples, 0) == 1.0
    assert percentile(samples, 50) == 2.5
    assert percentile(samples, 100) == 4.0
    assert summary(samples)["p25"] == 1.75


def timing(p50: float) -> dict[str, Any]:
    return {"p50": p50, "p25": p50 - 1, "p75": p50 + 1, "p95": p50, "p99": p50, "n": 21}


def results(**extra: Any) -> dict[str, Any]:
    """A bench run's figures: every route one GetItem, the same for both learners."""
    route = {"requests": ["GetItem"], "emulator_ms": timing(9.0), "in_process_ms": timing(2.0), "phrases": 50}
    learner = {
        "pack": {"review": 0, "new": 10},
        "pack_switched": {"course": "fr-en", "review": 0, "new": 3},
        "export_page": {"items": 1, "bytes": 2048},
        "deletion": {"requests": ["UpdateItem"], "emulator_ms": timing(3.0)},
        "erasure": {"items": 1, "requests": {"Query": 1}, "emulator_seconds": 0.1},
        "peak_rss_mib": 70.0,
        "rss_after_init_mib": 60.0,
        **dict.fromkeys(ROUTES, route),
    }
    return {
        "meta": {"when": "now", "commit": "abc", "cpus": 2, "python": "3.13", "invokes": 21, "cold_runs": 21},
        "bytecode": "all compiled",
        "cold_start": {
            name: {"init_ms": timing(p50), "network_calls_at_init": []}
            for name, p50 in (("floor", 250.0), ("handler", 300.0))
        },
        "warm": {"10": learner, "10000": learner},
        **extra,
    }


def test_the_table_states_what_a_cold_starts_first_request_pays_over_a_warm_one():
    first_call = {
        "cards": 10,
        "course_phrases": 10200,
        "init_ms": timing(310.0),
        "first_call_ms": timing(40.0),
    }
    table = render_table(results(first_call=first_call))
    [row] = [line for line in table.splitlines() if line.startswith("| First request")]
    assert "10 cards, reading the course (10,200 phrases" in row
    assert "p50 40.0 ms (IQR 39.0-41.0, n=21)" in row
    assert "init + first call 350 ms; warm GET /daily p50 2.00 ms" in row


def test_the_table_has_a_row_for_the_catalog_and_for_a_pack_after_a_switch():
    table = render_table(results())
    assert (
        "| GET /courses: DynamoDB requests per call, 10 -> 10,000 cards | 1 -> 1 (GetItem) | identical"
        in table
    )
    switched = [line for line in table.splitlines() if line.startswith("| GET /daily after a course switch")]
    assert "1 -> 1 (GetItem) | identical | <= 4, constant: met" in switched[0]
    assert any("fr-en pack: 0 to review + 3 new" in line for line in switched)


def test_the_table_has_rows_for_a_phrasebook_page_and_a_delta_with_their_sizes():
    table = render_table(results())
    page = [line for line in table.splitlines() if "GET /phrases?limit=50" in line]
    delta = [line for line in table.splitlines() if "GET /phrases?since=" in line]
    assert page and delta
    assert any("50 phrases" in line for line in page + delta)
    assert "<= 2, constant: met" in page[0] and "<= 3, constant: met" in delta[0]


def test_the_profile_table_has_a_row_per_route_with_its_shares():
    profile = {
        "daily": {"ms_per_call": 19.04, "shares": {"botocore parse": 0.34, "ours": 0.13, "other": 0.53}},
        "completion": {"ms_per_call": 69.8, "shares": {"botocore parse": 0.36, "ours": 0.22, "other": 0.42}},
    }
    table = render_profile(profile, cards=10_000, invokes=30).splitlines()
    assert "learner with 10,000 cards" in table[0] and "30 calls under cProfile" in table[0]
    assert table[2] == "| route | ms/call (profiled) | botocore parse | ours | other |"
    assert table[4] == "| GET /daily | 19.0 | 34% | 13% | 53% |"
    assert table[5] == "| POST /sessions/{id}/complete | 69.8 | 36% | 22% | 42% |"
