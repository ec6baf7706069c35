"""The learner's account: the export, and the erasure (DELETE /profile sets the tombstone and
queues the request; the account worker deletes the learner's items page by page, the tombstone
last). The worker may run late, twice or in pieces, and each run only deletes what is left."""

from collections.abc import Callable
from dataclasses import dataclass

from practice.account.queue import ErasureQueue, ErasureRequest
from practice.account.results import ExportPage
from practice.account.store import AccountStore, ErasureStore
from practice.domain import quotas
from practice.errors import ErasureIncomplete, StoreUnavailable
from practice.profile.results import ProfileStatus
from practice.profile.service import visible_profile
from practice.runtime.clock import Clock
from practice.runtime.cursors import Listing


@dataclass(frozen=True, slots=True)
class AccountLimits:
    page_bytes: int  # an export page ends once its items' JSON reaches this
    exports_per_hour: int  # exports begun (first pages) per learner and UTC hour
    erasure_requests: int  # DELETE /profile per tombstone (the sweep re-queues a lost one anyway)


class AccountService:
    def __init__(
        self,
        store: AccountStore,
        erasures: ErasureQueue,
        listing: Listing,
        clock: Clock,
        limits: AccountLimits,
    ) -> None:
        self._store = store
        self._erasures = erasures
        self._listing = listing  # the export's cursors
        self._clock = clock
        self._limits = limits

    def delete_account(self, user_id: str) -> bool:
        """Erase the learner; whether the erasure was queued now. From the tombstone on they are
        gone for the API: reads see nothing and a pack or completion racing with this fails its
        version condition, so no write lands after it. The account worker then deletes their
        items. The tombstone is the promise: when the queue cannot take the message, the
        erasure sweep queues it later (account_worker/sweep.py), so the deletion stands
        (False). Each call queues the erasure again, up to the limit per tombstone, then
        QuotaExceeded."""
        now = self._clock()
        self._store.mark_deleting(user_id, now, max_requests=self._limits.erasure_requests)
        try:
            self._erasures.request(ErasureRequest(user_id=user_id, requested_at=now))
        except StoreUnavailable:
            return False
        return True

    def export(self, user_id: str, cursor: str | None = None) -> ExportPage:
        """A page of everything kept about the learner: the profile, and about 1 MiB (the
        setting export_page_bytes) of their sessions (with their reviews), cards and ledger
        days; two reads a page. A learner without a profile (never practised, or gone) has
        nothing else either. A cursor not issued to this learner for the export is refused
        before any read."""
        after = self._listing.position(user_id, cursor)
        profile = visible_profile(self._store, user_id)
        if profile is None:
            return ExportPage(None, (), None)
        now = self._clock()
        if after is None:  # an export begins: counted (one more request, on the first page only)
            self._store.count_export(user_id, quotas.exports(now, self._limits.exports_per_hour), now)
        records, last = self._store.export_records(user_id, after, self._limits.page_bytes)
        status = ProfileStatus(profile, now)
        return ExportPage(status, tuple(records), self._listing.cursor(user_id, last))


def erase_learner(
    store: ErasureStore,
    user_id: str,
    *,
    delete_endpoint: Callable[[str], None] | None = None,
    time_left: Callable[[], float],
    stop_seconds: float,
) -> int:
    """Delete the push endpoints of the learner's devices (the push service's copy of their
    tokens; the account worker passes `delete_endpoint`, None: no push service), then every item
    under the learner's key, a page at a time, then the tombstone; the number of items deleted.
    Only while the tombstone is there: a request queued twice, or retried after the learner was
    erased and came back as a new learner, deletes nothing.
    Raises ErasureIncomplete when fewer than `stop_seconds` are left after a page."""
    deleted = 0
    if delete_endpoint is not None and store.is_deleting(user_id):
        for endpoint in store.push_endpoints(user_id):
            delete_endpoint(endpoint)
    while store.is_deleting(user_id):
        positions = store.erasable_keys(user_id)
        if not positions:
            store.remove_tombstone(user_id)
            break
        store.delete_items(user_id, positions)
        deleted += len(positions)
        if time_left() < stop_seconds:
            raise ErasureIncomplete(deleted)
    return deleted
