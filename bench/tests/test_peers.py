"""The bench's peers (bench/peers/) are real functions: each answers an API Gateway event for its
route, and the table states our cold start against theirs."""

import json
from typing import Any

import pytest

from bench.peers import peer_fastapi, peer_powertools
from bench.report import BUILT, FLOOR, _cold_rows
from bench.tests.conftest import peer_context, sample_event


@pytest.mark.parametrize("peer", [peer_powertools, peer_fastapi], ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_each_peer_answers_the_daily_route_with_its_model(peer: Any):
    event = sample_event("get_daily_pack.json")
    event["headers"].pop("idempotency-key", None)
    response = peer.lambda_handler(event, peer_context())
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"pack_id": "daily_2026-12-02", "phrases": ["hola", "gracias"]}


def test_the_table_states_our_cold_start_against_each_peer():
    def timing(p50: float) -> dict[str, Any]:
        return {"init_ms": {"p50": p50, "p25": p50, "p75": p50, "n": 21}, "network_calls_at_init": []}

    cold = {
        FLOOR: timing(250),
        BUILT: timing(300),
        "peer_powertools": timing(400),
        "peer_fastapi": timing(500),
    }
    powertools = next(row for row in _cold_rows(cold, "n/a") if "Powertools" in row[0])
    fastapi = next(row for row in _cold_rows(cold, "n/a") if "FastAPI" in row[0])
    assert powertools[2] == "1.60x floor; ours / peer 0.75"
    assert powertools[3] == "ours <= 0.9x peer: met"
    assert fastapi[2] == "2.00x floor; ours / peer 0.60"
    assert fastapi[3] == "ours <= 0.55x peer: MISSED"
