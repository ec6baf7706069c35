"""docs/openapi.json is the spec the handler's own routes and models generate."""

import json

from practice_local.tools.openapi import REGENERATE_COMMAND, SPEC_PATH, handler_resolver, openapi_spec


def test_the_committed_openapi_spec_matches_the_code():
    # Given the committed spec
    committed = json.loads(SPEC_PATH.read_text(encoding="utf-8"))

    # When the spec is generated from the handler as it is now
    generated = openapi_spec(handler_resolver())

    # Then they are the same document
    stale = f"docs/openapi.json is out of date: run `{REGENERATE_COMMAND}` and commit it"
    assert committed == generated, stale


def test_the_spec_documents_the_bearer_jwt():
    spec = openapi_spec(handler_resolver())

    assert spec["info"]["title"] == "Practice API"
    assert spec["components"]["securitySchemes"]["LearnerJwt"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The ID token the app gets when the learner signs in.",
    }
    assert spec["security"] == [{"LearnerJwt": []}]


def test_every_operation_documents_its_success_body_and_errors_in_our_shape():
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            # one success: 200, 202 for the deletion (which goes on after the answer), 204 for a
            # device removed (no body); a device registered is 201, or 200 for a token known already
            successes = sorted(status for status in responses if status.startswith("2"))
            expected = {
                ("delete", "/api/v2/practice/profile"): ["202"],
                ("post", "/api/v2/practice/devices"): ["200", "201"],
                ("delete", "/api/v2/practice/devices/{device_id}"): ["204"],
            }
            assert successes == expected.get((method, path), ["200"]), (method, path)
            for status in successes:
                if status == "204":
                    assert "content" not in responses[status], (method, path)
                    continue
                body = responses[status]["content"]["application/json"]["schema"]["$ref"]
                assert body.startswith("#/components/schemas/"), (method, path)
            success_status = successes[0]
            for status, response in responses.items():
                if status in successes:
                    continue
                if status == "304":  # a conditional GET's: no body, and the ETag it matched
                    assert "content" not in response and "ETag" in response["headers"], (method, path)
                    assert "ETag" in responses[success_status]["headers"], (method, path)
                else:
                    body = response["content"]["application/json"]["schema"]
                    assert body == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path, status)
    # what the server always sends is required, so generated clients need no fallbacks
    always_sent = ("PracticePackResponse", "SessionResponse", "ProfileResponse", "PhraseItem", "DialogItem")
    always_sent += ("ExportResponse", "ExportSession", "ExportCard", "ExportDay", "DeletionResponse")
    always_sent += ("DeviceResponse", "RemindersItem", "ExportDevice")
    for name in always_sent:
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"]), name


def test_the_conditional_routes_and_the_app_version_header_are_in_the_spec():
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    conditional = {
        (method, path)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if "304" in operation["responses"]
    }
    assert conditional == {
        ("get", "/api/v2/practice/profile"),
        ("get", "/api/v2/practice/stats"),
        ("get", "/api/v2/practice/sessions/{session_id}"),
        ("get", "/api/v2/practice/phrases"),
    }
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
            assert "x-app-version" in headers, (method, path)
            assert ("if-none-match" in headers) == ((method, path) in conditional), (method, path)
            assert "426" in operation["responses"], (method, path)
