"""Starting today's session from GET /daily: once per Idempotency-Key when the request has one."""

from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from practice.courses.audio import AudioLinks
from practice.errors import AccountDeleting, SessionNotFound
from practice.runtime.settings import Settings
from practice.sessions.service import SessionService
from practice_api.observability import metrics
from practice_api.sessions.models import PracticePackResponse
from practice_api.sessions.presenters import pack_response, with_audio_links

if TYPE_CHECKING:
    from practice_api.sessions.idempotency import StartSessionOnce


class SessionStarter:
    def __init__(
        self, service: SessionService, audio: AudioLinks, settings: Settings, client: object
    ) -> None:
        self._service = service
        self._audio = audio
        self._settings = settings
        self._client = client
        self._once: StartSessionOnce | None = None

    def start(
        self, user_id: str, time_zone: str | None, idempotency_key: str | None, context: LambdaContext
    ) -> PracticePackResponse:
        if idempotency_key is None:
            pack = self._start(user_id, time_zone)
        else:
            pack, replayed = self._start_once()(user_id, idempotency_key, time_zone, context)
            if replayed:
                self._check_still_there(user_id, pack)
        return with_audio_links(pack, self._audio)

    def _check_still_there(self, user_id: str, pack: PracticePackResponse) -> None:
        """A replayed pack is answered only while its session is there: after DELETE /profile
        (the tombstone, or the learner erased) it is the deleted account's, and the key's record
        outlives it by up to a day. One read, on replays only."""
        try:
            self._service.get_session(user_id, pack.session_id)
        except SessionNotFound as gone:
            raise AccountDeleting(
                "this Idempotency-Key's pack belonged to an account since deleted; ask with a new key"
            ) from gone

    def _start(self, user_id: str, time_zone: str | None) -> PracticePackResponse:
        pack = pack_response(self._service.start_daily_session(user_id, time_zone))
        metrics.add_metric(name="SessionStarted", unit=MetricUnit.Count, value=1)
        return pack

    def _start_once(self) -> "StartSessionOnce":
        if self._once is None:  # only requests with a key pay for Powertools' idempotency (and boto3)
            from practice_api.sessions.idempotency import once_per_key  # noqa: PLC0415

            self._once = once_per_key(self._start, self._settings, self._client)
        return self._once
