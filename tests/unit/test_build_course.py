"""The course builder's reading of a dictd dictionary (what make build-courses turns into
translations and IPA), without the Debian packages: a dictionary made here, in dictd's format."""

import gzip
from pathlib import Path

import pytest

from practice_local.tools import build_course
from practice_local.tools.build_course import Entry, parse_entry, read_dictionary, slug

DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def dictd_number(value: int) -> str:
    text = ""
    while True:
        text = DIGITS[value % 64] + text
        value //= 64
        if value == 0:
            return text


def test_an_entry_has_its_ipa_part_of_speech_and_senses():
    entry = parse_entry("la /la/ <art>\n1. the\n2. it\n3. her\n")
    assert entry == Entry("la", "art", ("the", "it", "her"))
    assert entry.translation(lambda gloss: gloss) == "the; it"


def test_a_translation_keeps_two_senses_of_three_glosses_each_and_mends_lost_spaces():
    entry = parse_entry("de /de/\n1. from, of, off, out\n2. outof\n3. because of\n")
    mended = entry.translation(lambda gloss: gloss.replace("outof", "out of"))
    assert mended == "from, of, off; out of"


@pytest.mark.parametrize(
    "text",
    ["hola\nhello\n", "hola /ola/\n", "hola /ola/\nNote: informal\n"],
    ids=["no pronunciation", "no sense", "a note is no sense"],
)
def test_an_entry_without_pronunciation_or_sense_is_left_out(text):
    assert parse_entry(text) is None


def test_ids_are_ascii_slugs():
    assert [slug(word) for word in ("más", "él", "Ça va", "aujourd'hui")] == [
        "mas",
        "el",
        "ca-va",
        "aujourd-hui",
    ]


def test_a_dictd_dictionary_is_read_by_its_index_first_entry_of_each_headword(tmp_path: Path, monkeypatch):
    entries = ["casa /kasa/\nhouse\n", "casa /kasa/\nhome\n", "perro /pero/\ndog\n", "x\n"]
    data, index, at = b"", [], 0
    for headword, text in zip(["casa", "casa", "perro", "mal"], entries, strict=True):
        raw = text.encode()
        index.append(f"{headword}\t{dictd_number(at)}\t{dictd_number(len(raw))}")
        data, at = data + raw, at + len(raw)
    (tmp_path / "test-dict.index").write_text(
        "00databaseurl\tA\tB\n" + "\n".join(index) + "\n", encoding="utf-8"
    )
    (tmp_path / "test-dict.dict.dz").write_bytes(gzip.compress(data))
    monkeypatch.setattr(build_course, "DICTD", tmp_path)

    dictionary = read_dictionary("test-dict")

    assert dictionary == {"casa": Entry("kasa", None, ("house",)), "perro": Entry("pero", None, ("dog",))}


def test_a_missing_dictionary_says_which_package_to_install(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(build_course, "DICTD", tmp_path)
    with pytest.raises(SystemExit, match="apt-get install dict-freedict-xyz-eng"):
        read_dictionary("freedict-xyz-eng")
