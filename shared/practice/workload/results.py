"""What the workload feature answers with."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Forecast:
    """Cards of the learner's active course due on each of the coming learner days (today
    first), and those due before today and not reviewed yet."""

    course_id: str
    today: date
    overdue: int
    days: tuple[tuple[date, int], ...]
