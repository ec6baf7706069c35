"""The phrasebook feature's memory store."""

from collections.abc import Sequence

from practice.domain.learner import CardState
from practice.domain.phrasebook import SyncEntry
from practice_local.simulation.memory.table import OnTable, atomic, card_name


class MemoryPhrasebookStore(OnTable):
    @atomic
    def card_page(
        self, user_id: str, course_id: str, after: str | None, limit: int
    ) -> tuple[list[CardState], str | None]:
        table, prefix = self.table, card_name(course_id, "")
        names = sorted(name for uid, name in table.cards if uid == user_id and name.startswith(prefix))
        read = [name for name in names if after is None or name > card_name(course_id, after)][:limit]
        cards = [table.cards[user_id, name] for name in read if (user_id, name) not in table.retired]
        # as DynamoDB does: a full page says "go on after its last", even when nothing follows
        return cards, read[-1].removeprefix(prefix) if len(read) == limit else None

    @atomic
    def sync_entries(
        self, user_id: str, course_id: str, after: int, limit: int
    ) -> tuple[list[SyncEntry], bool]:
        newer = [entry for entry in self.table.sync_log.get((user_id, course_id), []) if entry.number > after]
        return newer[:limit], len(newer) > limit

    @atomic
    def phrase_cards(self, user_id: str, course_id: str, phrase_ids: Sequence[str]) -> list[CardState]:
        keys = [(user_id, card_name(course_id, pid)) for pid in phrase_ids]
        return [
            self.table.cards[key] for key in keys if key in self.table.cards and key not in self.table.retired
        ]
