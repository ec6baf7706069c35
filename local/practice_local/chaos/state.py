"""The end state of a life, item by item, and how two of them differ.

Every item of the practice table counts - profiles, sessions, cards, ledger days, devices, fit
records, due-index entries - with every attribute, except those that legitimately differ from
one life to the next, each named here with its reason. The idempotency table is left out whole:
its records hold the real clock's expiry times, and what they protect (one session per key) is
counted in the practice table.
"""

from typing import Any

from boto3.dynamodb.types import TypeDeserializer

# (kind of item, attribute) -> why it may differ between two lives that did the same things
VOLATILE = {
    ("DEVICE", "endpoint_arn"): "the push endpoint's ARN: SNS names it with a random id",
    (
        "SYNC",
        "ttl",
    ): "the sync log's expiry: DynamoDB's TTL runs on the real clock, set from the write's time",
}

Item = dict[str, Any]
Key = tuple[str, str]
SESSION = "SESSION#"


def end_state(client: Any, table_name: str) -> dict[Key, Item]:
    """Every item of the table by (pk, sk), its volatile attributes left out, and each session id
    named by the session's place in its learner's history (`#1`, `#2`...): an id is random, and a
    start that failed before writing anything used one up, so only the sessions written count."""
    deserialize = TypeDeserializer().deserialize
    items: dict[Key, Item] = {}
    for page in client.get_paginator("scan").paginate(TableName=table_name, ConsistentRead=True):
        for raw in page["Items"]:
            kind = raw["sk"]["S"].split("#", 1)[0]
            item = {name: deserialize(value) for name, value in raw.items() if (kind, name) not in VOLATILE}
            items[(item["pk"], item["sk"])] = item
    places = {
        sk.removeprefix(SESSION): f"session-{n}"
        for pk in {pk for pk, _ in items}
        for n, sk in enumerate(sorted(sk for p, sk in items if p == pk and sk.startswith(SESSION)), 1)
    }
    return {_named(key, places): _named(item, places) for key, item in items.items()}


def _named(value: Any, places: dict[str, str]) -> Any:
    """`value` with every session id in it (a key, an attribute, a list) replaced by its place."""
    if isinstance(value, str):
        for session_id, place in places.items():
            if session_id in value:
                value = value.replace(session_id, place)
        return value
    if isinstance(value, dict):
        return {name: _named(inner, places) for name, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_named(inner, places) for inner in value)
    return value


def differences(expected: dict[Key, Item], got: dict[Key, Item], limit: int = 20) -> list[str]:
    """What `got` has that `expected` has not, and the reverse, one line each (at most `limit`)."""
    lines = [f"missing  {key}" for key in sorted(expected.keys() - got.keys())]
    lines += [f"extra    {key}: {_short(got[key])}" for key in sorted(got.keys() - expected.keys())]
    for key in sorted(expected.keys() & got.keys()):
        before, after = expected[key], got[key]
        for name in sorted(before.keys() | after.keys()):
            if before.get(name) != after.get(name):
                lines.append(
                    f"differs  {key} {name}: {_short(before.get(name))} -> {_short(after.get(name))}"
                )
    return lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])


def kinds(state: dict[Key, Item]) -> dict[str, int]:
    """How many items of each kind (the sort key's prefix): PROFILE, SESSION, CARD, DAY..."""
    counted: dict[str, int] = {}
    for _, sk in state:
        kind = sk.split("#", 1)[0]
        counted[kind] = counted.get(kind, 0) + 1
    return dict(sorted(counted.items()))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 100 else text[:97] + "..."
