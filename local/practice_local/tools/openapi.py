"""The OpenAPI document of the Practice API, generated from the handler's own routes and models
(Powertools' resolver in functions/practice_api/practice_api/app.py).

    python -m practice_local.tools.openapi            write docs/openapi.json  (`make openapi`)
    python -m practice_local.tools.openapi --check    exit 1 if docs/openapi.json is out of date
"""

import argparse
import importlib
import json
import sys
import tomllib
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from practice_local.cloud.stack import LOCAL_TABLE_NAMES, configure_environment, function_env
from practice_local.cloud.template import REPO_ROOT, load_template

SPEC_PATH = REPO_ROOT / "docs" / "openapi.json"
REGENERATE_COMMAND = "make openapi"
TITLE = "Practice API"
DESCRIPTION = (
    "Daily practice packs and practice sessions of the language-practice app. Every route needs "
    "`Authorization: Bearer <JWT>` (the app's sign-in token, checked by API Gateway's JWT authorizer). "
    "On a local server (`make run`), `?user_id=<id>` may stand in for the token, and the token's "
    "signature is not checked."
)
SECURITY_SCHEME = "LearnerJwt"  # the authorizer's name in template.yaml


def api_version() -> str:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["version"])


def handler_resolver() -> APIGatewayHttpResolver:
    """The resolver of the imported handler module (import it with its environment set)."""
    resolver: APIGatewayHttpResolver = importlib.import_module("practice_api.app").app
    return resolver


def openapi_spec(resolver: APIGatewayHttpResolver) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(
        resolver.get_openapi_json_schema(
            title=TITLE,
            version=api_version(),
            description=DESCRIPTION,
            security_schemes={
                SECURITY_SCHEME: HTTPBearer(
                    bearerFormat="JWT", description="The ID token the app gets when the learner signs in."
                )
            },
            security=[{SECURITY_SCHEME: []}],
        )
    )
    return with_headers(with_our_server_errors(spec))


def with_our_server_errors(spec: dict[str, Any]) -> dict[str, Any]:
    """Powertools documents every 500 as its own ResponseValidationError body, but the error map
    answers every 500 (a response failing its model included) with ErrorResponse: say so."""
    from practice_api.http.openapi import ERROR_RESPONSES  # noqa: PLC0415 - after the environment is set

    ours = {
        "description": ERROR_RESPONSES[500]["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    for operations in spec["paths"].values():
        for operation in operations.values():
            operation["responses"]["500"] = ours
    spec["components"]["schemas"].pop("ResponseValidationError", None)
    return spec


APP_VERSION_HEADER = {
    "name": "x-app-version",
    "in": "header",
    "required": False,
    "description": "The app's version, dotted numbers such as 3.2.0. Below the oldest version the"
    " API serves (its MinAppVersion; none by default) every route answers 426 app_upgrade_required,"
    " and the app asks the learner to update. Without it, the app is served.",
    "schema": {"type": "string", "pattern": r"^\d{1,6}(\.\d{1,6}){0,3}$"},
}
IF_NONE_MATCH_HEADER = {
    "name": "if-none-match",
    "in": "header",
    "required": False,
    "description": "The ETag of the copy the app holds: 304 with no body while it is current.",
    "schema": {"type": "string"},
}
RESPONSE_HEADERS = {
    "ETag": {
        "description": "Tags what this answer returned; send it as If-None-Match.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"description": "private, no-cache", "schema": {"type": "string"}},
}


def with_headers(spec: dict[str, Any]) -> dict[str, Any]:
    """The headers the gate and the conditional routes read (practice_api/http/gate.py and
    conditional.py) and those they answer with, which no route's signature declares; and no body
    for a 204."""
    from practice_api.http.conditional import CONDITIONAL_ROUTES  # noqa: PLC0415 - after the environment is set

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            operation.setdefault("parameters", []).append(APP_VERSION_HEADER)
            if (method, path) in CONDITIONAL_ROUTES:
                operation["parameters"].append(IF_NONE_MATCH_HEADER)
                operation["responses"]["200"]["headers"] = RESPONSE_HEADERS
                operation["responses"]["304"]["headers"] = RESPONSE_HEADERS
                operation["responses"]["304"].pop("content", None)  # Powertools gives it the route's body
            if "204" in operation["responses"]:  # no content, whatever Powertools says of `None`
                operation["responses"]["204"].pop("content", None)
    return spec


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m practice_local.tools.openapi", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="fail if docs/openapi.json is out of date")
    args = parser.parse_args(argv)

    # The handler module makes its settings and client at import; no DynamoDB or SQS is ever called.
    unused = "http://127.0.0.1:9"
    env = function_env(load_template(), LOCAL_TABLE_NAMES | {"ErasureQueue": f"{unused}/0/unused"}, unused)
    configure_environment(env, embedded=True)
    spec = openapi_spec(handler_resolver())
    relative = SPEC_PATH.relative_to(REPO_ROOT)
    if args.check:
        committed = json.loads(SPEC_PATH.read_text(encoding="utf-8")) if SPEC_PATH.exists() else None
        if committed != spec:
            print(f"{relative} is out of date: run `{REGENERATE_COMMAND}`", file=sys.stderr)
            return 1
        print(f"{relative} is up to date")
        return 0
    SPEC_PATH.parent.mkdir(parents=True, exist_ok=True)
    SPEC_PATH.write_text(render(spec), encoding="utf-8")
    print(f"wrote {relative} ({len(spec.get('paths', {}))} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
