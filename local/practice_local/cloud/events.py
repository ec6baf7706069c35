"""An HTTP request turned into the event API Gateway (HTTP API, payload format 2.0) hands the
function: the route key from template.yaml's routes, headers lower-cased, cookies apart, the
query string parsed, the body (base64 when it is not text) and the JWT claims of a bearer token.

Locally the token's signature and expiry are NOT checked: its payload is decoded and its claims
passed on as the JWT authorizer would after checking them."""

import base64
import binascii
import json
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from practice_local.cloud.template import HttpApiRoute

ACCOUNT_ID = "123456789012"  # what `sam local` puts there too
DEFAULT_ROUTE_KEY = "$default"
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
_TEXT_SUFFIXES = ("+json", "+xml")
_TEXT_EXACT = {"application/x-www-form-urlencoded", "application/graphql"}


class MalformedToken(ValueError):
    """The Authorization header is not `Bearer <header>.<payload>.<signature>` with a JSON payload."""


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str  # the request-target as sent: /path?query
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class _CompiledRoute:
    route: HttpApiRoute
    segments: tuple[str, ...]

    @property
    def specificity(self) -> tuple[int, ...]:
        """Lower is more specific: literal < {param} < {proxy+} segment by segment, then a
        method route before an ANY route (API Gateway picks the most specific match)."""
        kinds = tuple(2 if s.endswith("+}") else 1 if s.startswith("{") else 0 for s in self.segments)
        return (*kinds, int(self.route.method == "ANY"))

    def match(self, method: str, segments: list[str]) -> dict[str, str] | None:
        if self.route.method not in {"ANY", method}:
            return None
        params: dict[str, str] = {}
        for index, pattern in enumerate(self.segments):
            value = segments[index] if index < len(segments) else ""
            if pattern.endswith("+}"):  # greedy {proxy+}: the rest of the path, at least one segment
                params[pattern[1:-2]] = unquote("/".join(segments[index:]))
                return params if value else None
            if pattern.startswith("{"):
                params[pattern[1:-1]] = unquote(value)
            if not value or (not pattern.startswith("{") and pattern != value):
                return None
        return params if len(segments) == len(self.segments) else None


class RouteTable:
    """template.yaml's routes of one function, matched the way API Gateway matches them."""

    def __init__(self, routes: Iterable[HttpApiRoute]) -> None:
        compiled = [
            _CompiledRoute(route, tuple(route.path.strip("/").split("/")))
            for route in routes
            if route.path != DEFAULT_ROUTE_KEY
        ]
        self._routes = sorted(compiled, key=lambda r: r.specificity)

    def match(self, method: str, raw_path: str) -> tuple[str, dict[str, str]]:
        """(route key, path parameters); `$default` when no route matches (the server answers
        that 404 itself, as API Gateway does without invoking the function)."""
        segments = raw_path.strip("/").split("/")
        for compiled in self._routes:
            params = compiled.match(method, segments)
            if params is not None:
                return compiled.route.route_key, params
        return DEFAULT_ROUTE_KEY, {}


def jwt_claims(authorization: str) -> dict[str, str]:
    """The claims of `Bearer <JWT>` as the JWT authorizer passes them on: every value a string.
    Raises MalformedToken; the signature is not checked."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise MalformedToken("the Authorization header must be 'Bearer <JWT>'")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise MalformedToken("the bearer token is not a JWT (header.payload.signature)")
    try:
        header = json.loads(_base64url(parts[0]))
        payload = json.loads(_base64url(parts[1]))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise MalformedToken("the bearer token's header or payload is not base64url-encoded JSON") from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise MalformedToken("the bearer token's header and payload must be JSON objects")
    # a null claim is no claim (not the string "None"): `"sub": null` carries no identity
    return {str(name): _claim_value(value) for name, value in payload.items() if value is not None}


def unsigned_jwt(claims: Mapping[str, object]) -> str:
    """A token the local server accepts (and API Gateway never would): for curl and Swagger UI."""
    header = _base64url_encode(json.dumps({"alg": "none", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _base64url_encode(json.dumps(dict(claims), separators=(",", ":")).encode())
    return f"{header}.{payload}."


def api_gateway_event(
    request: HttpRequest, routes: RouteTable, *, now: float | None = None, request_id: str | None = None
) -> dict[str, Any]:
    """The payload-2.0 event of `request`. Raises MalformedToken for a bad bearer token."""
    url = urlsplit(request.target)
    raw_path = url.path or "/"
    route_key, path_params = routes.match(request.method, raw_path)
    headers, cookies = _headers_and_cookies(request.headers)
    headers.setdefault("x-forwarded-for", request.source_ip)
    headers.setdefault("x-forwarded-proto", "http")
    when = time.time() if now is None else now
    domain = headers.get("host", "localhost").rsplit(":", 1)[0] or "localhost"

    request_context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": "local",
        "domainName": domain,
        "domainPrefix": domain.split(".")[0],
        "http": {
            "method": request.method,
            "path": raw_path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request_id or secrets.token_urlsafe(12),
        "routeKey": route_key,
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(when)),
        "timeEpoch": int(when * 1000),
    }
    if "authorization" in headers:
        request_context["authorizer"] = {
            "jwt": {"claims": jwt_claims(headers["authorization"]), "scopes": None}
        }

    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": url.query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    query = _query_parameters(url.query)
    if query:
        event["queryStringParameters"] = query
    if path_params:
        event["pathParameters"] = path_params
    event["requestContext"] = request_context
    event["isBase64Encoded"] = False
    if request.body:
        text = _as_text(request.body, headers.get("content-type", ""))
        event["isBase64Encoded"] = text is None
        event["body"] = text if text is not None else base64.b64encode(request.body).decode("ascii")
    return event


def _headers_and_cookies(raw: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """Header names lower-cased and repeated headers joined with commas, as HTTP API does; the
    cookie header becomes the event's `cookies` list."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in raw:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        elif key in headers:
            headers[key] = f"{headers[key]},{value}"
        else:
            headers[key] = value
    return headers, cookies


def _query_parameters(raw_query: str) -> dict[str, str]:
    query: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    return query


def _as_text(body: bytes, content_type: str) -> str | None:
    media_type = content_type.split(";", maxsplit=1)[0].strip().lower()
    textual = (
        not media_type
        or media_type.startswith(_TEXT_TYPES)
        or media_type.endswith(_TEXT_SUFFIXES)
        or media_type in _TEXT_EXACT
    )
    if not textual:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _claim_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(_claim_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _base64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _base64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
