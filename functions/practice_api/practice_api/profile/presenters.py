"""Domain objects to the profile routes' response bodies."""

from practice.domain.learner import SETTING_NAMES, Profile
from practice.domain.workload import DayLoad, Weekday
from practice.profile.results import ProfileStatus
from practice_api.profile.models import CourseProgressItem, ProfileResponse, SchedulingItem, TodayItem
from practice_api.reminders.presenters import reminders_item


def profile_response(status: ProfileStatus) -> ProfileResponse:
    profile = status.profile
    return ProfileResponse(
        user_id=profile.user_id,
        **profile.model_dump(include=set(SETTING_NAMES) - {"easy_days", "reminders"}),
        easy_days={weekday: profile.easy_days.get(weekday, DayLoad.NORMAL) for weekday in Weekday},
        reminders=reminders_item(profile),
        course_id=profile.course_id,
        streak=status.live_streak,
        best_streak=profile.best_streak,
        freezes_available=profile.freezes,
        last_practice_day=profile.last_practice_day,
        total_xp=profile.total_xp,
        phrases_introduced=profile.progress_in(profile.course_id).next_new_position,
        courses=[
            CourseProgressItem(
                course_id=course_id, phrases_introduced=profile.progress_in(course_id).next_new_position
            )
            for course_id in sorted({profile.course_id, *profile.courses})
        ],
        today=today_item(status),
        scheduling=scheduling_item(profile),
    )


def scheduling_item(profile: Profile) -> SchedulingItem:
    fit = profile.fsrs
    return SchedulingItem(
        parameters="personal" if fit else "default",
        reviews_logged=profile.reviews_logged,
        fsrs_parameters=list(fit.parameters) if fit else None,
        fitted_at=fit.fitted_at if fit else None,
        fitted_on_reviews=fit.reviews if fit else None,
        log_loss_before=fit.log_loss_before if fit else None,
        log_loss_after=fit.log_loss_after if fit else None,
    )


def today_item(status: ProfileStatus) -> TodayItem:
    goal = status.profile.daily_goal_xp
    return TodayItem(day=status.today, xp=status.xp_today, goal_xp=goal, goal_met=status.goal_met_today)
