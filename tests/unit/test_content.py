"""The shipped courses pass the content check, and the check names each kind of mistake: where
it is and what is wrong."""

import json
from pathlib import Path
from typing import Any

import pytest

from practice.courses.service import read_course_file
from practice_local.tools.check_content import COURSES_DIR, main, problems

SHIPPED = sorted(COURSES_DIR.glob("*.json"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_every_shipped_course_passes_the_check(path: Path) -> None:
    assert problems(path) == []
    course = read_course_file(path)
    assert len(course.phrases) >= 1000
    assert course.dialogs and course.drills and course.attribution


def test_at_least_two_courses_ship_and_the_command_says_each_is_ok(capsys) -> None:
    assert {path.stem for path in SHIPPED} >= {"es-en", "fr-en"}
    assert main([]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{path.name}: ok" for path in SHIPPED]


def small_course() -> dict[str, Any]:
    """A valid course of three phrases with one dialog and one drill."""
    phrases = [
        {"phrase_id": pid, "text": text, "translation": english, "pronunciation": "x",
         "audio_key": f"audio/tiny/{pid}.mp3", "topic": "greetings"}
        for pid, text, english in (("hola", "Hola", "Hello"), ("adios", "Adiós", "Bye"), ("si", "Sí", "Yes"))
    ]  # fmt: skip
    return {
        "course_id": "tiny",
        "title": "Tiny",
        "source_language": "en",
        "target_language": "es",
        "phrases": phrases,
        "dialogs": [
            {
                "dialog_id": "hi",
                "title": "Hi",
                "topic": "greetings",
                "lines": [{"speaker": "A", "phrase_id": "hola"}, {"speaker": "B", "phrase_id": "adios"}],
            }
        ],
        "drills": [{"drill_id": "ss", "title": "S", "focus": "s", "tip": "t", "phrase_ids": ["si"]}],
    }


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content folder with the small course's recordings."""
    (tmp_path / "audio" / "tiny").mkdir(parents=True)
    for pid in ("hola", "adios", "si"):
        (tmp_path / "audio" / "tiny" / f"{pid}.mp3").write_bytes(b"ID3")
    return tmp_path


def check(content: Path, document: dict[str, Any] | str, name: str = "tiny.json") -> list[str]:
    path = content / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return problems(path, content)


def test_a_valid_course_has_no_problems(content: Path) -> None:
    assert check(content, small_course()) == []


def test_a_file_that_is_not_json_is_named_with_the_place_of_the_error(content: Path) -> None:
    [problem] = check(content, '{"course_id": "tiny",\n "phrases": [}')
    assert problem.startswith("tiny.json: not a JSON file: ") and "line 2" in problem


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["phrases"][1].update(translation="  "), "tiny.json: phrases[1].translation: String"),
        (lambda c: c["phrases"][0].update(text=""), "tiny.json: phrases[0].text: String should match"),
        (lambda c: c["phrases"][2].update(phrase_id="Sí!"), "tiny.json: phrases[2].phrase_id: String"),
        (lambda c: c["phrases"][2].pop("audio_key"), "tiny.json: phrases[2].audio_key: Field required"),
        (lambda c: c.pop("title"), "tiny.json: title: Field required"),
        (
            lambda c: c["phrases"][2].update(phrase_id="hola"),
            "tiny.json: course: Value error, phrase ids must be unique; repeated: hola",
        ),
        (
            lambda c: c["dialogs"][0]["lines"].append({"speaker": "A", "phrase_id": "gracias"}),
            "tiny.json: course: Value error, dialog 'hi' names unknown phrases: gracias",
        ),
        (
            lambda c: c["drills"][0]["phrase_ids"].append("nada"),
            "tiny.json: course: Value error, drill 'ss' names unknown phrases: nada",
        ),
        (
            lambda c: c["drills"].append(dict(c["drills"][0])),
            "tiny.json: course: Value error, drill ids must be unique; repeated: ss",
        ),
    ],
    ids=[
        "blank translation", "empty text", "bad id", "no audio key", "no title", "repeated phrase id",
        "dialog names an unknown phrase", "drill names an unknown phrase", "repeated drill id",
    ],
)  # fmt: skip
def test_each_kind_of_mistake_is_named_where_it_is(content: Path, change: Any, expected: str) -> None:
    course = small_course()
    change(course)
    found = check(content, course)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_course_in_a_file_of_another_name_and_a_missing_recording_are_problems(content: Path) -> None:
    (content / "audio" / "tiny" / "adios.mp3").unlink()
    assert check(content, small_course(), name="other.json") == [
        "other.json: course_id: 'tiny' in a file named for 'other'",
        "other.json: phrases[1].audio_key: no recording audio/tiny/adios.mp3",
    ]


def test_the_command_fails_and_prints_every_problem(content: Path, capsys) -> None:
    course = small_course()
    course["phrases"][0]["translation"] = ""
    path = content / "tiny.json"
    path.write_text(json.dumps(course), encoding="utf-8")
    assert main([str(path)]) == 1
    assert "tiny.json: phrases[0].translation" in capsys.readouterr().err
