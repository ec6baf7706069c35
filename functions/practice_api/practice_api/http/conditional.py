"""Conditional GETs (RFC 9110 §13): a route's 200 carries an ETag of what it returned, and a
request whose If-None-Match names the current one gets 304 with no body, so an app that kept the
last answer re-downloads nothing. The tag is a digest of the answer itself, so any write that
changes what the route returns changes it, and nothing else does. The routes still read what
they read: a 304 saves the app's bandwidth and parsing, not DynamoDB requests."""

import hashlib
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

# Apps keep a copy, and must check it with the API before using it again
CACHE_CONTROL = "private, no-cache"
# What each conditional route tags, by (method, path): the OpenAPI spec documents these
CONDITIONAL_ROUTES: set[tuple[str, str]] = set()

type Middleware = Callable[[Any, NextMiddleware], Response[Any]]


def entity_tag(body: object) -> str:
    """A strong ETag of a JSON body: the same body, the same tag, whatever its key order."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return '"' + hashlib.blake2b(canonical.encode(), digest_size=12).hexdigest() + '"'


def names_current(if_none_match: str | None, tag: str) -> bool:
    """If-None-Match names `tag` (weakly compared, as GET's check is) or is `*`."""
    if not if_none_match:
        return False
    candidates = [candidate.strip() for candidate in if_none_match.split(",")]
    return "*" in candidates or any(candidate.removeprefix("W/") == tag for candidate in candidates)


def conditional(path: str, tagged: Callable[[Any], object] = lambda body: body) -> Middleware:
    """The middleware that makes GET `path` conditional. `tagged` is what of a body the tag
    covers: all of it, unless a part changes with every request by nature (a phrase's strength
    now, a presigned link) and says nothing about whether the app's copy is current."""
    CONDITIONAL_ROUTES.add(("get", path.replace("<", "{").replace(">", "}")))

    def middleware(app: Any, next_middleware: NextMiddleware) -> Response[Any]:
        response = next_middleware(app)
        if response.status_code != HTTPStatus.OK:
            return response
        headers = {"ETag": entity_tag(tagged(response.body)), "Cache-Control": CACHE_CONTROL}
        if names_current(app.current_event.headers.get("if-none-match"), headers["ETag"]):
            return Response(status_code=int(HTTPStatus.NOT_MODIFIED), body="", headers=headers)
        response.headers.update(headers)
        return response

    return middleware
