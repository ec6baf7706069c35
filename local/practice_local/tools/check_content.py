"""Check every shipped course: `make check-content` (and `make test`, tests/unit/test_content.py).

A course file must be JSON of the Course model (practice.domain.content: ids are slugs, texts
and translations not empty, ids unique, dialogs and drills name phrases of the course), be
named for its course id, and have a recording for every phrase. Each problem is one line that
says where it is: the file, the field's path, what is wrong.
"""

import json
import sys
from pathlib import Path

from pydantic import ValidationError

from practice.domain.content import Course
from practice_local.cloud.template import REPO_ROOT

COURSES_DIR = REPO_ROOT / "content" / "courses"
CONTENT_DIR = REPO_ROOT / "content"  # audio keys are paths under it (audio/<course>/<phrase>.mp3)


def _where(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".") or "course"


def problems(path: Path, content_dir: Path = CONTENT_DIR) -> list[str]:
    """What is wrong with the course file at `path` (nothing: an empty list)."""
    name = path.name
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return [f"{name}: not a JSON file: {error}"]
    try:
        course = Course.model_validate(document)
    except ValidationError as error:
        return [f"{name}: {_where(e['loc'])}: {e['msg']}" for e in error.errors(include_url=False)]
    found = []
    if course.course_id != path.stem:
        found.append(f"{name}: course_id: '{course.course_id}' in a file named for '{path.stem}'")
    for index, phrase in enumerate(course.phrases):
        if not (content_dir / phrase.audio_key).is_file():
            found.append(f"{name}: phrases[{index}].audio_key: no recording {phrase.audio_key}")
    return found


def main(argv: list[str] | None = None) -> int:
    paths = [Path(arg) for arg in (argv if argv is not None else sys.argv[1:])]
    paths = paths or sorted(COURSES_DIR.glob("*.json"))
    found = [problem for path in paths for problem in problems(path)]
    for problem in found:
        print(problem, file=sys.stderr)
    for path in paths:
        if not any(problem.startswith(f"{path.name}:") for problem in found):
            print(f"{path.name}: ok")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
