"""The fitting feature's memory store."""

from datetime import datetime

from practice.domain.learner import PersonalParameters
from practice.errors import ConcurrentUpdate
from practice.fitting.store import LoggedReview, fit_due_shard
from practice_local.simulation.memory.table import OnTable, atomic

RATING_NUMBERS = {"again": 1, "hard": 2, "good": 3, "easy": 4}


class MemoryFitStore(OnTable):
    @atomic
    def review_log(self, user_id: str, after: str | None) -> tuple[list[LoggedReview], str | None]:
        """All of it in one page: paging is the DynamoDB store's, tested against moto."""
        sessions = sorted((sid, s) for (uid, sid), s in self.table.sessions.items() if uid == user_id)
        reviews = [
            LoggedReview(
                (session.course_id, entry.phrase_id),
                entry.reviewed_at,
                RATING_NUMBERS[entry.rating.value],
                session.practice_day,
            )
            for sid, session in sessions
            if after is None or f"SESSION#{sid}" > after
            for entry in session.reviews
        ]
        return reviews, None

    @atomic
    def save_fit(
        self, user_id: str, read_version: int, checked_at: int, fit: PersonalParameters | None
    ) -> None:
        table = self.table
        current = table.profiles.get(user_id)
        if current is None or user_id in table.tombstones or current.version != read_version:
            raise ConcurrentUpdate("the profile changed during the fit")
        update: dict[str, object] = {"fit_checked_at": checked_at, "fit_due_since": None}
        if fit is not None:
            update["fsrs"] = fit
        table.store_profile(current.model_copy(update=update))
        table.writes += 1

    @atomic
    def fit_due_learners(
        self, shard: int, due_before: datetime, after: str | None
    ) -> tuple[list[str], str | None]:
        due = sorted(
            (p.fit_due_since, uid)
            for uid, p in self.table.profiles.items()
            if p.fit_due_since is not None and p.fit_due_since < due_before and fit_due_shard(uid) == shard
        )
        return [uid for _, uid in due], None
