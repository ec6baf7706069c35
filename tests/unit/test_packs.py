"""Pack building: due reviews first, new phrases in course order within the daily limit."""

from datetime import date
from pathlib import Path

import pytest

from practice.content import read_course_file
from practice.models.learner import Profile
from practice.packs import build_daily_pack, new_phrase_allowance

COURSE = read_course_file(Path(__file__).resolve().parents[2] / "content" / "courses" / "es-en.json")
TODAY = date(2026, 11, 25)


def profile(**changes: object) -> Profile:
    base = Profile(user_id="u1", time_zone="UTC", day_start_hour=4, daily_new_limit=10, course_id="es-en")
    return base.model_copy(update=changes)


def ids(phrases) -> list[str]:
    return [p.phrase_id for p in phrases]


def test_first_pack_introduces_the_first_phrases_of_the_course():
    pack = build_daily_pack(course=COURSE, profile=profile(), day=TODAY, due_phrase_ids=[], max_reviews=30)
    assert pack.pack_id == "daily_2026-11-25"
    assert pack.review == ()
    assert ids(pack.new) == ids(COURSE.phrases[:10])


def test_new_phrases_continue_from_the_learners_position():
    pack = build_daily_pack(
        course=COURSE, profile=profile(next_new_position=20), day=TODAY, due_phrase_ids=[], max_reviews=30
    )
    assert ids(pack.new) == ids(COURSE.phrases[20:30])


def test_due_reviews_come_first_in_the_order_given_and_are_capped():
    due = ids(COURSE.phrases[:12])
    pack = build_daily_pack(
        course=COURSE, profile=profile(next_new_position=40), day=TODAY, due_phrase_ids=due, max_reviews=8
    )
    assert ids(pack.review) == due[:8]
    assert pack.new == ()  # a full backlog leaves no room for new phrases


def test_a_large_backlog_shrinks_the_new_phrases_in_proportion():
    assert new_phrase_allowance(profile(), TODAY, due_count=0, max_reviews=30) == 10
    assert new_phrase_allowance(profile(), TODAY, due_count=15, max_reviews=30) == 5
    assert new_phrase_allowance(profile(), TODAY, due_count=29, max_reviews=30) == 0


def test_new_phrases_already_introduced_today_count_against_the_daily_limit():
    learner = profile(last_practice_day=TODAY, new_on_last_day=7)
    assert new_phrase_allowance(learner, TODAY, due_count=0, max_reviews=30) == 3
    # yesterday's introductions do not count today
    yesterday = profile(last_practice_day=date(2026, 11, 24), new_on_last_day=10)
    assert new_phrase_allowance(yesterday, TODAY, due_count=0, max_reviews=30) == 10


def test_no_new_phrases_past_the_end_of_the_course():
    done = profile(next_new_position=len(COURSE.phrases))
    pack = build_daily_pack(course=COURSE, profile=done, day=TODAY, due_phrase_ids=[], max_reviews=30)
    assert pack.new == ()


def test_due_cards_of_phrases_no_longer_in_the_course_are_skipped():
    pack = build_daily_pack(
        course=COURSE, profile=profile(), day=TODAY, due_phrase_ids=["retired-phrase", "hola"], max_reviews=30
    )
    assert ids(pack.review) == ["hola"]


def test_dialog_and_drill_are_the_ones_sharing_most_phrases_with_the_pack():
    dialog = COURSE.dialogs[-1]
    due = sorted(dialog.phrase_ids)
    pack = build_daily_pack(
        course=COURSE, profile=profile(daily_new_limit=0), day=TODAY, due_phrase_ids=due, max_reviews=30
    )
    assert pack.dialog == dialog
    assert pack.drill is not None
    best = max(len(set(d.phrase_ids) & set(due)) for d in COURSE.drills)
    assert len(set(pack.drill.phrase_ids) & set(due)) == best


@pytest.mark.parametrize("day", [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)])
def test_unrelated_packs_rotate_dialogs_by_day(day):
    pack = build_daily_pack(
        course=COURSE, profile=profile(daily_new_limit=0), day=day, due_phrase_ids=[], max_reviews=30
    )
    assert pack.dialog == COURSE.dialogs[day.toordinal() % len(COURSE.dialogs)]
