"""Fitting one learner: read their review log page by page, judge a fit (optimizer/model.py), and
record it on the profile, conditioned on the version read."""

import time
from dataclasses import dataclass
from datetime import datetime

from optimizer.model import DEFAULTS, FitRules, Judgement, fit_reviews
from practice.domain.fit_policy import FitPolicy
from practice.domain.learner import PersonalParameters, Profile
from practice.domain.learner_day import learner_day
from practice.errors import ConcurrentUpdate
from practice.fitting.store import FitStore, LoggedReview
from practice.profile.service import visible_profile

SAVE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class FitOutcome:
    user_id: str
    reviews: int  # in the log the fit read
    judgement: Judgement | None  # None: too few items to fit
    seconds: float  # reading and fitting

    @property
    def adopted(self) -> bool:
        return self.judgement is not None and self.judgement.adopted


def read_review_log(store: FitStore, user_id: str) -> list[LoggedReview]:
    reviews, position = store.review_log(user_id, None)
    while position is not None:
        page, position = store.review_log(user_id, position)
        reviews += page
    return reviews


def optimize_learner(
    store: FitStore,
    user_id: str,
    *,
    now: datetime,
    policy: FitPolicy,
    rules: FitRules,
    force: bool = False,
) -> FitOutcome | None:
    """Fit the learner when a fit is due (or `force`), record it (adopted or not); None when
    there is nothing to do: no such learner, one being erased, or no fit due (a duplicate or
    late request)."""
    profile = visible_profile(store, user_id)
    if profile is None or not (force or policy.is_due(profile)):
        return None
    started = time.perf_counter()
    reviews = read_review_log(store, user_id)
    zone, hour = profile.zone, profile.day_start_hour
    in_use = profile.fsrs_parameters or DEFAULTS
    judgement = fit_reviews(reviews, lambda at: learner_day(at, zone, hour), in_use, rules)
    outcome = FitOutcome(user_id, len(reviews), judgement, time.perf_counter() - started)
    fit = None
    if judgement is not None and judgement.adopted:
        fit = PersonalParameters(
            parameters=judgement.parameters,
            fitted_at=now,
            reviews=len(reviews),
            log_loss_before=judgement.log_loss_before,
            log_loss_after=judgement.log_loss_after,
        )
    _save(store, profile, fit)
    return outcome


def _save(store: FitStore, profile: Profile, fit: PersonalParameters | None) -> None:
    """Record the fit on the profile (None: not adopted, the parameters stay). When the learner
    practised meanwhile, on the profile as it is now: the fit stays valid, and their new reviews
    count toward the next one."""
    checked_at = profile.reviews_logged
    for _ in range(SAVE_ATTEMPTS):
        try:
            store.save_fit(profile.user_id, profile.version, checked_at, fit)
            return
        except ConcurrentUpdate:
            current = visible_profile(store, profile.user_id)
            if current is None or current.fit_checked_at >= checked_at > 0:
                return  # erased meanwhile, or another delivery of the request recorded it
            profile = current
    raise ConcurrentUpdate("the profile kept changing; the fit is retried with the message")
