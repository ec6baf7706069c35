"""The mobile app as the chaos run drives it: requests through API Gateway's event to the API's
handler, and the app's retry behaviour on a bad network. A request whose answer does not come
(the edge's faults: the handler ran, the answer was lost), a 503 or a 409 "still in progress"
is sent again as it was: the same Idempotency-Key, the same completion body. The back-off is
counted, not slept: the world's clock marks the learner's actions, and a retry lands at the
same instant. Only Powertools' "in progress" record lives on the real clock (it expires with
the invocation that wrote it): that wait is real, one function timeout long, and made once, so
that the requests made (and the faults drawn) do not depend on this machine's speed."""

import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from practice_local.cloud.events import HttpRequest, RouteTable, api_gateway_event, unsigned_jwt
from practice_local.cloud.lambda_runtime import LocalFunction

ATTEMPTS = 12  # an app that gives up sooner would leave the run unequal for a reason of its own
IN_PROGRESS_WAITS = 2  # each as long as an invocation holds a key "in progress" (its timeout)


class GaveUp(Exception):
    """The app's retries ran out: a request the backend never answered well."""


@dataclass
class Network:
    """The app's side of the network: answers lost at `rate` (a fifth of the proxy's rate: the
    edge's share of the faults), drawn from its own seeded generator; and what it saw."""

    rate: float
    seed: int
    seen: Counter[str] = field(default_factory=Counter)
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - a simulation, not secrets

    def answer_lost(self) -> bool:
        return self._random.random() < self.rate


@dataclass
class App:
    api: LocalFunction
    routes: RouteTable
    network: Network

    def call(
        self,
        user_id: str,
        method: str,
        target: str,
        body: object = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """(status, JSON body or None) of the request, after the app's retries."""
        raw = json.dumps(body).encode() if body is not None else b""
        sent = [("authorization", f"Bearer {unsigned_jwt({'sub': user_id})}"), ("host", "chaos.local")]
        if raw:
            sent.append(("content-type", "application/json"))
        sent += list((headers or {}).items())
        event = api_gateway_event(HttpRequest(method, target, sent, raw, "198.51.100.7"), self.routes)
        failures = waits = 0
        while failures < ATTEMPTS and waits < IN_PROGRESS_WAITS:
            response = self.api.invoke(event)
            status = int(response["statusCode"])
            answer = json.loads(response["body"]) if response.get("body") else None
            code = answer.get("error", {}).get("code") if isinstance(answer, dict) else None
            if code == "request_in_progress":  # the key's first attempt was cut short: wait it out
                self.network.seen["409 request_in_progress"] += 1
                waits += 1
                time.sleep(self.api.timeout_seconds + 0.5)  # once: the same requests whatever the speed
                continue
            failures += 1
            if status >= 500 and status != 503:
                self.network.seen["server_error"] += 1
                self.network.seen[f"server_error {method} {event['routeKey']}"] += 1
                continue
            if self.network.answer_lost():
                self.network.seen["answer_lost"] += 1
                continue
            if status == 503:
                self.network.seen[f"503 {code}"] += 1
                continue
            self.network.seen["answered"] += 1
            return status, answer
        raise GaveUp(f"{method} {target} for {user_id}: no good answer in {failures} attempts, {waits} waits")
