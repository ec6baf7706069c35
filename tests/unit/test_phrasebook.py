"""The phrasebook's rules (practice/domain/phrasebook.py): states by name, strength as `fsrs`
computes it with the learner's own parameters, leeches at Anki's threshold, filters, the sync
log's entries adding up to one delta; and the app-version check of the gate."""

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Scheduler, State

from practice.domain.content import MAX_PHRASE_EDITS, Course, Phrase
from practice.domain.learner import CardState, Profile
from practice.domain.phrasebook import (
    PhraseFilter,
    PhraseState,
    SyncEntry,
    is_leech,
    phrase_entries,
    phrase_entry,
    sync_delta,
    with_card_change,
)
from practice_api.http.errors import AppUpgradeRequired, InvalidAppVersion
from practice_api.http.gate import check_app_version
from tests.learners import COURSE

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
PHRASE = COURSE.phrases[0]
PERSONAL = (
    0.3,
    1.1,
    2.5,
    9.0,
    6.6,
    0.6,
    2.2,
    0.01,
    1.6,
    0.15,
    1.0,
    1.9,
    0.1,
    0.3,
    2.3,
    0.2,
    3.0,
    0.5,
    0.6,
    0.1,
    0.3,
)


def card(state: int = 2, lapses: int = 0, stability: float = 10.0, **update: object) -> CardState:
    fields = {
        "course_id": COURSE.course_id,
        "phrase_id": PHRASE.phrase_id,
        "state": state,
        "step": None if state == 2 else 0,
        "stability": stability,
        "difficulty": 5.0,
        "due": NOW + timedelta(days=3),
        "last_review": NOW - timedelta(days=7),
        "reps": 12,
        "lapses": lapses,
    }
    return CardState.model_validate(fields | update)


@pytest.mark.parametrize(("lapses", "leech"), [(0, False), (7, False), (8, True), (15, True)])
def test_a_phrase_forgotten_8_times_or_more_is_a_leech(lapses: int, leech: bool):
    assert is_leech(card(lapses=lapses)) is leech
    assert (
        phrase_entry(PHRASE, card(lapses=lapses), Profile(user_id="u", course_id="es-en"), NOW).leech is leech
    )


@pytest.mark.parametrize(
    ("number", "state"), [(1, PhraseState.LEARNING), (2, PhraseState.REVIEW), (3, PhraseState.RELEARNING)]
)
def test_states_are_named_as_fsrs_numbers_them(number: int, state: PhraseState):
    assert (
        phrase_entry(PHRASE, card(state=number), Profile(user_id="u", course_id="es-en"), NOW).state == state
    )


@pytest.mark.parametrize("parameters", [None, PERSONAL])
def test_strength_is_fsrs_retrievability_now_with_the_learners_own_parameters(parameters):
    fitted = {
        "parameters": parameters,
        "fitted_at": NOW,
        "reviews": 900,
        "log_loss_before": 0.3,
        "log_loss_after": 0.2,
    }
    profile = Profile.model_validate(
        {"user_id": "u", "course_id": "es-en", "fsrs": fitted if parameters else None}
    )
    stored = card()
    fsrs = Scheduler(parameters=parameters) if parameters else Scheduler()
    expected = fsrs.get_card_retrievability(
        Card(
            state=State.Review, stability=10.0, difficulty=5.0, due=stored.due, last_review=stored.last_review
        ),
        NOW,
    )
    assert phrase_entry(PHRASE, stored, profile, NOW).strength == pytest.approx(expected, abs=1e-12)
    assert 0 < expected < 1


def test_strength_falls_with_time_and_is_greater_for_a_stabler_card():
    profile = Profile(user_id="u", course_id="es-en")
    week, month = (phrase_entry(PHRASE, card(), profile, NOW + timedelta(days=d)).strength for d in (0, 30))
    stable = phrase_entry(PHRASE, card(stability=100.0), profile, NOW).strength
    assert stable > week > month


def test_cards_of_phrases_no_longer_in_the_course_are_not_in_the_book():
    profile = Profile(user_id="u", course_id="es-en")
    gone = card(phrase_id="no-such-phrase")
    entries = phrase_entries(COURSE, [card(), gone], profile, NOW)
    assert [entry.phrase.phrase_id for entry in entries] == [PHRASE.phrase_id]


def test_filters_keep_what_they_name():
    profile = Profile(user_id="u", course_id="es-en")
    leech = phrase_entry(PHRASE, card(state=3, lapses=9), profile, NOW)
    plain = phrase_entry(PHRASE, card(), profile, NOW)
    assert PhraseFilter().keeps(leech) and PhraseFilter().keeps(plain)
    assert PhraseFilter(leech=True).keeps(leech) and not PhraseFilter(leech=True).keeps(plain)
    assert PhraseFilter(leech=False).keeps(plain) and not PhraseFilter(leech=False).keeps(leech)
    relearning = PhraseFilter(state=PhraseState.RELEARNING)
    assert relearning.keeps(leech) and not relearning.keeps(plain)
    assert not PhraseFilter(state=PhraseState.RELEARNING, leech=False).keeps(leech)


def test_entries_add_up_to_what_their_last_word_on_each_phrase_is():
    entries = [
        SyncEntry(1, changed=("a", "b", "c")),
        SyncEntry(2, retired=("b",)),
        SyncEntry(3, changed=("d", "a")),
        SyncEntry(4, retired=("d",)),
        SyncEntry(5, changed=("d",)),  # back in the course, and reviewed again
    ]
    delta = sync_delta(entries)
    assert (delta.changed, delta.retired) == (("c", "a", "d"), ("b",))
    assert sync_delta([]).changed == sync_delta([]).retired == ()


def test_each_change_to_a_courses_cards_numbers_the_next_entry_of_that_course_alone():
    profile = Profile(user_id="u", course_id="es-en")
    once = with_card_change(profile, "es-en")
    twice = with_card_change(with_card_change(once, "fr-en"), "es-en")
    assert once.progress_in("es-en").card_changes == 1
    assert (twice.progress_in("es-en").card_changes, twice.progress_in("fr-en").card_changes) == (2, 1)
    assert twice.progress_in("es-en").next_new_position == profile.progress_in("es-en").next_new_position


@pytest.mark.parametrize(
    ("sent", "minimum"),
    [
        (None, "3.0"),
        ("3.0", "3.0"),
        ("3", "3.0.0"),
        ("3.0.0", "3"),
        ("3.10", "3.9"),
        ("4", "3.99.99"),
        ("0.1", ""),
    ],
)
def test_an_app_as_new_as_the_minimum_or_sending_no_version_is_served(sent, minimum):
    check_app_version(sent, minimum)


@pytest.mark.parametrize(
    ("sent", "minimum"), [("2.9", "3.0"), ("3.9", "3.10"), ("3.0.0", "3.0.1"), ("0", "1")]
)
def test_an_older_app_must_upgrade(sent, minimum):
    with pytest.raises(AppUpgradeRequired, match=f"update it to {minimum}"):
        check_app_version(sent, minimum)


@pytest.mark.parametrize("sent", ["", "v3", "3.0-beta", "3..1", "1.2.3.4.5", "latest", "3.0 "])
def test_an_app_version_that_is_no_version_is_refused(sent):
    if sent == "3.0 ":  # surrounding spaces are not part of a header value (RFC 9110)
        check_app_version(sent, "3.0")
        return
    for minimum in ("1.0", ""):  # checked whether a minimum is set or not, as the spec says
        with pytest.raises(InvalidAppVersion):
            check_app_version(sent, minimum)


# -- edits of a course's phrases, as the course keeps them ---------------------------------------


def edited(
    course: Course, *, drop: tuple[str, ...] = (), revise: tuple[str, ...] = (), add: tuple[Phrase, ...] = ()
) -> Course:
    """`course` reloaded with phrases dropped, translations revised or phrases added (validated
    anew, as a course file is)."""
    phrases = [
        p.model_dump() | ({"translation": p.translation + " (revised)"} if p.phrase_id in revise else {})
        for p in course.phrases
        if p.phrase_id not in drop
    ]
    phrases += [p.model_dump() for p in add]
    data = course.model_dump() | {"phrases": phrases, "dialogs": [], "drills": []}
    return Course.model_validate(data)


def test_a_reload_with_the_same_phrases_is_no_edit():
    first = COURSE.loaded_over(None)
    assert first.phrase_edits == () and COURSE.loaded_over(first).phrase_edits == ()


def test_edits_add_up_from_any_kept_revision_and_a_phrase_back_after_a_removal_is_a_change():
    a, b, c = (p.phrase_id for p in COURSE.phrases[:3])
    v1 = COURSE.loaded_over(None)
    v2 = edited(v1, drop=(a,), revise=(b,)).loaded_over(v1)
    v3 = edited(v1, revise=(b, c)).loaded_over(v2)  # `a` is back, `b` as in v2, `c` revised
    assert [(e.changed, e.removed) for e in v3.phrase_edits] == [((b,), (a,)), ((a, c), ())]
    since_v1 = v3.edit_since(v1.phrases_revision)
    assert since_v1 is not None and (set(since_v1.changed), since_v1.removed) == ({a, b, c}, ())
    since_v2 = v3.edit_since(v2.phrases_revision)
    assert since_v2 is not None and (set(since_v2.changed), since_v2.removed) == ({a, c}, ())
    assert v3.edit_since("no-such-revision") is None


def test_a_phrase_never_seen_before_is_no_change_for_any_learner():
    extra = COURSE.phrases[0].model_copy(update={"phrase_id": "brand-new-phrase"})
    v1 = COURSE.loaded_over(None)
    v2 = edited(v1, add=(extra,)).loaded_over(v1)
    edit = v2.edit_since(v1.phrases_revision)
    assert edit is not None and (edit.changed, edit.removed) == ((), ())


def test_a_course_keeps_its_latest_edits_only():
    course = COURSE.loaded_over(None)
    revisions = [course.phrases_revision]
    for n in range(MAX_PHRASE_EDITS + 3):
        course = edited(course, revise=(COURSE.phrases[n].phrase_id,)).loaded_over(course)
        revisions.append(course.phrases_revision)
    assert len(course.phrase_edits) == MAX_PHRASE_EDITS
    assert course.edit_since(revisions[2]) is None  # older than the edits kept
    assert course.edit_since(revisions[3]) is not None
