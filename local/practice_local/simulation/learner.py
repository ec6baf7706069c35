"""A simulated learner for `make optimize` and `make bench-srs`: their memory follows known FSRS-6
parameters (the ground truth), and they practise through the project's own session service. Each
answer is drawn from the ground truth: a card is recalled with the probability its true memory
gives at that moment (then hard, good or easy), else again."""

import json
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler

from practice.account.queue import ErasureRequest
from practice.compose import ApiStores, build_api
from practice.domain.learner import PracticeReport, Review
from practice.domain.learner import Rating as ApiRating
from practice.fitting.queue import FitRequest
from practice.runtime.settings import Settings
from practice.sessions.service import SessionService
from practice_local.cloud.moto_transactions import cheap_transaction_backups
from practice_local.cloud.template import REPO_ROOT

FIRST_RATING = (0.25, 0.10, 0.55, 0.10)  # again, hard, good, easy: a phrase seen for the first time
RECALLED_RATING = (0.15, 0.75, 0.10)  # hard, good, easy, once recalled
API_RATING = {1: ApiRating.AGAIN, 2: ApiRating.HARD, 3: ApiRating.GOOD, 4: ApiRating.EASY}
START = datetime(2026, 1, 5, tzinfo=UTC)
LEARNING_STEPS = 2  # times a session shows a failed phrase again, at most
REAL_USER = "1"  # whose parameters of bench/srs/real_parameters.json `practise_simulated` learners have


class SimClock:
    """The service's clock, which the simulation moves."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Requests:
    """A queue as a simulation sees it (the optimizer's, the erasures'): the requests made."""

    def __init__(self) -> None:
        self.pending: list[object] = []

    def request(self, message: FitRequest | ErasureRequest) -> None:
        self.pending.append(message)


class SimulatedLearner:
    def __init__(
        self,
        service: SessionService,
        clock: SimClock,
        user_id: str,
        truth: Sequence[float],
        seed: int,
        *,
        learning_steps: int = LEARNING_STEPS,
    ) -> None:
        self._service = service
        self._learning_steps = learning_steps
        self._clock = clock
        self.user_id = user_id
        self._truth = Scheduler(parameters=tuple(truth), enable_fuzzing=False)
        self._memory: dict[str, Card] = {}  # the true memory of each phrase seen
        self._rng = random.Random(seed)  # noqa: S311 - a simulation, not secrets

    def practise(self, day: int, sessions: int = 1, *, until_done: int = 0) -> int:
        """Practise on simulated day `day` (from START, between 08:00 and 20:00 UTC): `sessions`
        daily packs, each answered and completed, then more (at most `until_done` in all) while
        a pack still serves reviews: a learner who clears what is due. The reviews made."""
        self._clock.now = START + timedelta(days=day, hours=self._rng.uniform(8, 20))
        made = 0
        for number in range(max(sessions, until_done)):
            started = self._service.start_daily_session(self.user_id)
            if number >= sessions and not started.pack.review:
                break  # nothing left to review today (the session stays open, as an app's would)
            reviews = self._answer_pack([p.phrase_id for p in (*started.pack.review, *started.pack.new)])
            if reviews and (last := reviews[-1].reviewed_at) is not None:
                self._clock.now = last + timedelta(seconds=30)
            report = PracticeReport(reviews=tuple(reviews))
            self._service.complete_session(self.user_id, started.session.session_id, report)
            self._clock.now += timedelta(minutes=30)
            made += len(reviews)
        return made

    def _answer_pack(self, phrase_ids: list[str]) -> list[Review]:
        """Each phrase in turn; one failed comes back after the others (a learning step, a minute
        or more later), until recalled or seen `learning_steps` more times, as an app's session
        repeats what the learner missed."""
        at, reviews = self._clock.now, []
        queue = [(pid, 0, at) for pid in phrase_ids]  # (phrase, times repeated, not before)
        while queue:
            phrase_id, repeats, not_before = queue.pop(0)
            at = max(at + timedelta(seconds=self._rng.uniform(4, 20)), not_before)
            rating = self._answer(phrase_id, at)
            reviews.append(Review(phrase_id=phrase_id, rating=API_RATING[rating], reviewed_at=at))
            if rating == 1 and repeats < self._learning_steps:
                queue.append((phrase_id, repeats + 1, at + timedelta(minutes=1)))
        return reviews

    def _answer(self, phrase_id: str, at: datetime) -> int:
        card = self._memory.get(phrase_id)
        if card is None:
            rating = self._rng.choices((1, 2, 3, 4), FIRST_RATING)[0]
            card = Card(card_id=len(self._memory) + 1, due=at)
        elif self._rng.random() < self._truth.get_card_retrievability(card, at):
            rating = self._rng.choices((2, 3, 4), RECALLED_RATING)[0]
        else:
            rating = 1
        self._memory[phrase_id], _ = self._truth.review_card(card, Rating(rating), at)
        return rating


def practise_simulated(stores: ApiStores, user_id: str, days: int) -> int:
    """`user_id` practises `days` simulated days (from START) through the session service on
    `stores`, in the environment the local stack set; the reviews they made."""
    clock = SimClock()
    services = build_api(Settings(), stores, erasures=Requests(), fits=Requests(), clock=clock)
    users = json.loads((REPO_ROOT / "bench" / "srs" / "real_parameters.json").read_text())["users"]
    learner = SimulatedLearner(services.sessions, clock, user_id, users[REAL_USER], seed=7)
    reviews = 0
    # moto deep-copies a table per transaction: with weeks of a learner in it, a completion took
    # longer than the client's read timeout. Nothing fails here (one learner, one request at a
    # time), so the cheap backups' rollback is never needed.
    with cheap_transaction_backups():
        for day in range(days):
            reviews += learner.practise(day)
            if (day + 1) % 30 == 0:
                print(f"{user_id}, day {day + 1}: {reviews} reviews", file=sys.stderr, flush=True)
    return reviews
