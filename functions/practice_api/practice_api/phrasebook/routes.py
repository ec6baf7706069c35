"""Routes of the learner's phrasebook: the phrases they have met and how well they know each,
in pages, and what changed since the app's last sync."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from practice.domain.limits import PHRASEBOOK_PAGE_DEFAULT, PHRASEBOOK_PAGE_MAX
from practice.domain.phrasebook import PhraseFilter, PhraseState
from practice.errors import SyncQueryConflict
from practice_api.dependencies import Learner, Services
from practice_api.http.conditional import conditional
from practice_api.http.fields import CursorText, Omittable
from practice_api.http.methods import refuse_other_methods
from practice_api.http.openapi import conditional_responses
from practice_api.phrasebook.models import PhrasebookPageResponse
from practice_api.phrasebook.presenters import phrasebook_response
from practice_api.profile.models import CourseId

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
PHRASES = "/api/v2/practice/phrases"

PageSize = Annotated[int, Query(ge=1, le=PHRASEBOOK_PAGE_MAX, description="Phrases per page at most.")]
Course = Annotated[CourseId | Omittable, Query(description="A course (default: the active one).")]
Cursor = Annotated[CursorText | Omittable, Query(description="`next_cursor` of the page before (opaque).")]
Since = Annotated[
    CursorText | Omittable, Query(description="A `sync_token` given before: answer only what changed since.")
]
State = Annotated[PhraseState | Omittable, Query(description="Only phrases in this state.")]
Leech = Annotated[bool | Omittable, Query(description="Only leeches (true) or only the others (false).")]


def _without_live_values(body: Any) -> object:
    """What the ETag covers: all but each phrase's strength now and its presigned link, which
    change by the minute while the phrasebook does not."""
    live = {"strength", "audio_url"}
    phrases = [{k: v for k, v in phrase.items() if k not in live} for phrase in body["phrases"]]
    return {**body, "phrases": phrases}


@router.get(
    PHRASES,
    responses=conditional_responses(PhrasebookPageResponse, "A page of the caller's phrasebook"),
    middlewares=[conditional(PHRASES, _without_live_values)],
)
def list_phrases(
    user_id: Learner,
    services: Services,
    *,
    course_id: Course = None,
    limit: PageSize = PHRASEBOOK_PAGE_DEFAULT,
    cursor: Cursor = None,
    since: Since = None,
    state: State = None,
    leech: Leech = None,
) -> PhrasebookPageResponse:
    """The phrases the caller has met in a course (default: the active one), in phrase id order,
    each with its state, strength now, due date, reps, lapses and leech flag; `state` and
    `leech` narrow the listing. Each page carries a `sync_token`: `?since=<sync_token>` answers
    only the phrases that changed after it and the ids of those removed, at a cost that follows
    the changes, not the phrasebook's size."""
    if since is None:
        only = PhraseFilter(state=state, leech=leech)
        page = services.phrasebook.listing(
            user_id, course_id=course_id, cursor=cursor, limit=limit, only=only
        )
    elif cursor is not None or course_id is not None or state is not None or leech is not None:
        raise SyncQueryConflict("`since` answers what changed in its own listing: send it with `limit` alone")
    else:
        page = services.phrasebook.changes(user_id, since, limit=limit)
    return phrasebook_response(page, services.audio)


refuse_other_methods(router, PHRASES, "GET")
