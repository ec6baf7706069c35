"""The quota windows (practice/domain/quotas.py): what a refusal tells the client to wait, and
when a counter expires."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from practice.domain.quotas import COUNTER_KEPT, exports, session_starts


def test_an_export_window_is_the_utc_hour_whatever_the_zone_of_the_instant():
    at = datetime(2026, 12, 5, 10, 59, 59, 500_000, tzinfo=ZoneInfo("Europe/Madrid"))  # 09:59:59.5 UTC
    quota = exports(at, limit=10)
    assert (quota.window, quota.ends_at) == ("2026-12-05T09", datetime(2026, 12, 5, 10, tzinfo=UTC))
    refusal = quota.refusal(at)
    assert (refusal.status, refusal.retry_after) == (429, 1)  # half a second left: at least 1, rounded up
    assert refusal.headers == {"Retry-After": "1"}
    assert "10 exports per hour" in refusal.message


def test_a_start_window_ends_when_the_learners_day_does_and_its_counter_a_day_later():
    day_ends = datetime(2026, 12, 6, 4, tzinfo=ZoneInfo("Asia/Tokyo"))
    quota = session_starts("2026-12-05", day_ends, limit=100)
    now = day_ends - timedelta(hours=2, seconds=30)
    assert quota.refusal(now).retry_after == 7230
    assert "100 session starts per day" in quota.refusal(now).message
    assert quota.expires_at == int((day_ends + COUNTER_KEPT).timestamp())
