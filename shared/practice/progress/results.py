"""What the progress feature answers with."""

from dataclasses import dataclass

from practice.domain.ledger import Ledger
from practice.profile.results import ProfileStatus


@dataclass(frozen=True, slots=True)
class LearnerStats:
    """Where the learner stands now, and their ledger over a range of days."""

    status: ProfileStatus
    ledger: Ledger
