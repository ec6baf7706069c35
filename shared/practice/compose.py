"""The one composition root: every function's services, built from its settings. The functions
and the local tools call it with the real DynamoDB and SQS; tests call `build_api` with in-memory
stores and queues (tests/fakes/), as cosmicpython's bootstrap does."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from practice.account.queue import ErasureQueue, SqsErasureQueue
from practice.account.service import AccountLimits, AccountService
from practice.account.store import AccountStore, ErasureStore
from practice.courses.audio import AudioLinks, NoAudio, PresignedAudio
from practice.courses.service import CourseCatalog, CourseService
from practice.courses.store import CourseStore
from practice.domain.completion import TimeRules
from practice.domain.learner import LearnerSettings
from practice.domain.packs import PackLimits
from practice.dynamodb.account import DynamoAccountStore, DynamoErasureStore
from practice.dynamodb.courses import DynamoCourseStore
from practice.dynamodb.fitting import DynamoFitStore
from practice.dynamodb.phrasebook import DynamoPhrasebookStore
from practice.dynamodb.profile import DynamoProfileStore
from practice.dynamodb.progress import DynamoProgressStore
from practice.dynamodb.reminders import DynamoReminderStore
from practice.dynamodb.sessions import DynamoSessionStore
from practice.dynamodb.table import Table
from practice.dynamodb.workload import DynamoWorkloadStore
from practice.fitting.queue import FitQueue, SqsFitQueue
from practice.fitting.service import FitRequests
from practice.fitting.store import FitStore
from practice.phrasebook.service import PhrasebookService
from practice.phrasebook.store import PhrasebookStore
from practice.profile.service import NewProfiles, ProfileService
from practice.profile.store import ProfileStore
from practice.progress.service import ProgressService
from practice.progress.store import ProgressStore
from practice.reminders.push import NoPush, PushChannel, SnsPush
from practice.reminders.service import DeviceService, ReminderSender
from practice.reminders.store import ReminderStore
from practice.runtime.clients import aws_credentials, dynamodb_client, sns_client, sqs_client
from practice.runtime.clock import Clock, utc_now
from practice.runtime.cursors import CursorSeal, Listing
from practice.runtime.retry import Pause
from practice.runtime.settings import PushSettings, ReminderSettings, Settings
from practice.sessions.service import SessionRules, SessionService
from practice.sessions.store import SessionStore
from practice.workload.service import WorkloadService
from practice.workload.store import WorkloadStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# What a page cursor is sealed for: a cursor of one listing is refused by the others
SESSIONS_LISTING, EXPORT_LISTING, PHRASEBOOK_LISTING = "sessions", "export", "phrasebook"
PHRASEBOOK_SYNC = "phrasebook-sync"  # the phrasebook's sync tokens


@dataclass(frozen=True, slots=True)
class ApiStores:
    """The API's persistence: one store per feature Protocol."""

    sessions: SessionStore
    profile: ProfileStore
    progress: ProgressStore
    account: AccountStore
    courses: CourseStore
    workload: WorkloadStore
    phrasebook: PhrasebookStore
    reminders: ReminderStore


@dataclass(frozen=True, slots=True)
class ApiServices:
    """The API's use cases, a service per feature."""

    sessions: SessionService
    profile: ProfileService
    progress: ProgressService
    account: AccountService
    courses: CourseService
    audio: AudioLinks
    workload: WorkloadService
    phrasebook: PhrasebookService
    devices: DeviceService


def build_api(
    settings: Settings,
    stores: ApiStores,
    *,
    erasures: ErasureQueue,
    fits: FitQueue | None,
    push: PushChannel | None = None,
    clock: Clock = utc_now,
    pause: Pause = time.sleep,
) -> ApiServices:
    """The API's services on `stores`; `fits` None leaves fits due to the optimizer's sweep, and
    `push` None keeps devices without pushing to them."""
    profiles = NewProfiles(settings.profile_defaults, settings.default_course_id)
    seal = CursorSeal(settings.cursor_key.get_secret_value().encode())
    catalog = CourseCatalog(stores.courses, settings.course_cache_seconds)
    sessions = SessionService(
        stores.sessions,
        catalog,
        profiles,
        session_rules(settings),
        fits=FitRequests(settings.fit_policy, fits),
        history=Listing(seal, SESSIONS_LISTING),
        clock=clock,
        pause=pause,
    )
    return ApiServices(
        sessions=sessions,
        profile=ProfileService(stores.profile, profiles, catalog, clock, pause),
        courses=CourseService(stores.courses, catalog, profiles),
        audio=audio_links(settings),
        progress=ProgressService(stores.progress, profiles, clock),
        workload=WorkloadService(stores.workload, profiles, clock),
        phrasebook=PhrasebookService(
            stores.phrasebook,
            catalog,
            profiles,
            pages=Listing(seal, PHRASEBOOK_LISTING),
            tokens=Listing(seal, PHRASEBOOK_SYNC),
            clock=clock,
        ),
        account=AccountService(
            stores.account,
            erasures,
            Listing(seal, EXPORT_LISTING),
            clock,
            AccountLimits(
                page_bytes=settings.export_page_bytes,
                exports_per_hour=settings.exports_per_hour,
                erasure_requests=settings.erasure_requests_per_tombstone,
            ),
        ),
        devices=DeviceService(stores.reminders, push or NoPush(), profiles, clock, pause),
    )


def audio_links(settings: Settings) -> AudioLinks:
    """Presigned links to the audio bucket's recordings; none when the stack has no bucket."""
    if not settings.audio_bucket:
        return NoAudio()
    return PresignedAudio(
        settings.audio_bucket,
        settings.aws_region,
        settings.audio_url_seconds,
        aws_credentials,
        endpoint_url=settings.aws_endpoint_url_s3,
    )


def session_rules(settings: Settings) -> SessionRules:
    window = timedelta(hours=settings.completion_window_hours)
    return SessionRules(
        pack=PackLimits(
            max_learning=settings.max_learning_per_pack, max_reviews=settings.max_reviews_per_pack
        ),
        times=TimeRules(
            max_duration=timedelta(seconds=settings.max_session_duration_seconds),
            clock_skew=timedelta(seconds=settings.clock_skew_seconds),
            max_reviews_per_phrase=settings.max_reviews_per_phrase,
            max_reviews=settings.max_reviews_per_completion,
        ),
        due_candidates=settings.due_candidates,
        spread=settings.review_spread,
        completion_window=window,
        kept_open=window + timedelta(days=settings.abandoned_session_days),
        starts_per_day=settings.session_starts_per_day,
    )


def api_services(
    settings: Settings,
    client: "DynamoDBClient | None" = None,
    clock: Clock = utc_now,
    request_id: Callable[[], str | None] = lambda: None,
) -> ApiServices:
    """The API function's services: DynamoDB on `client` (one made as the function makes it when
    None), the erasure and optimizer queues on SQS (their messages carry `request_id()`)."""
    stores = dynamodb_stores(client or dynamodb_client(), settings.table_name)
    erasures = SqsErasureQueue(settings.erasure_queue_url, sqs_client, request_id)
    fits = SqsFitQueue(settings.fit_queue_url, sqs_client, request_id) if settings.fit_queue_url else None
    return build_api(settings, stores, erasures=erasures, fits=fits, push=sns_push(settings), clock=clock)


def sns_push(settings: PushSettings) -> SnsPush:
    """Mobile push through the stack's SNS platform applications (its client made on first use)."""
    return SnsPush(settings.push_applications, sns_client)


def dynamodb_stores(client: "DynamoDBClient", table_name: str) -> ApiStores:
    """The API's stores on the practice table (also what the local tools load and read with)."""
    table = Table(client, table_name)
    return ApiStores(
        sessions=DynamoSessionStore(table),
        profile=DynamoProfileStore(table),
        progress=DynamoProgressStore(table),
        account=DynamoAccountStore(table),
        courses=DynamoCourseStore(table),
        workload=DynamoWorkloadStore(table),
        phrasebook=DynamoPhrasebookStore(table),
        reminders=DynamoReminderStore(table),
    )


def erasure_store(client: "DynamoDBClient", table_name: str) -> ErasureStore:
    """The account worker's store."""
    return DynamoErasureStore(Table(client, table_name))


def fit_store(client: "DynamoDBClient", table_name: str) -> FitStore:
    """The optimizer's and its sweep's store."""
    return DynamoFitStore(Table(client, table_name))


def reminder_sender(
    store: ReminderStore,
    push: PushChannel,
    *,
    workers: int = 8,
    clock: Clock = utc_now,
    pause: Pause = time.sleep,
) -> ReminderSender:
    """The reminder sender's service; the sender never creates a profile, so its device service
    needs no defaults."""
    devices = DeviceService(store, push, NewProfiles(LearnerSettings(), ""), clock, pause)
    return ReminderSender(store, push, devices, clock, pause, workers)


def reminder_store(client: "DynamoDBClient", table_name: str) -> ReminderStore:
    """The reminder sender's store."""
    return DynamoReminderStore(Table(client, table_name))


def reminders_function(settings: ReminderSettings, client: "DynamoDBClient") -> ReminderSender:
    """The reminder sender function's service: the table, SNS mobile push."""
    return reminder_sender(
        reminder_store(client, settings.table_name), sns_push(settings), workers=settings.reminder_workers
    )
