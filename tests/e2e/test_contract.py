"""The contract: schemathesis drives the local server from the committed spec (docs/openapi.json)
with every check it has (no server error, status codes, content types, headers and bodies as
documented, invalid data refused, valid data accepted, 405 for other methods, 401 without auth,
stateful links from the pack to its session). Exceptions, each with its reason: schemathesis.toml.

`make test` runs a few hundred cases (fuzzing and stateful phases) with a fixed seed; `make fuzz`
adds the coverage phase (every boundary and enum value: ~1,400 cases more, over a minute) and many
more examples, with a new seed. CONTRACT_PHASES, CONTRACT_MAX_EXAMPLES and CONTRACT_SEED choose."""

import os
import re
import subprocess
import sys
from pathlib import Path

from practice_local.cloud.events import unsigned_jwt
from tests.e2e.conftest import REPO_ROOT, SERVER_ENV, LocalServer

PHASES = os.environ.get("CONTRACT_PHASES", "fuzzing,stateful")
MAX_EXAMPLES = os.environ.get("CONTRACT_MAX_EXAMPLES", "40")
SEED = os.environ.get("CONTRACT_SEED", "20261201")  # "random": schemathesis picks one
SCHEMATHESIS = Path(sys.executable).with_name("st")


def test_the_server_keeps_the_committed_contract(local_server: LocalServer):
    token = unsigned_jwt({"sub": "contract-learner"})
    command = [
        str(SCHEMATHESIS), "run", "docs/openapi.json", "--url", local_server.url, "--checks", "all",
        "--header", f"Authorization: Bearer {token}", "--max-examples", MAX_EXAMPLES, "--workers", "1",
        "--phases", PHASES, "--no-color",
    ]  # fmt: skip
    if SEED != "random":
        command += ["--seed", SEED]
    env = {**SERVER_ENV, "NO_PROXY": "127.0.0.1,localhost", "SCHEMATHESIS_TELEMETRY": "false"}
    run = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    report = run.stdout + run.stderr
    summary = re.search(r"(\d+) generated, (\d+) passed", report)
    print(summary.group(0) if summary else report[-2000:])  # the counts, in the test's output

    assert run.returncode == 0, report[-6000:]
    assert summary is not None, report[-2000:]
    generated, passed = map(int, summary.groups())
    assert generated == passed >= 100
