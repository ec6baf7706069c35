"""Field types and the request base that every feature's API models share."""

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from practice.domain.learner_day import parse_time_zone, zone_names
from practice.errors import InvalidTimeZone


def _zone_key(name: str) -> str:
    """A name that is not an IANA zone key, whatever its form, is `invalid_time_zone` (400)."""
    try:
        parse_time_zone(name)
    except InvalidTimeZone as error:
        raise PydanticCustomError(error.code, "{message}", {"message": error.message}) from error
    return name


# The spec lists the zone keys the server accepts (tzdata's own list), so a client and a contract
# test know exactly which names are valid.
TimeZoneName = Annotated[
    str,
    AfterValidator(_zone_key),
    WithJsonSchema({"type": "string", "enum": sorted(zone_names()), "description": "An IANA time zone key."}),
]


def _integral_number(value: object) -> object:
    """JSON Schema's integer includes 3.0; strict validation would refuse it, so it becomes 3.
    Anything else (a string, a bool, 3.5) still meets the strict check."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Milliseconds = Annotated[int, Field(ge=0, le=3_600_000), BeforeValidator(_integral_number)]
# An optional request field: it may be left out (None here), but the spec and the server refuse null.
Omittable = SkipJsonSchema[None]
# A page cursor as the server issues them (practice/runtime/cursors.py): URL-safe base64 of a
# 16-byte seal and a position of at least one byte, so never shorter than 23 characters
CURSOR_MIN_LENGTH = 23
CursorText = Annotated[str, Field(pattern=rf"^[A-Za-z0-9_-]{{{CURSOR_MIN_LENGTH},256}}$")]


def _text(value: object) -> object:
    if not isinstance(value, str):  # lax datetime parsing would also take a number as a timestamp
        raise ValueError("an RFC 3339 date-time string, such as 2026-12-01T08:01:02Z")
    return value


# When something happened on the phone: RFC 3339 with an offset (the server moves it into the
# session's window, so a wrong clock is bounded, never refused)
Timestamp = Annotated[AwareDatetime, Strict(False), BeforeValidator(_text)]


def body_schema(**constraints: Any) -> Callable[[dict[str, Any]], None]:
    """The spec of a request body: `constraints` (what the server checks across fields), and no
    null default on optional fields, which are left out, never sent as null."""

    def shape(schema: dict[str, Any]) -> None:
        for field in schema.get("properties", {}).values():
            if "default" in field and field["default"] is None:
                del field["default"]
        schema.update(constraints)

    return shape


class RequestBody(BaseModel):
    """Base of request bodies: unknown fields are refused, values are not coerced ("true" is not
    true, "100" is not 100, 1 is not true), and an optional field may be left out but not sent
    as null."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=body_schema())

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:  # defaults are not validated, so this sees only an explicit null
            raise ValueError("may be left out, but not null")
        return value
