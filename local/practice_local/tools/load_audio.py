"""Upload the recordings (content/audio) to the stack's audio bucket: `make load-audio
AUDIO_BUCKET=<AudioBucketName output>`. The local stack fills its emulated bucket the same way.

Only what differs is sent: an object whose ETag (the MD5 of its bytes: single-part, SSE-S3) is
the file's is left alone, so a second run sends nothing. Credentials and region come from the
usual AWS environment (AWS_PROFILE, AWS_REGION).
"""

import hashlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import botocore.session

from practice_local.cloud.template import REPO_ROOT

CONTENT_DIR = REPO_ROOT / "content"
AUDIO_PREFIX = "audio/"
CACHE_CONTROL = "max-age=86400"  # a phrase's recording changes only with its text: a day is safe
_WORKERS = 8


def upload_audio(
    s3: Any, bucket: str, content_dir: Path = CONTENT_DIR, *, stop: threading.Event | None = None
) -> tuple[int, int]:
    """Every recording under `content_dir`/audio into `bucket` under the same key (the phrases'
    `audio_key`); (sent, already there). `stop` set: no more uploads begin."""
    stored: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=AUDIO_PREFIX):
        stored |= {item["Key"]: item["ETag"].strip('"') for item in page.get("Contents", [])}
    files = sorted((content_dir / AUDIO_PREFIX).rglob("*.mp3"))

    def send(path: Path) -> bool:
        key, body = path.relative_to(content_dir).as_posix(), path.read_bytes()
        if stop is not None and stop.is_set():
            return False
        if stored.get(key) == hashlib.md5(body, usedforsecurity=False).hexdigest():
            return False
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="audio/mpeg", CacheControl=CACHE_CONTROL)
        return True

    with ThreadPoolExecutor(_WORKERS) as pool:
        sent = sum(pool.map(send, files))
    return sent, len(files) - sent


def main() -> int:
    bucket = os.environ.get("AUDIO_BUCKET", "").strip()
    if not bucket:
        print("AUDIO_BUCKET is not set: give the stack's AudioBucketName output", file=sys.stderr)
        return 2
    s3 = botocore.session.get_session().create_client("s3", region_name=os.environ.get("AWS_REGION"))
    sent, kept = upload_audio(s3, bucket)
    print(f"{sent} recordings uploaded, {kept} already there, into s3://{bucket}/{AUDIO_PREFIX}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
