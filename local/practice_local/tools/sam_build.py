"""`sam build` from Python, for the tests and benchmarks that import the built function."""

import os
import platform
import subprocess
from pathlib import Path

from practice_local.cloud.template import REPO_ROOT

HOST_PLATFORM = f"manylinux2014_{platform.machine()}"


def sam_command() -> str:
    """The SAM CLI of the project's own virtual environment (`make sam-venv`), or SAM_CLI."""
    return os.environ.get("SAM_CLI") or str(REPO_ROOT / ".venv-sam" / "bin" / "sam")


def sam_build(build_dir: Path, *, layer_platform: str | None = None) -> subprocess.CompletedProcess[str]:
    """Build the stack into `build_dir`; `layer_platform` overrides the layer's arm64 wheels
    (HOST_PLATFORM gives a build this machine can import)."""
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
    if layer_platform:
        env["LAYER_PLATFORM"] = layer_platform
    return subprocess.run(  # noqa: S603 - fixed command line
        [sam_command(), "build", "--no-cached", "--build-dir", str(build_dir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def built_python_path(build_dir: Path) -> list[str]:
    """sys.path entries as Lambda sets them up: the function's code, then the layer's python/."""
    return [str(build_dir / "PracticeApiFunction"), str(build_dir / "PracticeLayer" / "python")]
