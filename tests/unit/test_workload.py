"""Spreading review intervals (practice/domain/workload.py): Anki's fuzz ranges, a deterministic
draw, load balancing towards emptier days, easy days; and a completion that spreads its cards
and keeps the cards due per day exact."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from practice.domain.completion import complete
from practice.domain.learner import CardState, PracticeReport, Profile, Rating, Review, Session
from practice.domain.workload import (
    WEEKDAYS,
    DayLoad,
    SpreadMode,
    Weekday,
    choose_interval,
    easy_day_weights,
    fuzz_bounds,
    unit_random,
)
from tests.learners import COURSE, RULES

MONDAY = date(2026, 12, 7)
DRAWS = [(n + 0.5) / 200 for n in range(200)]  # evenly over [0, 1): what a hash draws, in the long run


@pytest.mark.parametrize(
    ("interval", "minimum", "maximum", "bounds"),
    [
        (1, 1, 1000, (1, 1)),  # under 2.5 days: not fuzzed
        (2, 1, 1000, (2, 3)),  # (Anki: 2-2; widened here, measured in make bench-srs)
        (2, 1, 2, (2, 2)),
        (3, 1, 1000, (2, 4)),  # 1 day, plus 0.15 a day from 2.5 on
        (7, 1, 1000, (5, 9)),
        (17, 1, 1000, (14, 20)),  # plus 0.1 a day from 7 to 20
        (37, 1, 1000, (33, 41)),  # plus 0.05 a day from 20 on
        (2, 3, 1000, (3, 4)),  # a range of one day widens to two where the bounds allow
        (2, 3, 3, (3, 3)),
        (100, 101, 1000, (101, 108)),  # the bounds hold
        (100, 1, 99, (92, 99)),
        (100, 97, 103, (97, 103)),
    ],
)
def test_fuzz_ranges_are_ankis_but_for_two_day_intervals(interval, minimum, maximum, bounds):
    assert fuzz_bounds(interval, minimum, maximum) == bounds


def test_the_draw_is_decided_by_its_parts_alone():
    draws = {unit_random("ana#es-en", f"phrase-{n}", "2026-12-07T18:00:00+00:00") for n in range(1000)}
    assert len(draws) == 1000
    assert all(0 <= draw < 1 for draw in draws)
    assert unit_random("ana", "hola", 3) == unit_random("ana", "hola", 3)
    assert unit_random("ana", "hola", 3) != unit_random("ana", "hola", 4)


def test_fuzz_alone_spreads_over_the_whole_range_evenly():
    chosen = Counter(
        choose_interval(
            20,
            minimum=1,
            maximum=36500,
            review_day=MONDAY,
            due_per_day={},
            easy_days={},
            draw=draw,
            balance=False,
        )
        for draw in DRAWS
    )
    lower, upper = fuzz_bounds(20, 1, 36500)
    assert set(chosen) == set(range(lower, upper + 1))
    assert max(chosen.values()) - min(chosen.values()) <= 1


def test_balancing_prefers_the_day_with_fewest_cards_due():
    # Given 20 cards due on every day of the range but one, which has 2
    lower, upper = fuzz_bounds(20, 1, 36500)
    light = MONDAY + timedelta(days=lower + 2)
    load = {MONDAY + timedelta(days=d): 20 for d in range(lower, upper + 1)} | {light: 2}
    # When cards are placed with every draw
    chosen = Counter(
        choose_interval(
            20, minimum=1, maximum=36500, review_day=MONDAY, due_per_day=load, easy_days={}, draw=d
        )
        for d in DRAWS
    )
    # Then nearly all land on the light day, and none outside the fuzz range
    assert chosen.most_common(1)[0] == (lower + 2, pytest.approx(200, abs=20))
    assert set(chosen) <= set(range(lower, upper + 1))


def test_an_empty_day_is_worth_more_than_any_day_with_cards():
    lower, upper = fuzz_bounds(10, 1, 36500)
    load = {MONDAY + timedelta(days=d): 1 for d in range(lower, upper + 1)}
    empty = lower + 1
    del load[MONDAY + timedelta(days=empty)]
    chosen = Counter(
        choose_interval(
            10, minimum=1, maximum=36500, review_day=MONDAY, due_per_day=load, easy_days={}, draw=d
        )
        for d in DRAWS
    )
    assert chosen[empty] > 100


def test_far_intervals_are_fuzzed_not_balanced_but_still_avoid_minimum_days():
    # Beyond 90 days the load does not matter (Anki's rule)...
    lower, upper = fuzz_bounds(200, 1, 36500)
    heavy = {MONDAY + timedelta(days=d): 50 for d in range(lower, lower + 5)}
    spread = Counter(
        choose_interval(
            200, minimum=1, maximum=36500, review_day=MONDAY, due_per_day=heavy, easy_days={}, draw=d
        )
        for d in DRAWS
    )
    assert set(spread) == set(range(lower, upper + 1))
    # ...but a minimum weekday is still left out
    sundays = {d for d in range(lower, upper + 1) if (MONDAY + timedelta(days=d)).weekday() == 6}
    no_sundays = {
        choose_interval(
            200,
            minimum=1,
            maximum=36500,
            review_day=MONDAY,
            due_per_day={},
            easy_days={Weekday.SUNDAY: DayLoad.MINIMUM},
            draw=d,
        )
        for d in DRAWS
    }
    assert sundays and not sundays & no_sundays


def test_a_minimum_day_is_closed_and_a_reduced_day_open_only_while_it_holds_half():
    weekdays = [Weekday.SATURDAY, Weekday.SUNDAY, Weekday.MONDAY, Weekday.TUESDAY]
    easy = {Weekday.SATURDAY: DayLoad.REDUCED, Weekday.SUNDAY: DayLoad.MINIMUM}
    # a reduced day holding less than half an average other day stays open; more closes it
    assert easy_day_weights(weekdays, [4, 0, 10, 10], easy) == [1.0, 0.0, 1.0, 1.0]
    assert easy_day_weights(weekdays, [5, 0, 10, 10], easy) == [1.0, 0.0, 1.0, 1.0]
    assert easy_day_weights(weekdays, [6, 0, 10, 10], easy) == [0.0, 0.0, 1.0, 1.0]
    assert easy_day_weights(weekdays, [8, 0, 10, 10], {}) == [1.0] * 4
    # a range of a full reduced day and a minimum day: the reduced day takes the card
    assert easy_day_weights(weekdays[:2], [8, 0], easy) == [1.0, 0.0]
    # when every day in range is a minimum day, balancing goes on among them
    chosen = {
        choose_interval(
            3,
            minimum=1,
            maximum=36500,
            review_day=MONDAY,
            due_per_day={MONDAY + timedelta(days=2): 5},
            easy_days=dict.fromkeys(WEEKDAYS, DayLoad.MINIMUM),
            draw=d,
        )
        for d in DRAWS
    }
    assert chosen == {2, 3, 4}


# -- A completion spreads its cards ---------------------------------------------------------

AT = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


def learner(**settings: object) -> Profile:
    return Profile(user_id="ana", course_id=COURSE.course_id, version=1, **settings)  # type: ignore[arg-type]


def session_of(phrases: list[str], started_at: datetime, new: bool) -> Session:
    return Session(
        session_id="01KB0000000000000000000000",
        user_id="ana",
        pack_id="daily_x",
        course_id=COURSE.course_id,
        review_phrase_ids=() if new else tuple(phrases),
        new_phrase_ids=tuple(phrases) if new else (),
        started_at=started_at,
    )


def rate_good(profile: Profile, cards: dict[str, CardState], phrases: list[str], at: datetime, **kw: object):
    return complete(
        session=session_of(phrases, at, new=not cards),
        profile=profile,
        cards=cards,
        report=PracticeReport(reviews=tuple(Review(phrase_id=p, rating=Rating.GOOD) for p in phrases)),
        course=COURSE,
        now=at + timedelta(minutes=5),
        rules=RULES,
        **kw,  # type: ignore[arg-type]
    )


def learned_cards(
    count: int,
    *,
    stability: float,
    days_ago: int,
    step: float = 0.0,
    due_day: date | None = None,
    **extra: int,
) -> dict[str, CardState]:
    """`count` review cards of the course's first phrases, last reviewed `days_ago` and due an
    hour ago (stability growing by `step` from card to card)."""
    return {
        phrase.phrase_id: CardState(
            course_id=COURSE.course_id,
            phrase_id=phrase.phrase_id,
            state=2,
            step=None,
            stability=stability + n * step,
            difficulty=5.0,
            due=AT - timedelta(hours=1),
            due_day=due_day,
            last_review=AT - timedelta(days=days_ago),
            **extra,
        )
        for n, phrase in enumerate(COURSE.phrases[:count])
    }


def test_ten_phrases_learned_together_and_rated_alike_part_by_their_third_review():
    # Given ten new phrases rated good together, then again each time they fall due
    phrases = [p.phrase_id for p in COURSE.phrases[:10]]
    profile, cards, counts, at = learner(), {}, {}, AT
    for _ in range(3):
        done = rate_good(profile, cards, phrases, at, due_per_day=counts)
        cards = {card.phrase_id: card for card in done.cards}
        for day, delta in done.workload.added.items():
            counts[day] = counts.get(day, 0) + delta
        profile = done.profile.model_copy(update={"version": profile.version + 1})
        at = max(card.due for card in cards.values()) + timedelta(hours=1)
    # Then after the third review they are due on several days, not one
    assert all(card.reps == 3 and card.state == 2 for card in cards.values())
    assert len({card.due_day for card in cards.values()}) >= 3
    # and without spreading, they would all share one
    same = {}
    for _ in range(3):
        done = rate_good(learner(), same, phrases, AT if not same else max(c.due for c in same.values()),
                         spread=SpreadMode.OFF)  # fmt: skip
        same = {card.phrase_id: card for card in done.cards}
    assert len({card.due for card in same.values()}) == 1


def test_the_same_completion_computed_twice_places_every_card_on_the_same_day():
    learned = learned_cards(
        20, stability=12.0, step=1.0, days_ago=12, due_day=date(2026, 12, 6), reps=4, version=3
    )
    phrases = list(learned)
    counts = {date(2026, 12, 6): 20, date(2026, 12, 20): 7, date(2026, 12, 21): 1}
    first = rate_good(learner(), learned, phrases, AT, due_per_day=counts)
    again = rate_good(learner(), learned, phrases, AT, due_per_day=dict(counts))
    assert [(c.phrase_id, c.due, c.due_day) for c in first.cards] == [
        (c.phrase_id, c.due, c.due_day) for c in again.cards
    ]
    assert first.workload == again.workload


def test_a_completion_moves_each_card_from_the_day_it_was_counted_on_to_its_new_day():
    counted_on = date(2026, 12, 6)
    learned = learned_cards(6, stability=30.0, days_ago=30, due_day=counted_on, reps=5)
    phrases = list(learned)
    counts = {counted_on: 6, date(2026, 11, 1): 0}
    done = rate_good(learner(), learned, phrases, AT, due_per_day=counts)
    new_days = Counter(card.due_day for card in done.cards)
    assert dict(done.workload.added) == {counted_on: -6, **new_days}
    assert done.workload.emptied == (date(2026, 11, 1),)  # a day found empty is dropped
    assert all(card.due_day == card.due.date() for card in done.cards)  # 18:00 UTC: the same day


def test_easy_days_keep_cards_off_the_learners_minimum_weekday():
    # Given a learner who wants Sundays free, reviewing 60 learned cards on a Monday
    learned = learned_cards(60, stability=8.0, step=0.1, days_ago=8, reps=3)
    phrases = list(learned)
    done = rate_good(learner(easy_days={"sunday": "minimum"}), learned, phrases, AT, due_per_day={})
    # Then none falls due on a Sunday, though the fuzz ranges hold Sundays
    assert all(card.due_day.weekday() != 6 for card in done.cards)
    plain = rate_good(learner(), learned, phrases, AT, due_per_day={})
    assert any(card.due_day.weekday() == 6 for card in plain.cards)
