"""Fitting each learner's FSRS parameters: when a fit is due, the training items, the adoption
rule, and scheduling with the learner's own parameters. The fits run fsrs-rs for real, on learners
simulated through the service (local/practice_local/simulation/learner.py) in memory."""

import json
import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Scheduler, State
from fsrs import Rating as FsrsRating
from fsrs_rs_python import FSRS

from optimizer.learner import optimize_learner, read_review_log
from optimizer.model import (
    DEFAULTS,
    FitRules,
    clip,
    fit,
    fit_reviews,
    judge,
    log_loss,
    recall_probabilities,
    training_items,
)
from practice.domain.fit_policy import FitPolicy
from practice.domain.learner import CardState, PersonalParameters, Profile
from practice.domain.learner import Rating as ApiRating
from practice.domain.learner_day import learner_day
from practice.domain.scheduling import review
from practice.errors import ConcurrentUpdate
from practice.fitting.store import LoggedReview
from practice_local.cloud.template import REPO_ROOT
from practice_local.simulation.learner import START, SimClock, SimulatedLearner
from tests.conftest import COURSES_DIR
from tests.fakes import AllStores, Interleaved, RecordingQueue, conflict, in_memory, services_on

REAL_USERS = json.loads((REPO_ROOT / "bench" / "srs" / "real_parameters.json").read_text())["users"]
RULES = FitRules()


def profile_of() -> Profile:
    return Profile(user_id="ana", time_zone="UTC", day_start_hour=4, daily_new_limit=10, course_id="es-en")


def practised(
    days: int, user: str = "ana", truth: str = "14", learning_steps: int = 2
) -> tuple[AllStores, RecordingQueue]:
    """A learner who practised `days` simulated days, answering as real user `truth`'s memory
    ("defaults": FSRS's defaults) (a failed phrase seen again in the session up to
    `learning_steps` times)."""
    repository = in_memory(COURSES_DIR)
    clock, requests = SimClock(), RecordingQueue()
    services = services_on(repository, clock, fits=requests)
    memory = DEFAULTS if truth == "defaults" else REAL_USERS[truth]
    learner = SimulatedLearner(services.sessions, clock, user, memory, seed=11, learning_steps=learning_steps)
    for day in range(days):
        learner.practise(day)
    return repository, requests


# -- when a fit is due ----------------------------------------------------------------------


def test_a_first_fit_is_due_at_the_threshold_then_every_so_many_reviews():
    policy = FitPolicy(first_at=400, every=500)
    profile = profile_of()
    assert not policy.is_due(profile.model_copy(update={"reviews_logged": 399}))
    assert policy.is_due(profile.model_copy(update={"reviews_logged": 400}))
    checked = profile.model_copy(update={"reviews_logged": 949, "fit_checked_at": 450})
    assert not policy.is_due(checked)
    assert policy.is_due(checked.model_copy(update={"reviews_logged": 950}))


def test_a_mark_stays_from_when_the_fit_became_due():
    policy, now = FitPolicy(first_at=10, every=10), datetime(2026, 3, 1, tzinfo=UTC)
    due = policy.mark(profile_of().model_copy(update={"reviews_logged": 12}), now)
    assert due.fit_due_since == now
    assert policy.mark(due, now + timedelta(days=1)).fit_due_since == now
    assert policy.mark(profile_of(), now).fit_due_since is None  # nothing logged: not due


def test_completions_count_their_reviews_and_ask_for_a_fit_once():
    repository, requests = practised(40)
    profile = repository.get_profile("ana")
    assert profile is not None
    logged = sum(len(s.reviews) for (uid, _), s in repository.sessions.items() if uid == "ana")
    assert profile.reviews_logged == logged > 400
    # Crossing 400 marked the learner and asked once; no later completion asked again
    assert profile.fit_due_since is not None
    assert [r.user_id for r in requests.requests] == ["ana"]


# -- training items -------------------------------------------------------------------------


def test_training_items_are_reviews_on_a_later_learner_day_with_their_history():
    zone, day_start = ZoneInfo("Europe/Madrid"), 4
    at = datetime(2026, 3, 2, 20, 0, tzinfo=zone)
    reviews = [
        LoggedReview(("es-en", "hola"), at, 1),
        LoggedReview(("es-en", "hola"), at + timedelta(hours=6), 3),  # 02:00: still the same learner day
        LoggedReview(("es-en", "adios"), at + timedelta(hours=1), 3),
        LoggedReview(("fr-en", "hola"), at + timedelta(days=2), 2),  # another course's card: its own history
        LoggedReview(("es-en", "hola"), at + timedelta(days=3), 3),
        LoggedReview(("es-en", "hola"), at + timedelta(days=10), 1),
    ]
    items = training_items(reviews, lambda t: (t.astimezone(zone) - timedelta(hours=day_start)).date())
    assert [item.steps for item in items] == [
        ((1, 0), (3, 0), (3, 3)),
        ((1, 0), (3, 0), (3, 3), (1, 7)),
    ]
    assert [item.at for item in items] == [reviews[4].reviewed_at, reviews[5].reviewed_at]


def test_training_items_count_a_review_in_the_learner_day_it_was_logged_in():
    # Ana reviewed on the morning of 3 March in Tokyo, flew to Madrid and reviewed again that
    # evening, then two days later: her days then were Tokyo's, then Madrid's
    tokyo, madrid = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/Madrid")
    times = [
        datetime(2026, 3, 3, 10, 0, tzinfo=tokyo),
        datetime(2026, 3, 3, 22, 0, tzinfo=madrid),
        datetime(2026, 3, 5, 22, 0, tzinfo=madrid),
    ]
    zones = [tokyo, madrid, madrid]
    logged = [
        LoggedReview(("es-en", "hola"), at, 3, learner_day(at, zone, 4))
        for at, zone in zip(times, zones, strict=True)
    ]
    # The second review was on the same learner day as the first: history, not a target
    [item] = training_items(logged, lambda at: learner_day(at, madrid, 4))
    assert item.steps == ((3, 0), (3, 0), (3, 2))
    # Recounted in Madrid's zone, as before days were logged: Tokyo's 10:00 is Madrid's 02:00,
    # the day before, so the second review reads as a day later
    unlogged = [review._replace(day=None) for review in logged]
    recounted = training_items(unlogged, lambda at: learner_day(at, madrid, 4))
    assert [item.steps for item in recounted] == [((3, 0), (3, 1)), ((3, 0), (3, 1), (3, 2))]


# -- the adoption rule ----------------------------------------------------------------------


def test_a_fit_on_a_learner_unlike_the_defaults_is_adopted_as_judged():
    repository, _ = practised(90)
    outcome = optimize_learner(repository, "ana", now=START, policy=FitPolicy(), rules=RULES)
    assert outcome is not None and outcome.judgement is not None
    judgement = outcome.judgement
    assert judgement.adopted and judgement.log_loss_after < judgement.log_loss_before
    # The parameters adopted are the ones judged: fitted on the earlier 80 %
    items = training_items(read_review_log(repository, "ana"), lambda at: learner_day(at, UTC, 4))
    assert judgement.train_items + judgement.held_out_items == len(items)
    assert judgement.parameters == judgement.candidate == fit(items[: judgement.train_items], DEFAULTS)
    assert log_loss(judgement.candidate, items[judgement.train_items :]) == judgement.log_loss_after
    assert log_loss(DEFAULTS, items[judgement.train_items :]) == judgement.log_loss_before
    profile = repository.get_profile("ana")
    assert profile is not None and profile.fsrs is not None
    assert profile.fsrs.parameters == judgement.parameters != DEFAULTS
    assert (profile.fsrs.log_loss_before, profile.fsrs.log_loss_after) == (
        judgement.log_loss_before,
        judgement.log_loss_after,
    )
    assert profile.fsrs.reviews == outcome.reviews and profile.fit_checked_at == profile.reviews_logged
    assert profile.fit_due_since is None


def test_the_judge_scores_each_held_out_review_once_not_the_latest_most():
    repository, _ = practised(60)
    items = training_items(read_review_log(repository, "ana"), lambda at: learner_day(at, UTC, 4))
    probabilities = recall_probabilities(DEFAULTS, items)
    plain = -sum(
        math.log(p) if item.recalled else math.log(1 - p)
        for p, item in zip(probabilities, items, strict=True)
    ) / len(items)
    assert log_loss(DEFAULTS, items) == pytest.approx(plain, rel=1e-12)
    # fsrs-rs's own evaluation weights the latest items most: a different number on the same items
    weighted = FSRS(list(DEFAULTS)).evaluate([item.fsrs_item() for item in items]).log_loss
    assert abs(weighted - plain) > 1e-4


def test_a_fit_that_predicts_no_better_than_the_parameters_in_use_is_not_adopted():
    repository, _ = practised(90)
    profile = repository.get_profile("ana")
    assert profile is not None
    items = training_items(
        [r for page in [repository.review_log("ana", None)[0]] for r in page], lambda t: t.date()
    )
    first = judge(items, DEFAULTS, RULES)
    assert first is not None and first.adopted
    # The same items again, with the fit in use: fitting again finds the same parameters, no better
    again = judge(items, first.candidate, RULES)
    assert again is not None and again.candidate == first.candidate
    assert not again.adopted


def test_the_profile_keeps_its_parameters_when_a_fit_is_not_adopted():
    # (without same-day steps: `fsrs`, which simulates the memory, and fsrs-rs, which fits and
    # judges, treat same-day reviews differently, so there the truth is not the best predictor)
    repository, _ = practised(90, learning_steps=0)
    in_use = PersonalParameters(
        parameters=clip(REAL_USERS["14"]),
        fitted_at=START,
        reviews=1,
        log_loss_before=0.5,
        log_loss_after=0.4,
    )
    # the learner's true parameters are in use: a fit from their noisy reviews cannot beat them
    stored = repository.profiles["ana"]
    repository.profiles["ana"] = stored.model_copy(update={"fsrs": in_use})
    outcome = optimize_learner(repository, "ana", now=START, policy=FitPolicy(), rules=RULES, force=True)
    assert outcome is not None and outcome.judgement is not None
    after = repository.get_profile("ana")
    assert after is not None
    # The fit predicts ana's latest reviews worse than her true parameters: not adopted, kept
    assert outcome.judgement.log_loss_after > outcome.judgement.log_loss_before
    assert not outcome.adopted
    assert after.fsrs == in_use
    assert after.fit_checked_at == after.reviews_logged and after.fit_due_since is None


def test_a_learner_with_too_few_reviews_keeps_the_defaults():
    repository, _ = practised(8)
    outcome = optimize_learner(repository, "ana", now=START, policy=FitPolicy(), rules=RULES, force=True)
    assert outcome is not None and outcome.judgement is None and not outcome.adopted
    profile = repository.get_profile("ana")
    assert profile is not None and profile.fsrs is None
    assert profile.fit_checked_at == profile.reviews_logged  # the next try waits for more reviews


def test_the_minimum_counts_reviews_not_items():
    day = datetime(2026, 3, 2, 9, tzinfo=UTC)
    # 450 reviews, most on a card's first day (learning steps): 45 cards of 8 steps each, each
    # seen again 3 and 9 days later: only 90 reviews are on a later day, 90 items
    first_days = [
        LoggedReview(("es-en", f"p{card}"), day + timedelta(minutes=card * 10 + step), 1 if step < 7 else 3)
        for card in range(45)
        for step in range(8)
    ]
    later = [
        LoggedReview(("es-en", f"p{card}"), day + timedelta(days=days, minutes=card), 1 + (card * days) % 4)
        for card in range(45)
        for days in (3, 9)
    ]
    logged = sorted(first_days + later, key=lambda review: review.reviewed_at)
    assert len(logged) == 450 and len(training_items(logged, lambda at: at.date())) == 90
    judgement = fit_reviews(logged, lambda at: at.date(), DEFAULTS, RULES)  # 400 reviews at least: judged
    assert judgement is not None and (judgement.train_items, judgement.held_out_items) == (72, 18)
    # One review fewer than the minimum: not judged, however many items
    assert fit_reviews(logged[:399], lambda at: at.date(), DEFAULTS, RULES) is None
    # Enough reviews, too few held-out items to judge by
    assert fit_reviews(logged, lambda at: at.date(), DEFAULTS, FitRules(min_held_out_items=19)) is None


def test_no_fit_when_none_is_due_nor_for_an_unknown_or_erased_learner():
    repository, _ = practised(8)  # fewer than 400 reviews: not due
    writes = repository.writes
    assert optimize_learner(repository, "ana", now=START, policy=FitPolicy(), rules=RULES) is None
    assert optimize_learner(repository, "nobody", now=START, policy=FitPolicy(), rules=RULES) is None
    repository.mark_deleting("ana", START, max_requests=5)
    assert optimize_learner(repository, "ana", now=START, policy=FitPolicy(), rules=RULES, force=True) is None
    assert repository.writes == writes + 1  # only the tombstone


def test_a_fit_is_recorded_on_the_profile_as_it_is_when_the_learner_practised_meanwhile():
    repository, _ = practised(45)
    profile = repository.get_profile("ana")
    assert profile is not None
    moved = profile.model_copy(update={"total_xp": profile.total_xp + 7})
    racing = Interleaved(repository).before("save_fit", lambda: repository.save_profile(moved))
    outcome = optimize_learner(racing, "ana", now=START, policy=FitPolicy(), rules=RULES)  # type: ignore[arg-type]
    assert outcome is not None
    after = repository.get_profile("ana")
    assert after is not None
    assert after.total_xp == profile.total_xp + 7  # the racing write kept
    assert after.fit_checked_at == profile.reviews_logged and after.fit_due_since is None


def test_a_fit_that_keeps_meeting_other_writes_fails_for_the_queue_to_retry():
    repository, _ = practised(45)
    racing = Interleaved(repository).before("save_fit", *[conflict] * 5)
    with pytest.raises(ConcurrentUpdate):
        optimize_learner(racing, "ana", now=START, policy=FitPolicy(), rules=RULES)  # type: ignore[arg-type]


# -- scheduling with the learner's parameters -----------------------------------------------


@pytest.mark.parametrize("user", ["2", "14", "31"])
def test_a_review_is_scheduled_with_the_learners_parameters_as_fsrs_computes_it(user: str):
    parameters = clip(REAL_USERS[user])
    at = datetime(2026, 4, 1, 9, tzinfo=UTC)
    card = CardState(
        course_id="es-en",
        phrase_id="hola", state=State.Review.value, step=None, stability=6.0, difficulty=5.0,
        due=at, last_review=at - timedelta(days=6),
    )  # fmt: skip
    after = review(
        "hola", card, ApiRating.GOOD, at, course_id="es-en", desired_retention=0.9, parameters=parameters
    )
    expected, _ = Scheduler(parameters=parameters, enable_fuzzing=False).review_card(
        Card(
            card_id=0, state=State.Review, stability=6.0, difficulty=5.0, due=at, last_review=card.last_review
        ),
        FsrsRating.Good,
        review_datetime=at,
    )
    assert (after.due, after.stability, after.difficulty) == (
        expected.due,
        expected.stability,
        expected.difficulty,
    )
    default = review("hola", card, ApiRating.GOOD, at, course_id="es-en", desired_retention=0.9)
    assert default.due != after.due


def test_a_completion_schedules_with_the_fitted_parameters():
    repository, _ = practised(90)
    optimize_learner(repository, "ana", now=START, policy=FitPolicy(), rules=RULES)
    profile = repository.get_profile("ana")
    assert profile is not None and profile.fsrs is not None
    clock, requests = SimClock(START + timedelta(days=90)), RecordingQueue()
    services = services_on(repository, clock, fits=requests)
    before = dict(repository.cards)
    SimulatedLearner(services.sessions, clock, "ana", REAL_USERS["14"], seed=3).practise(90)
    [session] = [
        s
        for (uid, _), s in repository.sessions.items()
        if uid == "ana" and s.ended_at and s.ended_at > START + timedelta(days=90)
    ]
    entry = session.reviews[0]
    card = before[("ana", f"es-en#{entry.phrase_id}")]
    expected = review(
        entry.phrase_id, card, entry.rating, entry.reviewed_at, course_id="es-en",
        desired_retention=profile.desired_retention, parameters=profile.fsrs.parameters,
    )  # fmt: skip
    assert entry.after.due == expected.due and entry.after.stability == expected.stability
