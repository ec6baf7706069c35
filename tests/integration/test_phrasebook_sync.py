"""The phrasebook and its delta sync through the domain services on a fake clock, on moto's
DynamoDB and on the in-memory stores: an app that listed the phrasebook once and then only asks
what changed holds exactly what a fresh full listing shows (strength aside, which is computed at
read time), through weeks of practice, days offline, course switches, a course edit that retires
phrases and one that rewrites a translation; and a sync token that cannot be answered is refused."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from practice.compose import ApiServices
from practice.domain.content import Course
from practice.domain.phrasebook import PhraseEntry, PhraseFilter, PhraseState
from practice.errors import InvalidSyncToken, SyncTokenExpired, UnknownCourse
from practice.phrasebook.results import PhrasebookPage
from practice.runtime.settings import Settings
from tests.conftest import FakeClock
from tests.fakes import AllStores, services_on
from tests.integration.test_workload_life import SPANISH, START, practise, without

PAGE = 7  # small pages: listings and deltas of several pages each
FRESH = 100  # the fresh listings compared with: large pages, fewer requests


def shown(entry: PhraseEntry) -> tuple[Any, ...]:
    """What an app keeps of a phrase: all the phrasebook shows but strength now."""
    phrase, card = entry.phrase, entry.card
    return (
        phrase.text, phrase.translation, phrase.audio_key, entry.state, entry.leech,
        card.due, card.reps, card.lapses, card.last_review, card.stability,
    )  # fmt: skip


@dataclass
class AppCopy:
    """The app's own copy of one course's phrasebook, and the token it syncs from."""

    phrases: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    token: str = ""
    requests: int = 0

    def take(self, page: PhrasebookPage) -> None:
        self.requests += 1
        for phrase_id in page.removed:
            self.phrases.pop(phrase_id, None)
        self.phrases |= {entry.phrase.phrase_id: shown(entry) for entry in page.entries}
        self.token = page.sync_token


def full_listing(service: ApiServices, user: str, course_id: str, limit: int = PAGE) -> AppCopy:
    copy = AppCopy()
    page = service.phrasebook.listing(user, course_id=course_id, limit=limit)
    tokens = {page.sync_token}
    copy.take(page)
    while page.next_cursor is not None:
        page = service.phrasebook.listing(user, cursor=page.next_cursor, limit=limit)
        tokens.add(page.sync_token)
        copy.take(page)
    assert len(tokens) == 1  # every page of one listing carries the same token
    return copy


def sync(service: ApiServices, user: str, copy: AppCopy) -> list[PhrasebookPage]:
    """Ask what changed until nothing more does, as the app does; a reset starts a new copy."""
    pages = [service.phrasebook.changes(user, copy.token, limit=PAGE)]
    while True:
        page = pages[-1]
        if page.reset:
            copy.phrases.clear()
        copy.take(page)
        if page.next_cursor is not None:
            pages.append(service.phrasebook.listing(user, cursor=page.next_cursor, limit=PAGE))
        elif page.has_more:
            pages.append(service.phrasebook.changes(user, copy.token, limit=PAGE))
        else:
            return pages


def retranslated(course: Course, phrase_id: str) -> Course:
    """`course` with one phrase's translation rewritten (validated anew: a copy would keep the
    phrases' cached revision)."""
    revise = {"translation": "(revised)"}
    phrases = [p.model_dump() | (revise if p.phrase_id == phrase_id else {}) for p in course.phrases]
    return Course.model_validate({**course.model_dump(), "phrases": phrases})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def test_a_full_listing_then_deltas_always_equals_a_fresh_full_listing(
    repository: AllStores, clock: FakeClock
):
    service = services_on(repository, clock, Settings(course_cache_seconds=0))  # sees course edits at once
    user = "steady"
    service.profile.update_profile(user, {"time_zone": "Europe/Madrid", "daily_new_limit": 12})
    copies = {"es-en": full_listing(service, user, "es-en"), "fr-en": full_listing(service, user, "fr-en")}
    assert copies["es-en"].phrases == copies["fr-en"].phrases == {}
    plan = ["es-en"] * 8 + ["fr-en"] * 4 + ["es-en"] * 10
    offline = {3, 4, 5, 14, 15}  # days the app does not sync: the next sync catches up
    resets = removed = 0
    for day, course_id in enumerate(plan):
        if day and course_id != plan[day - 1]:
            service.profile.update_profile(user, {"course_id": course_id})
        if day == 14:  # an edit drops five phrases due today: the next start retires their cards
            due = repository.due_cards(
                user, "es-en", clock.now + timedelta(days=1), learning_limit=0, review_limit=5
            )
            dropped = {card.phrase_id for card in due.reviews}
            repository.put_course(without(SPANISH, dropped))
        if day == 18:  # an edit rewrites a translation the learner knows
            known = sorted(copies["es-en"].phrases)[0]
            repository.put_course(retranslated(without(SPANISH, dropped), known))
        practise(service, clock, user, day)
        if day in offline:
            continue
        for course, copy in copies.items():
            pages = sync(service, user, copy)
            resets += sum(page.reset for page in pages)
            removed += sum(len(page.removed) for page in pages)
            assert copy.phrases == full_listing(service, user, course, FRESH).phrases, (day, course)

    assert len(copies["es-en"].phrases) > 100 and len(copies["fr-en"].phrases) > 20
    assert removed >= len(dropped) == 5  # the retired phrases' tombstones reached the app
    assert not set(copies["es-en"].phrases) & dropped
    assert copies["es-en"].phrases[known][1] == "(revised)"
    assert resets == 0  # both edits were small: each came as a delta of its own


def test_what_changes_while_the_app_pages_through_a_listing_comes_in_the_next_delta(
    repository: AllStores, clock: FakeClock
):
    service = services_on(repository, clock)
    user = "pager"
    service.profile.update_profile(user, {"daily_new_limit": 20})
    for day in range(6):
        practise(service, clock, user, day)
    copy = AppCopy()
    first = service.phrasebook.listing(user, limit=PAGE)
    copy.take(first)
    practise(service, clock, user, 6)  # cards on the pages read and on those to come change
    page = first
    while page.next_cursor is not None:
        page = service.phrasebook.listing(user, cursor=page.next_cursor, limit=PAGE)
        copy.take(page)
    assert copy.token == first.sync_token
    assert copy.phrases != full_listing(service, user, "es-en").phrases  # the first page is stale
    sync(service, user, copy)
    assert copy.phrases == full_listing(service, user, "es-en").phrases


def test_a_delta_costs_what_changed_not_the_size_of_the_phrasebook(repository: AllStores, clock: FakeClock):
    service = services_on(repository, clock)
    user = "big"
    service.profile.update_profile(user, {"daily_new_limit": 30})
    for day in range(8):
        practise(service, clock, user, day)
    copy = full_listing(service, user, "es-en")
    assert len(copy.phrases) >= 200
    # nothing changed: one page, nothing in it, the same token
    nothing = service.phrasebook.changes(user, copy.token, limit=PAGE)
    assert (nothing.entries, nothing.removed, nothing.has_more, nothing.sync_token) == (
        (),
        (),
        False,
        copy.token,
    )
    # one session later: the delta holds that session's phrases and nothing else
    started = practise(service, clock, user, 8)
    rated = {phrase.phrase_id for phrase in (*started.pack.review, *started.pack.new)}
    pages = sync(service, user, copy)
    assert {entry.phrase.phrase_id for page in pages for entry in page.entries} == rated
    assert len(pages) <= len(rated) // PAGE + 2  # whole entries: at most one page more than the phrases fill


def test_filters_narrow_a_listing_to_a_state_or_to_leeches(repository: AllStores, clock: FakeClock):
    service = services_on(repository, clock)
    user = "filters"
    for day in range(5):
        practise(service, clock, user, day)  # every fifth phrase forgotten
    everything = service.phrasebook.listing(user, limit=100).entries
    learning = service.phrasebook.listing(
        user, limit=100, only=PhraseFilter(state=PhraseState.REVIEW)
    ).entries
    assert learning and all(entry.state == PhraseState.REVIEW for entry in learning)
    assert len(learning) == sum(entry.state == PhraseState.REVIEW for entry in everything) < len(everything)
    assert service.phrasebook.listing(user, limit=100, only=PhraseFilter(leech=True)).entries == ()


def test_a_token_of_another_learner_or_one_forged_is_refused(repository: AllStores, clock: FakeClock):
    service = services_on(repository, clock)
    practise(service, clock, "ana", 0)
    token = service.phrasebook.listing("ana").sync_token
    with pytest.raises(InvalidSyncToken):
        service.phrasebook.changes("ben", token)
    with pytest.raises(InvalidSyncToken):
        service.phrasebook.changes("ana", token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    cursor = service.phrasebook.listing("ana", limit=2).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidSyncToken):  # a cursor is not a token: sealed for another listing
        service.phrasebook.changes("ana", cursor)


def test_an_unknown_course_is_refused(repository: AllStores, clock: FakeClock):
    service = services_on(repository, clock)
    with pytest.raises(UnknownCourse):
        service.phrasebook.listing("ana", course_id="xx-yy")


def test_a_token_whose_changes_are_no_longer_kept_is_gone(repository: AllStores, clock: FakeClock):
    service = services_on(repository, clock)
    practise(service, clock, "ana", 0)
    token = service.phrasebook.listing("ana").sync_token
    practise(service, clock, "ana", 1)
    practise(service, clock, "ana", 2)
    # the log's TTL removed entry 2 (the first after the token): the gap is seen, not skipped
    if repository.in_memory:
        log = repository.sync_log["ana", "es-en"]
        log.remove(next(entry for entry in log if entry.number == 2))
    else:
        repository.delete_items("ana", ["SYNC#es-en#0000000002"])
    with pytest.raises(SyncTokenExpired):
        service.phrasebook.changes("ana", token)


def test_a_token_from_before_an_erasure_is_gone(repository: AllStores, clock: FakeClock):
    service = services_on(repository, clock)
    for day in range(3):
        practise(service, clock, "ana", day)
    token = service.phrasebook.listing("ana").sync_token
    repository.mark_deleting("ana", clock.now, max_requests=5)
    while keys := repository.erasable_keys("ana"):
        repository.delete_items("ana", keys)
    repository.remove_tombstone("ana")
    practise(service, clock, "ana", 4)  # the learner signs up again with the same id
    with pytest.raises(SyncTokenExpired):
        service.phrasebook.changes("ana", token)


def test_an_edit_too_large_for_a_page_lists_the_phrasebook_again(repository: AllStores, clock: FakeClock):
    service = services_on(repository, clock, Settings(course_cache_seconds=0))
    user = "release-day"
    for day in range(3):
        practise(service, clock, user, day)
    copy = full_listing(service, user, "es-en")
    known = sorted(copy.phrases)[:3]
    unknown = [p.phrase_id for p in SPANISH.phrases if p.phrase_id not in copy.phrases][-120:]
    repository.put_course(without(SPANISH, {*known, *unknown}))  # a release that drops 123 phrases

    pages = sync(service, user, copy)

    assert pages[0].reset and pages[0].removed == ()
    assert copy.phrases == full_listing(service, user, "es-en", FRESH).phrases
    assert not set(copy.phrases) & set(known)
