"""SnapStart, a deploy option (template parameter `SnapStart=on`): Lambda runs the function's init
once per published version, snapshots the memory, and starts each new execution environment from
a copy of that snapshot instead of running init again.

Two hooks make the function safe to copy:
- before the snapshot, `prime`: init has imported and built everything (settings, clients, the
  service); one request refused by validation, which touches no network, compiles the router's
  routes and the validation models the first request would otherwise pay for.
- after each restore, `reseed`: every copy starts with the same memory, so anything random held
  in it would be the same in all of them. `random` is re-seeded from the OS, and python-ulid's
  generator, which increments the last id's randomness for ids in the same millisecond, is
  replaced, so no two copies can mint the same session id. (Ids use os.urandom, which the kernel
  answers afresh in each copy; no connection is opened before the snapshot, so none is stale.)

The hooks come from `snapshot_restore_py`, which Lambda's Python runtime provides; elsewhere (local
runs, tests without it) nothing is registered.
"""

import json
import random
from typing import Any

import ulid

PRIMING_EVENT: dict[str, Any] = {
    "version": "2.0",
    "routeKey": "PATCH /api/v2/practice/profile",
    "rawPath": "/api/v2/practice/profile",
    "rawQueryString": "",
    "headers": {"content-type": "application/json"},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "priming",
        "authorizer": {"jwt": {"claims": {"sub": "snapstart-priming"}, "scopes": None}},
        "domainName": "priming.local",
        "http": {"method": "PATCH", "path": "/api/v2/practice/profile", "protocol": "HTTP/1.1",
                 "sourceIp": "127.0.0.1", "userAgent": "snapstart"},
        "requestId": "snapstart-priming",
        "routeKey": "PATCH /api/v2/practice/profile",
        "stage": "$default",
        "time": "01/Jan/2026:00:00:00 +0000",
        "timeEpoch": 1767225600000,
    },
    # refused by validation (not a goal one may choose): no DynamoDB request is made
    "body": json.dumps({"daily_goal_xp": 7}),
    "isBase64Encoded": False,
}  # fmt: skip


def prime(app: Any) -> int:
    """Run one request that validation refuses through the resolver; its status (422)."""
    response = app.resolve(PRIMING_EVENT, None)
    return int(response["statusCode"])


def reseed() -> None:
    """Make this copy's random state its own."""
    random.seed()
    ulid.default_generator = ulid.ULIDGenerator()


def register(app: Any) -> bool:
    """Register the hooks with Lambda's runtime; False where there is no SnapStart runtime."""
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot  # noqa: PLC0415
    except ImportError:
        return False
    register_before_snapshot(prime, app)
    register_after_restore(reseed)
    return True
