"""One cold start, in a fresh interpreter: `python -I -S -B cold_child.py <mode> <path:path...> [--audit]`.

Runs with the standard library and the given sys.path entries only (no site-packages), as a
Lambda runtime does. Prints one JSON line: milliseconds from the first line of this script to
the end of the import (mode `handler`: import the API function's `practice_api.app` module, which initialises
everything at module scope; mode `floor`: import botocore and create a DynamoDB client, the least
any function using DynamoDB does; mode `module:<name>`: import a peer's module, bench/peers/;
mode `empty`: nothing). With --audit, the socket operations
made meanwhile are listed.
"""

import time

START = time.perf_counter()

import os  # noqa: E402 - both already loaded by the interpreter's startup: free
import sys  # noqa: E402

NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto")


def main() -> None:
    mode, paths = sys.argv[1], sys.argv[2].split(os.pathsep)
    network: list[str] = []
    if "--audit" in sys.argv:

        def audit(event: str, args: tuple[object, ...]) -> None:
            if event.startswith(NETWORK_EVENTS):
                network.append(f"{event} {args!r}"[:200])

        sys.addaudithook(audit)
    sys.path[:0] = paths
    if mode == "handler":
        import practice_api.app  # noqa: F401, PLC0415 - the import is what is measured
    elif mode == "floor":
        import botocore.session  # noqa: PLC0415

        botocore.session.get_session().create_client("dynamodb")
    elif mode.startswith("module:"):
        import importlib  # noqa: PLC0415

        importlib.import_module(mode.removeprefix("module:"))
    elif mode != "empty":  # empty: the interpreter alone, the baseline of the process wall time
        raise SystemExit(f"unknown mode {mode!r}")
    elapsed_ms = (time.perf_counter() - START) * 1000
    import json  # noqa: PLC0415 - after the clock stops

    print(json.dumps({"ms": elapsed_ms, "network": network, "modules": len(sys.modules)}))


main()
