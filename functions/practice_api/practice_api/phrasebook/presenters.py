"""Domain objects to the phrasebook route's response bodies."""

from practice.courses.audio import AudioLinks
from practice.domain.phrasebook import PhraseEntry
from practice.phrasebook.results import PhrasebookPage
from practice_api.phrasebook.models import PhrasebookItem, PhrasebookPageResponse


def phrasebook_item(entry: PhraseEntry, audio: AudioLinks) -> PhrasebookItem:
    phrase, card = entry.phrase, entry.card
    return PhrasebookItem(
        **phrase.model_dump(exclude={"tags"}),
        tags=list(phrase.tags),
        audio_url=audio.url(phrase.audio_key),
        state=entry.state,
        strength=round(entry.strength, 4),
        stability_days=card.stability,
        due=card.due,
        reps=card.reps,
        lapses=card.lapses,
        last_reviewed=card.last_review,
        leech=entry.leech,
    )


def phrasebook_response(page: PhrasebookPage, audio: AudioLinks) -> PhrasebookPageResponse:
    return PhrasebookPageResponse(
        course_id=page.course_id,
        phrases=[phrasebook_item(entry, audio) for entry in page.entries],
        removed=list(page.removed),
        sync_token=page.sync_token,
        next_cursor=page.next_cursor,
        has_more=page.has_more,
        reset=page.reset,
    )
