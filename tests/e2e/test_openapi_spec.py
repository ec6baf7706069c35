"""docs/openapi.json is the spec the handler's own routes and models generate."""

import json

from practice_local.openapi import REGENERATE_COMMAND, SPEC_PATH, handler_resolver, openapi_spec


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
