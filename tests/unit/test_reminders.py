"""The reminder rules (practice/domain/reminders.py) on plain profiles and a given clock."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from practice.domain.learner import Profile
from practice.domain.reminders import (
    WINDOW,
    Platform,
    ReminderChoice,
    ReminderKind,
    ReminderState,
    decide,
    device_id,
    ignored_in_a_row,
    language_of,
    message,
    next_reminder,
    reminder_on,
    usual_time,
)

MADRID = ZoneInfo("Europe/Madrid")


def learner(**fields: object) -> Profile:
    state = fields.pop("state", ReminderState(device_ids=("phone",)))
    return Profile.model_validate(
        {
            "user_id": "ana",
            "course_id": "es-en",
            "time_zone": "Europe/Madrid",
            "reminder_state": state,
            **fields,
        }
    )


def test_a_reminder_falls_on_the_learner_day_it_belongs_to_even_when_the_day_starts_after_it():
    # A day that starts at 10:00 holds 09:00 of the next date, not of its own
    late_start = learner(day_start_hour=10, reminders=ReminderChoice(time="09:00"))
    assert reminder_on(late_start, date(2026, 10, 20)) == datetime(2026, 10, 21, 9, tzinfo=MADRID)
    usual = learner(reminders=ReminderChoice(time="19:30"))
    assert reminder_on(usual, date(2026, 10, 20)) == datetime(2026, 10, 20, 19, 30, tzinfo=MADRID)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        ((), None),
        ((9 * 60 + 10,), time(9)),
        ((19 * 60 + 59, 19 * 60 + 2, 20 * 60 + 40), time(19, 45)),  # the median, to the quarter hour
        ((23 * 60 + 30,), time(21, 45)),  # never in quiet hours
        ((6 * 60,), time(8)),
    ],
)
def test_the_usual_practice_time_is_the_median_start_out_of_quiet_hours(minutes, expected):
    assert (
        usual_time(learner(state=ReminderState(device_ids=("phone",), practice_minutes=minutes))) == expected
    )


def test_a_chosen_time_in_quiet_hours_or_not_a_time_is_refused():
    for wrong in ("22:00", "07:59", "24:00", "9:00", "noon"):
        with pytest.raises(ValidationError):
            ReminderChoice(time=wrong)
    assert ReminderChoice(time="21:59").local_time == time(21, 59)


def test_no_reminder_is_planned_without_a_device_or_with_reminders_off():
    now = datetime(2026, 10, 20, 8, tzinfo=UTC)
    assert next_reminder(learner(state=ReminderState()), now) is None
    assert next_reminder(learner(reminders=ReminderChoice(enabled=False)), now) is None
    assert next_reminder(learner(), now) == datetime(2026, 10, 20, 19, tzinfo=MADRID)


def test_reminders_ignored_count_once_their_day_is_over_and_practice_ends_the_run():
    sent = ReminderState(device_ids=("phone",), last_day=date(2026, 10, 20), ignored=3)
    assert ignored_in_a_row(learner(state=sent), date(2026, 10, 20)) == 3  # its day is not over
    assert ignored_in_a_row(learner(state=sent), date(2026, 10, 21)) == 4
    back = learner(state=sent, last_practice_day=date(2026, 10, 20))
    assert ignored_in_a_row(back, date(2026, 10, 22)) == 0


def test_the_sender_finds_nothing_due_when_the_index_is_behind_the_profile():
    planned = datetime(2026, 10, 20, 19, tzinfo=MADRID)
    profile = learner(state=ReminderState(device_ids=("phone",), next_at=planned + timedelta(days=1)))
    decision = decide(profile, planned, planned + WINDOW)
    assert (decision.profile, decision.kind) == (profile, None)


def test_messages_are_in_the_devices_language_and_say_what_is_left():
    now = datetime(2026, 10, 20, 19, tzinfo=MADRID)
    halfway = learner(last_practice_day=date(2026, 10, 20), xp_on_last_day=12, daily_goal_xp=20)
    assert message(ReminderKind.PRACTICE, halfway, now, "en-GB").body.startswith("8 XP to go")
    assert message(ReminderKind.PRACTICE, halfway, now, "fr_CA").body.startswith("Encore 8 XP")
    assert message(ReminderKind.PRACTICE, learner(), now, "de-AT").title == "Zeit zum Üben"
    assert message(ReminderKind.PRACTICE, learner(), now, "ja-JP").language == "en"
    assert [language_of(locale) for locale in ("es", "ES-mx", "pt-BR")] == ["es", "es", "en"]


def test_a_device_id_says_nothing_of_its_token_and_is_the_same_for_the_same_token():
    first = device_id(Platform.IOS, "a" * 64)
    assert first == device_id(Platform.IOS, "a" * 64) != device_id(Platform.ANDROID, "a" * 64)
    assert len(first) == 24 and "a" * 8 not in first
