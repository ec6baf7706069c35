"""The built function as Lambda loads it, on this machine: `sam build` output (host-platform
wheels), the packages the python3.13 runtime provides, and the environment it runs in."""

import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from practice_local.cloud.template import function_environment, load_template
from practice_local.tools.sam_build import HOST_PLATFORM, built_python_path, sam_build

FUNCTION = "PracticeApiFunction"
TABLE_NAMES = {"PracticeTable": "practice-bench", "IdempotencyTable": "practice-idempotency-bench"}
# The erasure queue the function is told of (the bench never deletes an account)
ERASURE_QUEUE = "practice-erasures-bench"
ERASURE_QUEUE_URL = f"https://sqs.eu-west-1.amazonaws.com/123456789012/{ERASURE_QUEUE}"
# What /var/runtime holds in the python3.13 image (boto3 and its dependencies); the layer and the
# function come first on sys.path, so their copies (jmespath, say) win, as on Lambda.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")
# Nothing listens there: an init that talks to DynamoDB fails or shows up in the audit.
UNUSED_LOOPBACK_ENDPOINT = "http://127.0.0.1:9"
PEERS_DIR = Path(__file__).with_name("peers")
# The peers' modules and their requirements (bench/peers/)
PEERS = {"peer_powertools": "requirements-powertools.txt", "peer_fastapi": "requirements-fastapi.txt"}


@dataclass(frozen=True)
class LambdaImage:
    """sys.path entries of a built function: function code, layer, runtime packages."""

    function_dir: Path
    layer_dir: Path
    runtime_dir: Path

    @property
    def paths(self) -> list[str]:
        return [str(self.function_dir), str(self.layer_dir), str(self.runtime_dir)]

    def without_bytecode(self, destination: Path) -> "LambdaImage":
        """A copy of the function and layer with no .pyc: Lambda's file system is read-only, so such
        a build compiles every module on every cold start."""
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(self.function_dir, destination / "function", ignore=ignore, symlinks=True)
        shutil.copytree(self.layer_dir, destination / "layer", ignore=ignore, symlinks=True)
        return LambdaImage(destination / "function", destination / "layer", self.runtime_dir)


class BuildFailed(RuntimeError):
    pass


def build_image(work: Path) -> LambdaImage:
    """`sam build` into `work/build` with wheels for this machine, beside a runtime directory."""
    result = sam_build(work / "build", layer_platform=HOST_PLATFORM)
    if result.returncode != 0:
        raise BuildFailed(result.stdout[-3000:] + result.stderr[-3000:])
    return image_of(work / "build", work)


def image_of(build_dir: Path, work: Path) -> LambdaImage:
    function_dir, layer_dir = (Path(p) for p in built_python_path(build_dir))
    return LambdaImage(function_dir, layer_dir, runtime_directory(work / "runtime"))


def peer_image(module: str, work: Path) -> Path:
    """A peer as Lambda would load it: its module and its own requirements (host wheels) in one
    directory, compiled as our build is (unchecked-hash bytecode); botocore comes from the runtime
    directory, as for our function. Built once per `work` directory."""
    target = work / "peers" / module
    if (target / f"{module}.py").is_file():
        return target
    _run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--only-binary=:all:", "--target", str(target), "-r", str(PEERS_DIR / PEERS[module])],
        module,
    )  # fmt: skip
    shutil.copy(PEERS_DIR / f"{module}.py", target)
    _run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
         str(target)],
        module,
    )  # fmt: skip
    return target


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BuildFailed(f"{what}: {' '.join(command[1:4])}\n{done.stderr[-2000:]}")


def runtime_directory(directory: Path) -> Path:
    """Links to this environment's copies of the runtime's packages (with their bytecode)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise BuildFailed(f"{name} is not installed in this environment (make venv)")
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        link = directory / source.name
        if not link.is_symlink():
            link.symlink_to(source)
    return directory


# One cursor key for every child of a bench run, as one deployed stack has: a sync token recorded
# against the emulator is replayed in another process, which must open it.
_CURSOR_KEY = secrets.token_urlsafe(48)


def lambda_environment(work: Path, endpoint_url: str = UNUSED_LOOPBACK_ENDPOINT) -> dict[str, str]:
    """The function's environment from template.yaml, plus what Lambda sets, and nothing from the
    caller's shell (no AWS profile, no config files), so no credential lookup leaves the machine."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint_url,
        "AWS_ENDPOINT_URL_SQS": endpoint_url,  # the deletion's message: to the emulator, or nowhere
        # an audio bucket as deployed: packs carry signed links (signing makes no request)
        **function_environment(
            load_template(),
            FUNCTION,
            {**TABLE_NAMES, "ErasureQueue": ERASURE_QUEUE_URL, "AudioBucket": "practice-audio-bench"},
        ),
        "CURSOR_KEY": _CURSOR_KEY,
        # One learner calls each route hundreds of times in a minute: the per-learner quotas
        # (docs/quotas.md) lifted, so that the bench measures the routes, not the refusals
        "SESSION_STARTS_PER_DAY": "10000",
        "EXPORTS_PER_HOUR": "1000",
        "ERASURE_REQUESTS_PER_TOMBSTONE": "1000",
    }


@dataclass(frozen=True)
class BytecodeCensus:
    modules: int
    compiled: int
    unchecked_hash: int

    def describe(self) -> str:
        return f"{self.compiled}/{self.modules} modules compiled, {self.unchecked_hash} unchecked-hash"


def bytecode_census(image: LambdaImage) -> BytecodeCensus:
    """How many of the build's .py files ship a cpython-313 .pyc, and of what kind (PEP 552)."""
    modules = compiled = unchecked = 0
    for root in (image.function_dir, image.layer_dir):
        for source in root.rglob("*.py"):
            modules += 1
            cached = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
            if cached.is_file():
                compiled += 1
                with cached.open("rb") as pyc:
                    flags = int.from_bytes(pyc.read(8)[4:8], "little")
                unchecked += flags == 0b01  # hash-based, source not checked
    return BytecodeCensus(modules, compiled, unchecked)
