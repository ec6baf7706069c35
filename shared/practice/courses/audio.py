"""Links an app plays a phrase's recording from, with no credentials of its own: presigned S3 GET
URLs of the private audio bucket. Signing is local computation (SigV4 query signing, botocore's
own signer), no request and no S3 client (whose service model would cost the cold start)."""

import time
from collections.abc import Callable
from typing import Protocol
from urllib.parse import quote

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, ReadOnlyCredentials

# A warm container keeps a link for this share of its life, so that a link handed out is always
# valid for at least the rest (2/3 of AUDIO_URL_SECONDS), and each phrase is signed rarely.
_REUSE_SHARE = 1 / 3
_MAX_KEPT = 20_000  # links kept per container: two full courses, a few MB


class AudioLinks(Protocol):
    def url(self, audio_key: str) -> str | None:
        """A URL that plays the recording of `audio_key` (None: recordings are not served)."""
        ...


class NoAudio:
    """No audio bucket configured: packs carry `audio_key` alone."""

    def url(self, audio_key: str) -> None:
        return None


class PresignedAudio:
    """Presigned GETs of `bucket`, valid `expires_seconds` (but never past the credentials'
    own expiry: a role's session token ends a presigned URL with it, docs/courses.md)."""

    def __init__(
        self,
        bucket: str,
        region: str,
        expires_seconds: int,
        credentials: Callable[[], Credentials | None],
        *,
        endpoint_url: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._bucket = bucket
        self._region = region
        self._expires = expires_seconds
        self._credentials = credentials
        self._clock = clock
        base = endpoint_url.rstrip("/")  # an emulator: path-style; AWS: the bucket's own host
        self._base = f"{base}/{bucket}" if base else f"https://{bucket}.s3.{region}.amazonaws.com"
        self._kept: dict[str, tuple[float, str, str]] = {}  # key -> (reuse until, access key, url)

    def url(self, audio_key: str) -> str:
        now = self._clock()
        frozen = self._frozen()
        kept = self._kept.get(audio_key)
        if kept is not None and now < kept[0] and kept[1] == frozen.access_key:
            return kept[2]
        request = AWSRequest(method="GET", url=f"{self._base}/{quote(audio_key)}")
        S3SigV4QueryAuth(frozen, "s3", self._region, expires=self._expires).add_auth(request)
        url = str(request.url)
        if len(self._kept) >= _MAX_KEPT:
            self._kept.clear()
        self._kept[audio_key] = (now + self._expires * _REUSE_SHARE, str(frozen.access_key), url)
        return url

    def _frozen(self) -> ReadOnlyCredentials:
        credentials = self._credentials()
        if credentials is None:
            raise RuntimeError("no AWS credentials to sign audio links with")
        return credentials.get_frozen_credentials()
