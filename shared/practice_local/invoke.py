"""One sample event through the real handler, against a fresh embedded DynamoDB (tables from
template.yaml, the sample course loaded): the Docker-free twin of
`sam local invoke PracticeApiFunction -e events/<file>.json` (`make invoke EVENT=...`).

The response goes to stdout (status, headers, pretty JSON body); the handler's own log lines go
to stderr, as `sam local invoke` keeps them apart.
"""

import argparse
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from practice_local.local_stack import LocalStackError, start_local_stack


class NotAnApiEvent(ValueError):
    pass


def read_api_event(path: Path) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event from a JSON file."""
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise NotAnApiEvent(f"cannot read {path}: {error}") from error
    if not isinstance(event, dict) or event.get("version") != "2.0" or "requestContext" not in event:
        raise NotAnApiEvent(f"{path} is not an API Gateway HTTP API event (payload format 2.0)")
    return event


def format_response(response: dict[str, Any]) -> str:
    lines = [f"HTTP {response.get('statusCode')}"]
    lines += [f"{name}: {value}" for name, value in (response.get("headers") or {}).items()]
    lines += [f"set-cookie: {cookie}" for cookie in response.get("cookies") or []]
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        return "\n".join([*lines, "", f"<{len(body)} characters of base64>"])
    try:
        pretty = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        pretty = body
    return "\n".join([*lines, "", pretty])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m practice_local.invoke", description=__doc__.split("\n")[0]
    )
    parser.add_argument("event", type=Path, help="an API Gateway event file, e.g. events/get_daily_pack.json")
    args = parser.parse_args(argv)
    try:
        event = read_api_event(args.event)
        # The handler's logger binds to stdout when its module is imported: send it to stderr.
        with redirect_stdout(sys.stderr), start_local_stack() as stack:
            response = stack.function.invoke(event)
    except (NotAnApiEvent, LocalStackError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(format_response(response))
    return 0


if __name__ == "__main__":
    sys.exit(main())
