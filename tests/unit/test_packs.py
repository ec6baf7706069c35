"""Pack building: due (re)learning cards first, then the reviews that fit (highest recall chance
first), then new phrases in course order within what is left of the daily limits."""

from datetime import UTC, date, datetime, timedelta

import pytest

from practice.courses.service import read_course_file
from practice.domain.content import Course
from practice.domain.learner import CourseProgress, DueCard, DueCards, Profile
from practice.domain.limits import MAX_PHRASES_PER_PACK, MAX_RETIRED_PER_START
from practice.domain.packs import PackLimits, build_daily_pack
from practice.domain.scheduling import retrievability
from tests.conftest import COURSES_DIR

COURSE = read_course_file(COURSES_DIR / "es-en.json")
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
LIMITS = PackLimits(max_learning=30, max_reviews=30)
NOTHING_DUE = DueCards()


def profile(
    next_new_position: int = 0, skipped_new_phrase_ids: tuple[str, ...] = (), **changes: object
) -> Profile:
    """A learner of es-en, that far into it."""
    base = Profile(user_id="u1", time_zone="UTC", day_start_hour=4, daily_new_limit=10, course_id="es-en")
    progress = CourseProgress(
        next_new_position=next_new_position, skipped_new_phrase_ids=skipped_new_phrase_ids
    )
    return base.model_copy(update={**changes, "courses": {"es-en": progress}})


def ids(phrases) -> list[str]:
    return [p.phrase_id for p in phrases]


def due_card(phrase_id: str, *, overdue_days: float = 1, stability: float = 5.0) -> DueCard:
    due = NOW - timedelta(days=overdue_days)
    return DueCard(
        phrase_id=phrase_id, due=due, stability=stability, last_review=due - timedelta(days=stability)
    )


def pack(learner: Profile | None = None, due: DueCards = NOTHING_DUE, limits: PackLimits = LIMITS, day=TODAY):
    return build_daily_pack(
        course=COURSE, profile=learner or profile(), day=day, due=due, now=NOW, limits=limits
    )


def test_first_pack_introduces_the_first_phrases_of_the_course():
    first = pack()
    assert first.pack_id == "daily_2026-11-25"
    assert first.review == ()
    assert ids(first.new) == ids(COURSE.phrases[:10])


def test_new_phrases_continue_from_the_learners_position():
    assert ids(pack(profile(next_new_position=20)).new) == ids(COURSE.phrases[20:30])


def test_learning_cards_come_first_and_outside_the_review_limit():
    learning = tuple(due_card(p.phrase_id, overdue_days=0.01) for p in COURSE.phrases[:5])
    reviews = tuple(due_card(p.phrase_id) for p in COURSE.phrases[5:40])
    served = pack(profile(next_new_position=60), DueCards(learning=learning, reviews=reviews))
    assert ids(served.review[:5]) == [card.phrase_id for card in learning]
    assert len(served.review) == 5 + LIMITS.max_reviews


def test_learning_cards_are_bounded_on_their_own():
    learning = tuple(due_card(p.phrase_id, overdue_days=0.01) for p in COURSE.phrases[:12])
    served = pack(
        profile(daily_new_limit=0), DueCards(learning=learning), PackLimits(max_learning=8, max_reviews=30)
    )
    assert ids(served.review) == [card.phrase_id for card in learning[:8]]


def test_reviews_that_do_not_fit_are_chosen_by_recall_chance_highest_first():
    # Given more due reviews than a pack holds, each with another recall chance now
    reviews = tuple(
        due_card(p.phrase_id, overdue_days=n % 7, stability=1 + n % 11)
        for n, p in enumerate(COURSE.phrases[:40])
    )
    served = pack(
        profile(daily_new_limit=0), DueCards(reviews=reviews), PackLimits(max_learning=30, max_reviews=10)
    )
    # Then the pack takes the ten the learner is likeliest to recall, as fsrs computes it
    chance = {card.phrase_id: retrievability(card, NOW) for card in reviews}
    assert sorted(chance[pid] for pid in ids(served.review)) == sorted(chance.values())[-10:]
    assert [chance[pid] for pid in ids(served.review)] == sorted(
        (chance[pid] for pid in ids(served.review)), reverse=True
    )


def test_the_daily_review_limit_counts_reviews_already_done_today():
    reviews = tuple(due_card(p.phrase_id) for p in COURSE.phrases[:40])
    done_190 = profile(daily_review_limit=200, last_practice_day=TODAY, reviews_on_last_day=190)
    assert len(pack(done_190, DueCards(reviews=reviews)).review) == 10
    done_200 = profile(daily_review_limit=200, last_practice_day=TODAY, reviews_on_last_day=200)
    assert pack(done_200, DueCards(reviews=reviews)).review == ()
    yesterday = profile(
        daily_review_limit=200, last_practice_day=TODAY - timedelta(days=1), reviews_on_last_day=200
    )
    assert len(pack(yesterday, DueCards(reviews=reviews)).review) == LIMITS.max_reviews


@pytest.mark.parametrize("due_reviews", [0, 1, 15, 29, 30])
def test_new_phrases_are_what_is_left_of_the_daily_limit_never_rounded_to_zero(due_reviews):
    reviews = tuple(due_card(p.phrase_id) for p in COURSE.phrases[60 : 60 + due_reviews])
    assert len(pack(profile(daily_new_limit=1), DueCards(reviews=reviews)).new) == 1
    assert len(pack(profile(daily_new_limit=10), DueCards(reviews=reviews)).new) == 10


def test_new_phrases_fill_at_most_the_room_left_in_the_pack():
    copies = [p.model_copy(update={"phrase_id": f"{p.phrase_id}-copy"}) for p in COURSE.phrases]
    big = Course.model_validate({**COURSE.model_dump(), "phrases": [*COURSE.phrases, *copies]})
    learning = tuple(due_card(p.phrase_id, overdue_days=0.01) for p in COURSE.phrases[:40])
    reviews = tuple(due_card(p.phrase_id) for p in COURSE.phrases[40:80])
    full = build_daily_pack(
        course=big,
        profile=profile(daily_new_limit=50),
        day=TODAY,
        due=DueCards(learning=learning, reviews=reviews),
        now=NOW,
        limits=PackLimits(max_learning=40, max_reviews=40),
    )
    assert len(full.review) == 80
    assert len(full.new) == MAX_PHRASES_PER_PACK - 80  # not the 50 the daily limit would allow


def test_new_phrases_already_introduced_today_count_against_the_daily_limit():
    assert len(pack(profile(last_practice_day=TODAY, new_on_last_day=7)).new) == 3
    assert len(pack(profile(last_practice_day=TODAY - timedelta(days=1), new_on_last_day=10)).new) == 10


def test_skipped_new_phrases_come_first_and_rated_ones_never_come_back():
    # Phrases 0, 2 and 3 were rated, 1 skipped: the position is past 3, and 1 waits
    learner = profile(
        next_new_position=4, skipped_new_phrase_ids=(COURSE.phrases[1].phrase_id,), daily_new_limit=3
    )
    assert ids(pack(learner).new) == ids([COURSE.phrases[1], COURSE.phrases[4], COURSE.phrases[5]])


def test_no_new_phrases_past_the_end_of_the_course():
    assert pack(profile(next_new_position=len(COURSE.phrases))).new == ()


def test_cards_of_phrases_no_longer_in_the_course_take_no_place_and_are_retired():
    stale = tuple(due_card(f"gone-{n}") for n in range(40))
    kept = tuple(due_card(p.phrase_id) for p in COURSE.phrases[:5])
    served = pack(
        profile(daily_new_limit=0), DueCards(learning=(due_card("gone-learning"),), reviews=stale + kept)
    )
    assert ids(served.review) == [card.phrase_id for card in kept]
    assert served.retired == ("gone-learning", *(card.phrase_id for card in stale))[:MAX_RETIRED_PER_START]


def test_dialog_and_drill_are_the_ones_sharing_most_phrases_with_the_pack():
    dialog = COURSE.dialogs[-1]
    due = tuple(due_card(pid) for pid in sorted(dialog.phrase_ids))
    served = pack(profile(daily_new_limit=0), DueCards(reviews=due))
    assert served.dialog == dialog
    assert served.drill is not None
    best = max(len(set(d.phrase_ids) & dialog.phrase_ids) for d in COURSE.drills)
    assert len(set(served.drill.phrase_ids) & dialog.phrase_ids) == best


@pytest.mark.parametrize("day", [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)])
def test_unrelated_packs_rotate_dialogs_by_day(day):
    served = pack(profile(daily_new_limit=0), day=day)
    assert served.dialog == COURSE.dialogs[day.toordinal() % len(COURSE.dialogs)]
