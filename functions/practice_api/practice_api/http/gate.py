"""What is refused before routing and validation, whatever else is wrong with the request, in
this order: no usable identity (401), an X-App-Version that is no version (400) or older than
the oldest version served (426), a body larger than MAX_BODY_BYTES (413, before anything
parses it), a body whose Content-Type is not JSON (415), a body that is not UTF-8 (400).
Powertools validates a body before a route's dependencies run, so these checks
read the raw event first; what passes goes on to the resolver."""

import base64
import binascii
import json
import re
from typing import Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from practice_api.http.errors import (
    AppUpgradeRequired,
    InvalidAppVersion,
    InvalidJson,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from practice_api.http.identity import caller_id

# application/json, with or without parameters (charset=utf-8)
JSON_MEDIA_TYPE = re.compile(r"^application/json\s*(;|$)", re.IGNORECASE)
APP_VERSION = re.compile(r"^\d{1,6}(\.\d{1,6}){0,3}$")  # 3, 3.2, 3.2.0, 3.2.0.1234
MAX_BODY_BYTES = 512 * 1024  # API Gateway takes up to 10 MB; the largest real body ~70 KB


def admit(raw_event: dict[str, Any], *, local_mode: bool, min_app_version: str = "") -> None:
    """Raise the first reason to refuse the event before any validation; return to let it through."""
    event = APIGatewayProxyEventV2(raw_event)
    caller_id(event, local_mode=local_mode)
    check_app_version(event.headers.get("x-app-version"), min_app_version)
    if not event.body:
        return
    check_body_size(event.body, base64_encoded=bool(event.is_base64_encoded))
    content_type = event.headers.get("content-type")
    if content_type is not None:
        if not JSON_MEDIA_TYPE.match(content_type.strip()):
            raise UnsupportedMediaType(f"send the body as application/json, not '{content_type[:64]}'")
        # Media types are case-insensitive (RFC 9110), Powertools' check is not: pass it on in lower case
        raw_event["headers"]["content-type"] = content_type.strip().lower()
    if event.is_base64_encoded:
        try:
            base64.b64decode(event.body, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise InvalidJson("the request body is not UTF-8 encoded JSON") from error


def parse_json_body(body: str) -> Any:
    """The resolver's JSON parser: json.loads, except that a body nested too deep for it (100,000
    `[`) is invalid JSON like any other, not a RecursionError past the resolver's JSON handling."""
    try:
        return json.loads(body)
    except RecursionError as error:
        raise json.JSONDecodeError("nested too deep", body, 0) from error


def check_body_size(body: str, *, base64_encoded: bool) -> None:
    """PayloadTooLarge for a body over MAX_BODY_BYTES, counted in the bytes the client sent (UTF-8
    or base64-decoded), without decoding it: a 4 MB body costs no parse and no validation."""
    if base64_encoded:
        size = len(body) * 3 // 4 - body.count("=", -2)
    elif len(body) * 4 <= MAX_BODY_BYTES:  # a UTF-8 character is 4 bytes at most: surely small
        size = len(body)
    else:
        size = len(body.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the request body is {size} bytes; at most {MAX_BODY_BYTES} are accepted")


def check_app_version(sent: str | None, minimum: str) -> None:
    """InvalidAppVersion for a header that is no version; AppUpgradeRequired when the app says it
    is older than `minimum` (empty: none). An app that sends no version is served: the header is
    optional (scripts, and apps from before it)."""
    if sent is None:
        return
    if not APP_VERSION.match(sent.strip()):
        raise InvalidAppVersion(f"X-App-Version must be dotted numbers such as 3.2.0, not '{sent[:32]}'")
    if minimum and _numbers(sent) < _numbers(minimum):
        raise AppUpgradeRequired(minimum)


def _numbers(version: str) -> tuple[int, ...]:
    """3.2 and 3.2.0 are the same version: trailing zeros do not count."""
    numbers = [int(part) for part in version.strip().split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)
