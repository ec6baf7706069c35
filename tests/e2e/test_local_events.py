"""How the local server turns an HTTP request into an API Gateway payload-2.0 event (no network)."""

import base64
import json

import pytest

from practice_local.cloud.events import (
    HttpRequest,
    MalformedToken,
    RouteTable,
    api_gateway_event,
    jwt_claims,
    unsigned_jwt,
)
from practice_local.cloud.template import HttpApiRoute, http_api_routes, load_template
from tests.conftest import load_event

SESSIONS = "/api/v2/practice/sessions"
ROUTES = RouteTable(
    [
        HttpApiRoute("GET", "/api/v2/practice/daily"),
        HttpApiRoute("GET", "/api/v2/practice/sessions/{session_id}"),
        HttpApiRoute("POST", "/api/v2/practice/sessions/{session_id}/complete"),
        HttpApiRoute("GET", "/api/v2/practice/sessions/latest"),
        HttpApiRoute("ANY", "/files/{proxy+}"),
    ]
)


def request(method: str = "GET", target: str = "/api/v2/practice/daily", headers=(), body=b"") -> HttpRequest:
    return HttpRequest(method, target, list(headers), body, "127.0.0.1")


@pytest.mark.parametrize(
    ("method", "path", "route_key", "params"),
    [
        ("GET", "/api/v2/practice/daily", "GET /api/v2/practice/daily", {}),
        ("GET", f"{SESSIONS}/01ABC", f"GET {SESSIONS}/{{session_id}}", {"session_id": "01ABC"}),
        ("GET", f"{SESSIONS}/latest", f"GET {SESSIONS}/latest", {}),
        (
            "POST",
            f"{SESSIONS}/01ABC/complete",
            f"POST {SESSIONS}/{{session_id}}/complete",
            {"session_id": "01ABC"},
        ),
        ("DELETE", "/files/a/b%20c", "ANY /files/{proxy+}", {"proxy": "a/b c"}),
        ("POST", "/api/v2/practice/daily", "$default", {}),
        ("GET", "/api/v2/practice/sessions/", "$default", {}),
        ("GET", "/files", "$default", {}),
        ("GET", "/nowhere", "$default", {}),
    ],
)
def test_routes_match_the_way_api_gateway_matches_them(method, path, route_key, params):
    assert ROUTES.match(method, path) == (route_key, params)


def test_every_route_comes_from_the_template():
    # Given the template's API function
    routes = http_api_routes(load_template(), "PracticeApiFunction")

    # Then its HttpApi events are the routes, with their method and path
    assert HttpApiRoute("GET", "/api/v2/practice/daily") in routes
    assert all(route.path.startswith("/api/") for route in routes)


def test_a_request_becomes_a_payload_2_event_like_the_sample_one():
    # Given a GET with repeated headers, cookies and a query string
    incoming = request(
        target="/api/v2/practice/sessions/01ABC?user_id=7&tag=a&tag=b&empty=",
        headers=[
            ("Host", "localhost:3000"),
            ("X-Thing", "1"),
            ("x-thing", "2"),
            ("Cookie", "a=1; b=2"),
            ("User-Agent", "curl/8"),
        ],
    )

    # When it becomes an event
    event = api_gateway_event(incoming, ROUTES, now=1764112800.0, request_id="req-1")

    # Then it has the sample event's shape, and the values API Gateway would put there
    assert set(load_event("get_daily_pack.json")) - {"body"} <= set(event) - {"cookies", "pathParameters"}
    assert event["routeKey"] == "GET /api/v2/practice/sessions/{session_id}"
    assert event["rawPath"] == "/api/v2/practice/sessions/01ABC"
    assert event["rawQueryString"] == "user_id=7&tag=a&tag=b&empty="
    assert event["queryStringParameters"] == {"user_id": "7", "tag": "a,b", "empty": ""}
    assert event["pathParameters"] == {"session_id": "01ABC"}
    assert event["headers"]["x-thing"] == "1,2"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["isBase64Encoded"] is False
    assert "body" not in event
    context = event["requestContext"]
    assert context["http"] == {
        "method": "GET",
        "path": "/api/v2/practice/sessions/01ABC",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "curl/8",
    }
    assert context["domainName"] == "localhost"
    assert context["requestId"] == "req-1"
    assert context["timeEpoch"] == 1764112800000
    assert context["time"] == "25/Nov/2025:23:20:00 +0000"
    assert "authorizer" not in context


def test_a_json_body_stays_text_and_a_binary_body_is_base64():
    json_event = api_gateway_event(
        request("POST", headers=[("Content-Type", "application/json")], body=b'{"a": "\xc3\xa9"}'), ROUTES
    )
    binary_event = api_gateway_event(
        request("POST", headers=[("Content-Type", "image/png")], body=b"\x89PNG"), ROUTES
    )

    assert (json_event["body"], json_event["isBase64Encoded"]) == ('{"a": "é"}', False)
    assert binary_event["isBase64Encoded"] is True
    assert base64.b64decode(binary_event["body"]) == b"\x89PNG"


def test_a_bearer_tokens_claims_become_the_authorizers_claims():
    # Given a JWT whose payload has a sub and non-string claims
    claims = {"sub": "learner-9", "exp": 1764116400, "groups": ["a", "b"], "email_verified": True}
    token = unsigned_jwt(claims)

    # When a request carries it
    event = api_gateway_event(request(headers=[("Authorization", f"Bearer {token}")]), ROUTES)

    # Then its claims are passed on as strings, the way API Gateway's JWT authorizer does
    assert event["requestContext"]["authorizer"] == {
        "jwt": {
            "claims": {"sub": "learner-9", "exp": "1764116400", "groups": "[a b]", "email_verified": "true"},
            "scopes": None,
        }
    }


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer only.two",
        "Bearer eyJhbGciOiJSUzI1NiJ9.sample.signature",
        "Bearer e30.WyJhIl0.sig",  # payload is a JSON array, not an object
    ],
)
def test_a_malformed_bearer_token_is_refused(authorization):
    with pytest.raises(MalformedToken):
        jwt_claims(authorization)


def test_an_unsigned_token_round_trips():
    token = unsigned_jwt({"sub": "1"})

    assert jwt_claims(f"bearer {token}") == {"sub": "1"}
    assert json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "==")) == {"alg": "none", "typ": "JWT"}
