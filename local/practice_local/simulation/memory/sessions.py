"""The sessions feature's memory store."""

from collections.abc import Sequence
from datetime import date, datetime

from practice.domain.completion import Completion
from practice.domain.learner import LEDGER_COUNTERS, CardState, DueCard, DueCards, LedgerDay, Profile, Session
from practice.domain.quotas import QuotaWindow
from practice.domain.scheduling import is_learning
from practice.errors import ConcurrentUpdate, SessionNotOpen
from practice_local.simulation.memory.table import OnTable, atomic, card_name


class MemorySessionStore(OnTable):
    @atomic
    def due_cards(
        self, user_id: str, course_id: str, due_before: datetime, *, learning_limit: int, review_limit: int
    ) -> DueCards:
        table = self.table
        due = sorted(
            (card for key, card in table.cards.items()
             if key[0] == user_id and card.course_id == course_id and key not in table.retired
             and card.due < due_before),
            key=lambda card: card.due,
        )  # fmt: skip
        learning = [_due_card(card) for card in due if is_learning(card.state)][:learning_limit]
        reviews = [_due_card(card) for card in reversed(due) if not is_learning(card.state)][:review_limit]
        return DueCards(learning=tuple(learning), reviews=tuple(reviews))

    @atomic
    def start_session(
        self,
        session: Session,
        profile: Profile,
        *,
        store_profile: bool,
        retired: Sequence[str] = (),
        quota: QuotaWindow | None = None,
    ) -> None:
        table, user_id = self.table, session.user_id
        if (user_id, session.session_id) in table.sessions:
            raise ConcurrentUpdate("session id collision; retry the request")
        retiring = [(user_id, card_name(session.course_id, phrase_id)) for phrase_id in retired]
        if any(key not in table.cards for key in retiring):
            raise ConcurrentUpdate("a card to retire is gone")
        table.check_profile(profile)
        if quota is not None:
            table.spend(user_id, quota, session.started_at)
        if retired:
            table.log_card_change(profile, session.course_id, retired=retired)
        elif store_profile:
            table.store_profile(profile)
        table.sessions[user_id, session.session_id] = session
        for key in retiring:
            card = table.cards[key]
            table.cards[key] = card.model_copy(update={"due_day": None, "version": card.version + 1})
            if card.due_day is not None:
                table.add_due(user_id, session.course_id, {card.due_day: -1})
        table.retired.update(retiring)
        table.writes += 1

    @atomic
    def get_session(self, user_id: str, session_id: str) -> Session | None:
        self.table.check_not_deleting(user_id)
        return self.table.sessions.get((user_id, session_id))

    @atomic
    def load_for_completion(
        self, user_id: str, session_id: str, phrase_ids: list[str]
    ) -> tuple[Session | None, Profile | None, dict[str, CardState], dict[date, int]]:
        session, profile = self.get_session(user_id, session_id), self.get_profile(user_id)
        if session is None or not session.is_open or not phrase_ids:
            return session, profile, {}, {}
        cards, names = self.table.cards, {pid: card_name(session.course_id, pid) for pid in phrase_ids}
        found = {pid: cards[user_id, name] for pid, name in names.items() if (user_id, name) in cards}
        return session, profile, found, dict(self.table.due_days.get((user_id, session.course_id), {}))

    @atomic
    def complete_session(self, completion: Completion) -> None:
        table, session, profile = self.table, completion.session, completion.profile
        stored = table.sessions.get((session.user_id, session.session_id))
        if stored is None or not stored.is_open:
            raise SessionNotOpen("the session is no longer open")
        table.check_profile(profile)
        for card in completion.cards:
            current = table.cards.get((profile.user_id, card_name(card.course_id, card.phrase_id)))
            if (current.version if current else 0) != card.version:
                raise ConcurrentUpdate("the learner's data changed during the request; retry it")
        # every condition held: write all of it, as a transaction does
        table.sessions[session.user_id, session.session_id] = session
        if completion.cards:
            changed = [card.phrase_id for card in completion.cards]
            table.log_card_change(profile, session.course_id, changed=changed)
        else:
            table.store_profile(profile)
        for card in completion.cards:
            key = (profile.user_id, card_name(card.course_id, card.phrase_id))
            table.cards[key] = card.model_copy(update={"version": card.version + 1})
            table.retired.discard(key)  # a Put puts it back in the index
        if (added := completion.ledger) is not None:
            day = table.days.get((profile.user_id, added.day)) or LedgerDay(day=added.day)
            sums = {name: getattr(day, name) + getattr(added, name) for name in LEDGER_COUNTERS}
            table.days[profile.user_id, added.day] = day.model_copy(update={**sums, "goal_xp": added.goal_xp})
        if completion.workload:
            changes = completion.workload
            table.add_due(profile.user_id, session.course_id, changes.added, changes.emptied)
        for frozen in completion.frozen_days:
            day = table.days.get((profile.user_id, frozen)) or LedgerDay(day=frozen)
            table.days[profile.user_id, frozen] = day.model_copy(update={"frozen": True})
        table.writes += 1

    @atomic
    def list_sessions(self, user_id: str, limit: int, after: str | None) -> tuple[list[Session], str | None]:
        newest_first = sorted((sid for uid, sid in self.table.sessions if uid == user_id), reverse=True)
        page = [sid for sid in newest_first if after is None or sid < after][:limit]
        # as DynamoDB does: a full page says "go on after its last", even when nothing follows
        sessions = [self.table.sessions[user_id, sid] for sid in page]
        return sessions, page[-1] if len(page) == limit else None


def _due_card(card: CardState) -> DueCard:
    return DueCard(
        phrase_id=card.phrase_id, due=card.due, stability=card.stability, last_review=card.last_review
    )
