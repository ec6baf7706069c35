"""What is refused before routing and validation, whatever else is wrong with the request, in
this order: no usable identity (401), a body whose Content-Type is not JSON (415), a body that is
not UTF-8 (400). Powertools validates a body before a route's dependencies run, so these checks
read the raw event first; what passes goes on to the resolver."""

import base64
import binascii
import re
from typing import Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from practice_api.http.errors import InvalidJson, UnsupportedMediaType
from practice_api.http.identity import caller_id

# application/json, with or without parameters (charset=utf-8)
JSON_MEDIA_TYPE = re.compile(r"^application/json\s*(;|$)", re.IGNORECASE)


def admit(raw_event: dict[str, Any], *, local_mode: bool) -> None:
    """Raise the first reason to refuse the event before any validation; return to let it through."""
    event = APIGatewayProxyEventV2(raw_event)
    caller_id(event, local_mode=local_mode)
    if not event.body:
        return
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
