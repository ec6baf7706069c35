"""The layer is built from shared/requirements.lock (every transitive dependency pinned, every
wheel hashed); the lock must say what requirements.txt says, or `make lock` was forgotten."""

import re

from tests.conftest import REPO_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", re.MULTILINE)


def pins(text: str) -> dict[str, str]:
    return {name.lower().replace("_", "-"): version for name, version in PIN.findall(text)}


def test_the_lock_pins_every_requirement_at_its_version_with_hashes():
    wanted = pins((REPO_ROOT / "shared" / "requirements.txt").read_text())
    lock = (REPO_ROOT / "shared" / "requirements.lock").read_text()
    locked = pins(lock)
    assert wanted.items() <= locked.items()
    assert len(locked) > len(wanted)  # their dependencies too
    blocks = re.split(r"\n(?=[A-Za-z])", lock.strip())
    assert all("--hash=sha256:" in block for block in blocks if PIN.match(block))
    assert "http" not in lock  # no index named in the repo


def test_the_layer_is_installed_from_the_lock_with_its_hashes_required():
    makefile = (REPO_ROOT / "shared" / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in makefile
