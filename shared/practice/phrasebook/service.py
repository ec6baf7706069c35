"""The learner's phrasebook: the phrases they have met in a course and how well they know each,
listed in pages, and what changed since an app's last sync (domain/phrasebook.py has the rules).

A listing's cursors and sync tokens are sealed to the learner (runtime/cursors.py). A token
holds the course, the number of the last sync log entry the app has seen and the revision of the
course's phrases; nothing of the phone's clock."""

from dataclasses import dataclass

from practice.courses.service import CourseCatalog
from practice.domain.content import Course
from practice.domain.learner import Profile
from practice.domain.limits import PHRASEBOOK_PAGE_DEFAULT, PHRASEBOOK_PAGE_MAX
from practice.domain.phrasebook import PhraseFilter, SyncEntry, phrase_entries, sync_delta, whole_entries
from practice.errors import InvalidCursor, InvalidSyncToken, SyncTokenExpired
from practice.phrasebook.results import PhrasebookPage
from practice.phrasebook.store import PhrasebookStore
from practice.profile.service import NewProfiles, visible_profile
from practice.runtime.clock import Clock
from practice.runtime.cursors import Listing


@dataclass(frozen=True, slots=True)
class SyncPoint:
    """Where an app's copy of a course's phrasebook stands: the last sync log entry it has seen,
    and the revision of the phrases it shows."""

    course_id: str
    number: int
    revision: str

    def position(self) -> str:
        return f"{self.course_id}|{self.number}|{self.revision}"

    @classmethod
    def parse(cls, position: str) -> "SyncPoint":
        course_id, number, revision = position.split("|")
        return cls(course_id, int(number), revision)


EVERY_PHRASE = PhraseFilter()


class PhrasebookService:
    def __init__(
        self,
        store: PhrasebookStore,
        catalog: CourseCatalog,
        profiles: NewProfiles,
        *,
        pages: Listing,
        tokens: Listing,
        clock: Clock,
    ) -> None:
        self._store = store
        self._catalog = catalog
        self._profiles = profiles
        self._pages = pages
        self._tokens = tokens
        self._clock = clock

    def listing(
        self,
        user_id: str,
        *,
        course_id: str | None = None,
        cursor: str | None = None,
        limit: int = PHRASEBOOK_PAGE_DEFAULT,
        only: PhraseFilter = EVERY_PHRASE,
    ) -> PhrasebookPage:
        """A page of the learner's phrases in `course_id` (default: the active course), in phrase
        id order, narrowed by `only`. Two reads: the profile and one bounded query. Every page
        carries the sync token of the listing's first page: what changes while the app pages on
        comes in its next delta."""
        begun = self._begun_at(user_id, cursor)
        if begun is not None and course_id is not None and course_id != begun[0].course_id:
            raise InvalidCursor("this cursor is of another course's phrasebook")
        if course_id is not None:
            self._catalog.require(course_id)  # an unknown course is a 404, not an empty book
        stored = visible_profile(self._store, user_id)
        profile = stored or self._profiles.new(user_id)
        course = self._catalog.get(begun[0].course_id if begun else course_id or profile.course_id)
        return self._page(
            user_id, profile, course, stored=stored is not None, limit=limit, begun=begun, only=only
        )

    def changes(self, user_id: str, since: str, *, limit: int = PHRASEBOOK_PAGE_DEFAULT) -> PhrasebookPage:
        """What changed in the learner's phrasebook since `since`: the phrases whose cards changed
        (as they are now) and those that left it. Entries of the sync log are taken whole while
        the page stays within `limit` phrases (at least one), so the cost follows the changes:
        the profile, one query of the log and one batch read of the changed cards."""
        point = self._sync_point(user_id, since)
        stored = visible_profile(self._store, user_id)
        profile = stored or self._profiles.new(user_id)
        course = self._catalog.get(point.course_id)
        logged = profile.progress_in(point.course_id).card_changes
        if point.number > logged:  # a log that began again: the account was erased meanwhile
            raise SyncTokenExpired("this sync token is older than the phrasebook; list it again")
        if point.revision != course.phrases_revision:  # the course was edited since
            return self._edited(user_id, profile, course, point, stored=stored is not None, limit=limit)
        entries: list[SyncEntry] = []
        more = False
        if logged > point.number:
            # each entry holds at least one phrase: limit + 1 entries always fill a page
            entries, more = self._store.sync_entries(user_id, point.course_id, point.number, limit + 1)
            if not entries or entries[0].number != point.number + 1:
                raise SyncTokenExpired("what changed since this sync token is no longer kept; list it again")
        taken, cut = whole_entries(entries, limit)
        delta = sync_delta(taken)
        cards = self._store.phrase_cards(user_id, point.course_id, delta.changed) if delta.changed else []
        shown = tuple(phrase_entries(course, cards, profile, self._clock()))
        still = {entry.phrase.phrase_id for entry in shown}
        removed = (*delta.retired, *(pid for pid in delta.changed if pid not in still))
        reached = SyncPoint(point.course_id, taken[-1].number if taken else point.number, point.revision)
        return PhrasebookPage(
            point.course_id,
            shown,
            removed,
            self._tokens.seal(user_id, reached.position()),
            has_more=more or cut,
        )

    def _edited(
        self, user_id: str, profile: Profile, course: Course, point: SyncPoint, *, stored: bool, limit: int
    ) -> PhrasebookPage:
        """What the course's edits since the token changed in the phrasebook, alone on its page
        (what the learner did since comes next, from the same log position): the edited phrases
        the learner holds, and every phrase removed (an id the app's copy lacks is ignored). An
        edit too large for one page, or older than the edits the course keeps, makes this the
        first page of a full listing instead (`reset`)."""
        edit = course.edit_since(point.revision)
        if edit is None or len(edit.changed) + len(edit.removed) > PHRASEBOOK_PAGE_MAX:
            page = self._page(user_id, profile, course, stored=stored, limit=limit)
            return PhrasebookPage(
                page.course_id, page.entries, (), page.sync_token, page.next_cursor, reset=True
            )
        cards = (
            self._store.phrase_cards(user_id, course.course_id, edit.changed)
            if stored and edit.changed
            else []
        )
        reached = SyncPoint(course.course_id, point.number, course.phrases_revision)
        return PhrasebookPage(
            course.course_id,
            tuple(phrase_entries(course, cards, profile, self._clock())),
            edit.removed,
            self._tokens.seal(user_id, reached.position()),
            has_more=profile.progress_in(course.course_id).card_changes > point.number,
        )

    def _page(
        self,
        user_id: str,
        profile: Profile,
        course: Course,
        *,
        stored: bool,
        limit: int,
        begun: tuple[SyncPoint, str] | None = None,
        only: PhraseFilter = EVERY_PHRASE,
    ) -> PhrasebookPage:
        course_id = course.course_id
        point, after = begun or (
            SyncPoint(course_id, profile.progress_in(course_id).card_changes, course.phrases_revision),
            None,
        )
        # the profile is read before the cards: a card written after it is in the next delta
        cards, next_after = self._store.card_page(user_id, course_id, after, limit) if stored else ([], None)
        entries = [
            entry for entry in phrase_entries(course, cards, profile, self._clock()) if only.keeps(entry)
        ]
        next_cursor = self._pages.cursor(user_id, f"{point.position()}|{next_after}" if next_after else None)
        return PhrasebookPage(
            course_id,
            tuple(entries),
            (),
            self._tokens.seal(user_id, point.position()),
            next_cursor,
            has_more=next_cursor is not None,
        )

    def _begun_at(self, user_id: str, cursor: str | None) -> tuple[SyncPoint, str] | None:
        """Where a listing's cursor goes on from: the listing's sync point, and the last phrase id."""
        position = self._pages.position(user_id, cursor)
        if position is None:
            return None
        point, _, after = position.rpartition("|")
        return SyncPoint.parse(point), after

    def _sync_point(self, user_id: str, since: str) -> SyncPoint:
        try:
            return SyncPoint.parse(self._tokens.open(user_id, since))
        except InvalidCursor as error:
            raise InvalidSyncToken(
                "this sync token was not issued to you; list the phrasebook again"
            ) from error
