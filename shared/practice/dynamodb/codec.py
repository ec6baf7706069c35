"""Python values to DynamoDB attribute values and back, and an item's size as DynamoDB counts it."""

from collections.abc import Mapping
from typing import Any


def attribute(value: Any) -> dict[str, Any]:  # noqa: PLR0911 - one return per attribute type
    """A Python value as a DynamoDB attribute value. Our items hold only JSON-shaped data (and
    compressed bytes), so this small mapping replaces boto3's TypeSerializer, whose import brings
    boto3 and s3transfer into every cold start; floats go through repr so they round-trip exactly."""
    match value:
        case None:
            return {"NULL": True}
        case bool():
            return {"BOOL": value}
        case str():
            return {"S": value}
        case bytes():
            return {"B": value}
        case int() | float():
            return {"N": repr(value)}
        case list() | tuple():
            return {"L": [attribute(inner) for inner in value]}
        case dict():
            return {"M": {name: attribute(inner) for name, inner in value.items()}}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def value(stored: Mapping[str, Any]) -> Any:
    [(kind, raw)] = stored.items()
    match kind:
        case "S" | "BOOL" | "B":
            return raw
        case "N":
            return float(raw) if any(mark in raw for mark in ".eE") else int(raw)
        case "NULL":
            return None
        case "L":
            return [value(inner) for inner in raw]
        case "M":
            return {name: value(inner) for name, inner in raw.items()}
    raise TypeError(f"unexpected DynamoDB attribute type {kind}")


def serialize_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: attribute(inner) for name, inner in item.items()}


def deserialize_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value(inner) for name, inner in item.items()}


def stored_size(item: Mapping[str, Any]) -> int:
    """A serialized item's size as DynamoDB counts it against its 400 KB limit, its 1 MB query
    pages and its capacity units: names plus values (strings and binary by their bytes, numbers
    at most 21, lists and maps 3 plus 1 per element)."""

    def size(stored: Mapping[str, Any]) -> int:
        [(kind, raw)] = stored.items()
        match kind:
            case "S":
                return len(raw.encode())
            case "B":
                return len(raw)
            case "N":
                return 21
            case "L":
                return 3 + sum(1 + size(inner) for inner in raw)
            case "M":
                return 3 + sum(1 + len(name.encode()) + size(inner) for name, inner in raw.items())
        return 1  # BOOL, NULL

    return sum(len(name.encode()) + size(stored) for name, stored in item.items())
