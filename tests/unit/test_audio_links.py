"""Links to recordings: presigned S3 GETs signed locally, kept by a warm container for a third of
their life, and put fresh on every pack (a replayed one too)."""

from urllib.parse import parse_qs, urlsplit

from botocore.credentials import Credentials

from practice.courses.audio import NoAudio, PresignedAudio
from practice_api.sessions.models import (
    DialogItem,
    DialogLineItem,
    DrillItem,
    PhraseItem,
    PracticePackResponse,
)
from practice_api.sessions.presenters import with_audio_links

KEY = "audio/fr-en/bonjour.mp3"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def links(clock: Clock, credentials: list[Credentials], endpoint_url: str = "") -> PresignedAudio:
    return PresignedAudio(
        "practice-audio",
        "eu-west-1",
        4 * 3600,
        lambda: credentials[0],
        endpoint_url=endpoint_url,
        clock=clock,
    )


def test_a_link_is_a_presigned_get_of_the_key_in_the_private_bucket():
    url = urlsplit(links(Clock(), [Credentials("AKIAEXAMPLE", "secret", "token")]).url(KEY))
    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "practice-audio.s3.eu-west-1.amazonaws.com",
        "/" + KEY,
    )
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["14400"]
    assert query["X-Amz-Credential"][0].startswith("AKIAEXAMPLE/") and query["X-Amz-Credential"][0].endswith(
        "/eu-west-1/s3/aws4_request"
    )
    assert query["X-Amz-Security-Token"] == ["token"] and len(query["X-Amz-Signature"][0]) == 64


def test_an_emulator_is_addressed_path_style():
    url = links(Clock(), [Credentials("local", "local")], "http://127.0.0.1:5000/").url(KEY)
    assert url.startswith(f"http://127.0.0.1:5000/practice-audio/{KEY}?X-Amz-Algorithm=AWS4-HMAC-SHA256&")


def test_a_link_is_kept_for_a_third_of_its_life_then_signed_again():
    clock, credentials = Clock(), [Credentials("AKIAEXAMPLE", "secret")]
    audio = links(clock, credentials)
    first = audio.url(KEY)
    clock.now += 3600  # within 4 h / 3
    assert audio.url(KEY) is first
    clock.now += 1200  # past it: a fresh link, which is signed anew
    assert audio.url(KEY) is not first


def test_new_credentials_sign_new_links_at_once():
    clock, credentials = Clock(), [Credentials("AKIAFIRST", "secret")]
    audio = links(clock, credentials)
    audio.url(KEY)
    credentials[0] = Credentials("AKIASECOND", "other")  # rotated (a SnapStart restore, a refresh)
    assert "AKIASECOND" in audio.url(KEY)


def test_without_a_bucket_there_is_no_link():
    assert NoAudio().url(KEY) is None


def phrase(phrase_id: str, url: str | None) -> PhraseItem:
    key = f"audio/fr-en/{phrase_id}.mp3"
    return PhraseItem(
        phrase_id=phrase_id, text="x", translation="x", pronunciation="x", audio_key=key, audio_url=url,
        topic="greetings", tags=[],
    )  # fmt: skip


def test_every_recording_of_a_pack_replayed_from_the_idempotency_store_gets_a_fresh_link():
    stale = "https://old.example/expired"
    line = DialogLineItem(
        speaker="A",
        phrase_id="salut",
        text="x",
        translation="x",
        audio_key="audio/fr-en/salut.mp3",
        audio_url=stale,
    )
    stored = PracticePackResponse(
        pack_id="daily_2026-12-04", session_id="01J", course_id="fr-en", started_at="2026-12-04T08:00:00Z",
        review_phrases=[phrase("bonjour", stale)], new_phrases=[phrase("merci", stale)],
        dialog=DialogItem(dialog_id="d1", title="t", topic="greetings", lines=[line]),
        pronunciation_drill=DrillItem(
            drill_id="r1", title="t", focus="r", tip="t", phrases=[phrase("au-revoir", stale)]
        ),
    )  # fmt: skip
    fresh = with_audio_links(stored, links(Clock(), [Credentials("AKIAEXAMPLE", "secret")]))
    items = [
        *fresh.review_phrases,
        *fresh.new_phrases,
        *fresh.dialog.lines,
        *fresh.pronunciation_drill.phrases,
    ]
    assert [urlsplit(item.audio_url).path for item in items] == [
        "/audio/fr-en/bonjour.mp3",
        "/audio/fr-en/merci.mp3",
        "/audio/fr-en/salut.mp3",
        "/audio/fr-en/au-revoir.mp3",
    ]
    assert fresh.model_dump(exclude={"review_phrases", "new_phrases", "dialog", "pronunciation_drill"}) == (
        stored.model_dump(exclude={"review_phrases", "new_phrases", "dialog", "pronunciation_drill"})
    )
