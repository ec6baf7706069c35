"""Build the shipped courses from open data: `make build-courses` (content/README.md).

Each course is its recipe (content/recipes/<course>.toml): the hand-written lessons first (their
phrases, dialogs and drills), then the language's most frequent words (the `wordfreq` package)
that an open bilingual dictionary translates (FreeDict, read from the dictd files of Debian's
dict-freedict-* packages), in frequency order, a hundred a topic, with pronunciation drills made
from each hundred by the recipe's spelling patterns. `--audio` also records every phrase with
espeak-ng and encodes it with lame (content/audio/<course>/<phrase>.mp3), again only what changed.

Inputs are pinned (wordfreq's version in requirements-content.txt, the dictionary package's in
the course's attribution), so the same inputs build the same files, byte for byte. Only this tool
needs them: the built files are committed, and `make run` and `make test` read those.
"""

import argparse
import gzip
import hashlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import tempfile
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from practice.domain.content import Course, Drill, Phrase
from practice_local.cloud.template import REPO_ROOT

CONTENT = REPO_ROOT / "content"
DICTD = Path("/usr/share/dictd")
TOPIC_SIZE = 100
DRILL_SIZE = 6  # words a generated drill takes, at most
CANDIDATES = 30_000  # frequent words read to find `vocabulary` that the dictionary translates
SENSES, GLOSSES = 2, 3  # what a translation keeps of a dictionary entry
# espeak-ng, then lame: 16 kHz mono MP3 at 24 kbit/s, about 3 KB a word (speech needs no more)
SPEAK = ("espeak-ng", "-s", "140")
ENCODE = ("lame", "--quiet", "-m", "m", "--resample", "16", "-b", "24")
_DICTD_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@dataclass(frozen=True)
class Entry:
    """A dictionary entry: its pronunciation (IPA), part of speech and senses."""

    ipa: str
    part_of_speech: str | None
    senses: tuple[str, ...]

    def translation(self, english: "Callable[[str], str]") -> str:
        senses = [", ".join(map(english, sense.split(", ")[:GLOSSES])) for sense in self.senses[:SENSES]]
        return "; ".join(sense for sense in senses if sense)


def english_spacing() -> "Callable[[str], str]":
    """Glosses with the spaces some dictionary entries lost ("outof", "inorderto") put back:
    a word English does not use, split where each part is a common English word."""
    from wordfreq import zipf_frequency  # noqa: PLC0415

    def split(word: str) -> str:
        if " " in word or not word.isalpha() or zipf_frequency(word, "en") > 2.5:
            return word
        best, score = word, 0.0
        for at in range(1, len(word)):
            left, right = word[:at], split_right(word[at:])
            value = min(zipf_frequency(part, "en") for part in (left, *right.split()))
            if value > max(score, 3.0):
                best, score = f"{left} {right}", value
        return best

    def split_right(rest: str) -> str:
        return rest if zipf_frequency(rest, "en") > 3.0 or len(rest) < 6 else split(rest)

    return lambda gloss: " ".join(split(word) for word in gloss.split(" "))


def _dictd_number(text: str) -> int:
    number = 0
    for digit in text:
        number = number * 64 + _DICTD_DIGITS.index(digit)
    return number


def read_dictionary(name: str) -> dict[str, Entry]:
    """A dictd dictionary (`<name>.index`, `<name>.dict.dz`) by headword, first entry of each."""
    index, data = DICTD / f"{name}.index", DICTD / f"{name}.dict.dz"
    if not index.exists():
        raise SystemExit(f"{index} is missing: apt-get install dict-{name} (Debian, Ubuntu)")
    text = gzip.decompress(data.read_bytes())
    entries: dict[str, Entry] = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        headword, offset, length = line.split("\t")
        if headword.startswith("00database") or headword in entries:
            continue
        start = _dictd_number(offset)
        if entry := parse_entry(text[start : start + _dictd_number(length)].decode("utf-8")):
            entries[headword] = entry
    return entries


_HEAD = re.compile(r"^(?P<word>[^/<]+?)\s*(/(?P<ipa>[^/]+)/)?\s*(<(?P<pos>[^>]+)>)?\s*$")


def parse_entry(text: str) -> Entry | None:
    """`word /ipa/ <pos>` then one sense a line (`1. gloss, gloss` or a bare line); None when
    it has no pronunciation or no sense."""
    head, *lines = [line.strip() for line in text.strip().splitlines()]
    match = _HEAD.match(head)
    if not match or not match["ipa"]:
        return None
    senses = tuple(
        sense
        for line in lines
        if (sense := re.sub(r"^\d+\.\s*", "", line).strip()) and not sense.startswith(("Note:", "Synonym"))
    )
    return Entry(match["ipa"].strip(), match["pos"], senses) if senses else None


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


@dataclass(frozen=True)
class Recipe:
    course_id: str
    lessons: Path
    language: str
    dictionary: str
    voice: str
    vocabulary: int
    single_letter_words: tuple[str, ...]
    skip: frozenset[str]  # word forms that are not words alone (French qu' read as "qu")
    translations: dict[str, str]  # where the dictionary's first sense is not the everyday one
    drills: tuple[dict[str, str], ...]

    @classmethod
    def read(cls, path: Path) -> "Recipe":
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(
            course_id=path.stem,
            lessons=CONTENT / data["lessons"],
            language=data["language"],
            dictionary=data["dictionary"],
            voice=data["voice"],
            vocabulary=data["vocabulary"],
            single_letter_words=tuple(data.get("single_letter_words", ())),
            skip=frozenset(data.get("skip", ())),
            translations=data.get("translations", {}),
            drills=tuple(data.get("drills", ())),
        )


def frequent_words(language: str) -> list[str]:
    try:
        from wordfreq import top_n_list  # noqa: PLC0415 - only this tool needs it
    except ImportError:
        raise SystemExit(
            "wordfreq is missing: make build-courses installs requirements-content.txt"
        ) from None
    return list(top_n_list(language, CANDIDATES))


def vocabulary(
    recipe: Recipe, lessons: Course, words: list[str], dictionary: dict[str, Entry]
) -> list[Phrase]:
    """The recipe's count of frequent words the dictionary translates, none a lesson already
    teaches alone, in frequency order, a topic a hundred."""
    taught = {phrase.text.strip(" .!?¿¡").lower() for phrase in lessons.phrases}
    taken = {phrase.phrase_id for phrase in lessons.phrases}
    english = english_spacing()
    phrases: list[Phrase] = []
    for word in words:
        entry = dictionary.get(word)
        if entry is None or word in taught or word in recipe.skip or not word.isalpha():
            continue
        if len(word) < 2 and word not in recipe.single_letter_words:
            continue
        phrase_id = base = f"w-{slug(word)}"
        for n in range(2, 100):  # él and el, más and mas: one id each
            if phrase_id not in taken:
                break
            phrase_id = f"{base}-{n}"
        taken.add(phrase_id)
        start = len(phrases) // TOPIC_SIZE * TOPIC_SIZE
        phrases.append(
            Phrase(
                phrase_id=phrase_id,
                text=word,
                translation=recipe.translations.get(word) or entry.translation(english),
                pronunciation=f"/{entry.ipa}/",
                audio_key=f"audio/{recipe.course_id}/{phrase_id}.mp3",
                topic=f"words {start + 1}-{start + TOPIC_SIZE}",
                tags=("vocabulary", *([slug(entry.part_of_speech)] if entry.part_of_speech else [])),
            )
        )
        if len(phrases) == recipe.vocabulary:
            return phrases
    raise SystemExit(f"{recipe.course_id}: only {len(phrases)} words found, {recipe.vocabulary} asked")


def vocabulary_drills(recipe: Recipe, words: list[Phrase]) -> list[Drill]:
    """A drill per spelling pattern and topic: the topic's words that have the pattern."""
    drills = []
    for start in range(0, len(words), TOPIC_SIZE):
        band = words[start : start + TOPIC_SIZE]
        for rule in recipe.drills:
            pattern = re.compile(rule["pattern"])
            chosen = [w.phrase_id for w in band if pattern.search(w.text)][:DRILL_SIZE]
            if len(chosen) >= 3:
                drills.append(
                    Drill(
                        drill_id=f"d-{rule['id']}-{start + 1}",
                        title=f"{rule['title']}: {band[0].topic}",
                        focus=rule["focus"],
                        tip=rule["tip"],
                        phrase_ids=tuple(chosen),
                    )
                )
    return drills


def package_version(package: str) -> str:
    query = subprocess.run(  # noqa: S603 - fixed arguments
        ("dpkg-query", "-W", "-f", "${Version}", package),  # noqa: S607 - found on PATH, as apt puts it
        check=False,
        capture_output=True,
        text=True,
    )
    return query.stdout.strip() or "unknown version"


def build(recipe: Recipe) -> Course:
    lessons = Course.model_validate_json(recipe.lessons.read_text(encoding="utf-8"))
    dictionary = read_dictionary(recipe.dictionary)
    words = vocabulary(recipe, lessons, frequent_words(recipe.language), dictionary)
    wordfreq_version = importlib.metadata.version("wordfreq")
    attribution = (
        f"Word frequencies: wordfreq {wordfreq_version} by Robyn Speer (data CC BY-SA 4.0).",
        f"Translations and IPA: FreeDict {recipe.dictionary} (Debian dict-{recipe.dictionary}"
        f" {package_version('dict-' + recipe.dictionary)}), GPL 2 or later.",
        "Recordings: synthesized with espeak-ng.",
        "Lessons, dialogs and drills: written for this course.",
    )
    return lessons.model_copy(
        update={
            "attribution": attribution,
            "phrases": (*lessons.phrases, *words),
            "drills": (*lessons.drills, *vocabulary_drills(recipe, words)),
        }
    )


def write_course(course: Course, directory: Path) -> Path:
    path = directory / f"{course.course_id}.json"
    document = Course.model_validate(course.model_dump()).model_dump(mode="json")  # validated whole
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def record(course: Course, voice: str, audio_root: Path) -> tuple[int, int]:
    """Record every phrase not recorded yet with this text and voice (a manifest of what each
    file was made from), and delete recordings of phrases the course no longer has. Returns
    (made, kept)."""
    for tool in (SPEAK[0], ENCODE[0]):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install espeak-ng lame (Debian, Ubuntu)")
    directory = audio_root / course.course_id
    directory.mkdir(parents=True, exist_ok=True)
    manifest_path = directory / "MANIFEST.json"
    manifest: dict[str, str] = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    made = kept = 0
    wanted: dict[str, str] = {}
    for phrase in course.phrases:
        target = audio_root.parent / phrase.audio_key
        recipe = hashlib.sha256(json.dumps([SPEAK, ENCODE, voice, phrase.text]).encode()).hexdigest()[:16]
        wanted[target.name] = recipe
        if manifest.get(target.name) == recipe and target.exists():
            kept += 1
            continue
        with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
            # the course's own text, as one argument: no shell
            subprocess.run((*SPEAK, "-v", voice, "-w", wav.name, phrase.text), check=True)  # noqa: S603
            subprocess.run((*ENCODE, wav.name, str(target)), check=True)  # noqa: S603
        made += 1
    for stale in set(manifest) - set(wanted):
        (directory / stale).unlink(missing_ok=True)
    manifest_path.write_text(json.dumps(wanted, indent=0, sort_keys=True) + "\n")
    return made, kept


def recipes(selected: list[str]) -> Iterator[Recipe]:
    for path in sorted((CONTENT / "recipes").glob("*.toml")):
        if not selected or path.stem in selected:
            yield Recipe.read(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("courses", nargs="*", help="course ids (default: every recipe)")
    parser.add_argument("--audio", action="store_true", help="also record the phrases (espeak-ng, lame)")
    options = parser.parse_args(argv)
    for recipe in recipes(options.courses):
        course = build(recipe)
        path = write_course(course, CONTENT / "courses")
        print(
            f"{course.course_id}: {len(course.phrases)} phrases, {len(course.dialogs)} dialogs,"
            f" {len(course.drills)} drills -> {path.relative_to(REPO_ROOT)}"
        )
        if options.audio:
            made, kept = record(course, recipe.voice, CONTENT / "audio")
            print(f"{course.course_id}: {made} recordings made, {kept} unchanged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
