"""Runtime settings, read once from the environment and validated at cold start."""

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from practice.domain.fit_policy import FitPolicy
from practice.domain.learner import LearnerSettings
from practice.domain.limits import (
    DAILY_GOAL_XP_CHOICES,
    EXPORT_PAGE_BYTES,
    MAX_PHRASES_PER_PACK,
    MAX_REVIEWS_PER_COMPLETION,
    MAX_REVIEWS_PER_PHRASE,
)
from practice.domain.reminders import Platform
from practice.domain.workload import SpreadMode
from practice.runtime.budget import DynamoTimeouts


class StoreSettings(BaseSettings):
    """What every function needs to reach the practice table (environment variables: the field
    names, upper-cased)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    table_name: str = Field(min_length=3)
    # Per DynamoDB attempt; the invocation's time budget bounds them all (practice/runtime/budget.py).
    dynamodb_connect_timeout_seconds: float = Field(1.0, gt=0, le=10)
    dynamodb_read_timeout_seconds: float = Field(2.0, gt=0, le=10)
    dynamodb_max_attempts: int = Field(3, ge=1, le=10)

    @property
    def dynamodb_timeouts(self) -> DynamoTimeouts:
        return DynamoTimeouts(
            self.dynamodb_connect_timeout_seconds,
            self.dynamodb_read_timeout_seconds,
            self.dynamodb_max_attempts,
        )


class PushSettings(BaseSettings):
    """The SNS platform applications that reminders are pushed through (ARNs; empty: push is off
    for that platform, devices are kept and nothing is sent)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    apns_platform_application_arn: str = ""
    fcm_platform_application_arn: str = ""

    @property
    def push_applications(self) -> dict[Platform, str]:
        return {
            Platform.IOS: self.apns_platform_application_arn,
            Platform.ANDROID: self.fcm_platform_application_arn,
        }


class ReminderSettings(StoreSettings, PushSettings):
    """The reminder sender's environment: learners reminded at once, and when to stop starting
    pages before the invocation's timeout (the next window's run goes on)."""

    reminder_workers: int = Field(8, ge=1, le=64)
    reminder_stop_seconds: float = Field(30.0, ge=1)


class WorkerSettings(StoreSettings, PushSettings):
    """The account worker's environment: the table, and when to hand a long erasure back to SQS."""

    # Stop starting pages this long before the invocation's timeout: the message comes back and
    # the next attempt goes on where this one stopped (what is deleted stays deleted).
    erasure_stop_seconds: float = Field(20.0, ge=1)


class ErasureSweepSettings(StoreSettings):
    """The erasure sweep's environment (account_worker/sweep.py): tombstones older than the grace
    have lost their message (the worker erases a learner within a minute or two) and are queued
    again; it stops starting pages this long before its timeout (the next run goes on)."""

    erasure_queue_url: str = Field(min_length=8)
    erasure_sweep_grace_minutes: float = Field(15.0, ge=0)
    erasure_sweep_stop_seconds: float = Field(30.0, ge=1)


class FitSettings(StoreSettings):
    """When a learner's FSRS parameters are fitted (practice/fitting.py): a first fit once this
    many reviews are logged, then one each `fit_every_reviews` more."""

    fit_first_reviews: int = Field(400, ge=1)
    fit_every_reviews: int = Field(500, ge=1)

    @property
    def fit_policy(self) -> FitPolicy:
        return FitPolicy(self.fit_first_reviews, self.fit_every_reviews)


class OptimizerSettings(FitSettings):
    """The optimizer function's and its daily sweep's environment."""

    fit_queue_url: str = Field(min_length=8)  # where the sweep queues the learners it finds
    # The sweep queues learners marked due longer ago than this (the others' requests are in
    # flight), and stops starting pages this long before its timeout (the next day goes on).
    fit_sweep_grace_hours: float = Field(6.0, ge=0)
    fit_sweep_stop_seconds: float = Field(30.0, ge=1)
    # A candidate learns from the earlier 80 % of a learner's items and is judged on the latest
    # 20 %; a log of fewer reviews, or fewer items to judge by, keeps the parameters in use.
    fit_held_out_share: float = Field(0.2, gt=0, lt=1)
    fit_min_reviews: int = Field(400, ge=1)
    fit_min_held_out_items: int = Field(8, ge=1)


class Settings(FitSettings, PushSettings):
    """Environment variables of the API function."""

    idempotency_table_name: str = Field(min_length=3)
    # Where DELETE /profile asks the account worker to erase a learner (practice/erasure.py).
    erasure_queue_url: str = Field(min_length=8)
    # Honour the design note's `?user_id=` instead of a JWT. The template never sets it.
    local_mode: bool = False
    # Seals page cursors (practice/runtime/cursors.py): the template resolves it from Secrets Manager at
    # deploy time; locally each process makes its own.
    cursor_key: SecretStr = Field(min_length=32)

    default_course_id: str = "es-en"
    # A new learner's settings (LearnerSettings' fields and bounds; PROFILE_DEFAULTS as JSON)
    profile_defaults: LearnerSettings = LearnerSettings()
    # A pack: due (re)learning cards (outside the review limit), reviews, then new phrases in
    # what room is left of MAX_PHRASES_PER_PACK. Each due queue is read with `due_candidates`
    # as its limit, which leaves room to skip cards whose phrase left the course.
    max_learning_per_pack: int = Field(30, ge=1, le=MAX_PHRASES_PER_PACK // 2)
    max_reviews_per_pack: int = Field(30, ge=1, le=MAX_PHRASES_PER_PACK // 2)
    # 50: room to skip 20 such cards a pack, at half the parsing of 100 (botocore's share of
    # GET /daily grows with every item read; docs/decisions.md has the numbers).
    due_candidates: int = Field(50, ge=1, le=1000)
    # How review intervals are spread over days (domain/workload.py): off, fuzz, or balance.
    review_spread: SpreadMode = SpreadMode.BALANCE

    idempotency_ttl_seconds: int = Field(24 * 3600, ge=60)
    max_session_duration_seconds: int = Field(2 * 3600, ge=60)
    completion_window_hours: int = Field(48, ge=1)
    # An open session no one can complete any more is kept this long past the window, then
    # DynamoDB's TTL deletes it; completed sessions are history and never expire.
    abandoned_session_days: int = Field(7, ge=1)
    course_cache_seconds: int = Field(300, ge=0)
    # An export page ends once its items' stored JSON reaches this (plus one item of at most
    # DynamoDB's 400 KB), so a response stays far below Lambda's 6 MB.
    export_page_bytes: int = Field(EXPORT_PAGE_BYTES, ge=1024, le=4 * 1024 * 1024)

    # Where a completion asks for a fit of the learner's FSRS parameters (None: the optimizer's
    # daily sweep finds the learners due).
    fit_queue_url: str | None = Field(None, min_length=8)

    # Recordings (courses/audio.py): the bucket (empty: packs carry no audio_url), how long a
    # link plays, and the S3 endpoint of a local emulator (empty: AWS's own, by region).
    audio_bucket: str = ""
    audio_url_seconds: int = Field(4 * 3600, ge=3600, le=7 * 24 * 3600)
    aws_endpoint_url_s3: str = ""
    aws_region: str = "us-east-1"

    # The oldest app version served (X-App-Version, dotted numbers; empty: all): older apps get
    # 426 (practice_api/http/gate.py).
    min_app_version: str = Field("", pattern=r"^(\d{1,6}(\.\d{1,6}){0,3})?$")

    # Per-learner quotas (docs/quotas.md): far above a real learner's day, low enough that one
    # client in a loop cannot fill its partition or the table's capacity.
    session_starts_per_day: int = Field(100, ge=1, le=10_000)
    exports_per_hour: int = Field(10, ge=1, le=1000)
    erasure_requests_per_tombstone: int = Field(5, ge=1, le=1000)

    # Review events (practice/domain/completion.py): how many, and how far a phone's clock is trusted.
    max_reviews_per_completion: int = Field(300, ge=1, le=MAX_REVIEWS_PER_COMPLETION)
    max_reviews_per_phrase: int = Field(MAX_REVIEWS_PER_PHRASE, ge=1, le=MAX_REVIEWS_PER_PHRASE)
    clock_skew_seconds: int = Field(300, ge=0, le=3600)

    @model_validator(mode="after")
    def _goal_is_a_choice(self) -> Self:
        if self.profile_defaults.daily_goal_xp not in DAILY_GOAL_XP_CHOICES:
            raise ValueError(f"profile_defaults.daily_goal_xp must be one of {DAILY_GOAL_XP_CHOICES}")
        return self

    @model_validator(mode="after")
    def _queues_read_enough(self) -> Self:
        if self.due_candidates < max(self.max_learning_per_pack, self.max_reviews_per_pack):
            raise ValueError("due_candidates must be at least max_learning_per_pack and max_reviews_per_pack")
        return self
