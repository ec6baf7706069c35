"""A course in the table (practice/repository/dynamodb.py): one compressed document in parts,
named by a revision, replaced whole by a reload, read with one query however long it is."""

from typing import Any

import pytest

from practice.courses.service import CourseCatalog, read_course_file
from practice.domain.content import Course
from practice.dynamodb import courses as store
from practice.errors import CourseNotLoaded, StoreUnavailable
from practice_local.simulation.seed import bench_course
from tests.conftest import COURSES_DIR, TABLE_NAMES
from tests.fakes import on_dynamodb

TABLE = TABLE_NAMES["PracticeTable"]
ES_EN = read_course_file(COURSES_DIR / "es-en.json")
PK = {"S": f"COURSE#{ES_EN.course_id}"}


def longer_course(phrases: int) -> Course:
    """The sample course with generated phrases after its own, under its own id."""
    return bench_course(ES_EN, phrases).model_copy(update={"course_id": ES_EN.course_id})


def content(course: Course | None) -> dict[str, Any] | None:
    """What a course file holds: a loaded course also carries the edits of its phrases."""
    return course.model_dump() if course is not None else None


def course_items(dynamodb: Any) -> list[dict[str, Any]]:
    return dynamodb.query(
        TableName=TABLE, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": PK}
    )["Items"]


def test_a_long_course_comes_back_as_it_was_put_from_several_parts(dynamodb, monkeypatch):
    monkeypatch.setattr(store, "COURSE_PART_BYTES", 20_000)
    repository = on_dynamodb(dynamodb, TABLE)
    long_course = longer_course(3000)

    repository.put_course(long_course)

    parts = [item for item in course_items(dynamodb) if item["sk"]["S"].startswith("PART#")]
    assert len(parts) > 1
    assert all(len(item["part"]["B"]) <= 20_000 for item in parts)
    assert content(repository.load_course(ES_EN.course_id)) == content(long_course)


def test_a_ten_thousand_phrase_course_is_read_with_one_query(dynamodb):
    repository = on_dynamodb(dynamodb, TABLE)
    repository.put_course(longer_course(10_000))
    requests: list[str] = []
    dynamodb.meta.events.register("before-call.dynamodb", lambda model, **_: requests.append(model.name))

    course = repository.load_course(ES_EN.course_id)

    assert course is not None
    assert len(course.phrases) == 10_000
    assert requests == ["Query"]


def test_reloading_a_shorter_course_leaves_only_its_own_items(dynamodb):
    repository = on_dynamodb(dynamodb, TABLE)
    repository.put_course(longer_course(3000))
    longer = {item["sk"]["S"] for item in course_items(dynamodb)}

    repository.put_course(ES_EN)

    keys = {item["sk"]["S"] for item in course_items(dynamodb)}
    [meta] = [item for item in course_items(dynamodb) if item["sk"]["S"] == "META"]
    parts = range(int(meta["parts"]["N"]))
    assert keys == {"META"} | {f"PART#{meta['revision']['S']}#{n:04d}" for n in parts}
    assert not (keys - {"META"}) & longer
    assert content(repository.load_course(ES_EN.course_id)) == content(ES_EN)


def test_loading_the_same_course_again_writes_the_same_items(dynamodb):
    # (the dynamodb fixture has loaded the course once already)
    before = course_items(dynamodb)

    on_dynamodb(dynamodb, TABLE).put_course(ES_EN)

    assert course_items(dynamodb) == before


def test_a_course_stored_one_item_per_phrase_is_not_loaded_until_it_is_reloaded(dynamodb):
    # Given the course as an earlier version stored it: a META item of its header, one per phrase
    for item in course_items(dynamodb):
        dynamodb.delete_item(TableName=TABLE, Key={"pk": PK, "sk": item["sk"]})
    header = {key: {"S": value} for key, value in {"course_id": "es-en", "title": "Spanish"}.items()}
    dynamodb.put_item(TableName=TABLE, Item={"pk": PK, "sk": {"S": "META"}, "data": {"M": header}})
    dynamodb.put_item(TableName=TABLE, Item={"pk": PK, "sk": {"S": "PHRASE#00000"}, "data": {"M": {}}})
    repository = on_dynamodb(dynamodb, TABLE)

    # Then the API says so (503 course_not_loaded) rather than misreading it
    with pytest.raises(CourseNotLoaded):
        CourseCatalog(repository, max_age_seconds=300).get(ES_EN.course_id)

    # And a reload replaces it, leaving none of its items
    repository.put_course(ES_EN)
    assert repository.load_course(ES_EN.course_id) == ES_EN
    assert not [item for item in course_items(dynamodb) if item["sk"]["S"] == "PHRASE#00000"]


def test_a_read_that_meets_a_half_replaced_course_is_unavailable_not_a_wrong_course(dynamodb, monkeypatch):
    # Given a course in several parts, one of which a reload has already deleted
    monkeypatch.setattr(store, "COURSE_PART_BYTES", 20_000)
    repository = on_dynamodb(dynamodb, TABLE)
    repository.put_course(longer_course(3000))
    last = max(item["sk"]["S"] for item in course_items(dynamodb) if item["sk"]["S"].startswith("PART#"))
    dynamodb.delete_item(TableName=TABLE, Key={"pk": PK, "sk": {"S": last}})

    # Then the read fails as a retryable 503, and nothing is cached
    catalog = CourseCatalog(repository, max_age_seconds=300)
    with pytest.raises(StoreUnavailable):
        catalog.get(ES_EN.course_id)
    repository.put_course(ES_EN)
    reloaded = catalog.get(ES_EN.course_id)
    assert content(reloaded) == content(ES_EN)
    assert reloaded.phrase_edits == ()  # what the broken course held is unknown: the edits begin again


def test_a_reload_keeps_the_edits_of_the_phrases_with_the_course(dynamodb):
    repository = on_dynamodb(dynamodb, TABLE)
    first, second, third = (p.phrase_id for p in ES_EN.phrases[:3])
    revised = [
        p.model_dump() | ({"translation": "(revised)"} if p.phrase_id == third else {}) for p in ES_EN.phrases
    ]
    kept = [p for p in revised if p["phrase_id"] not in {first, second}]
    edited = Course.model_validate(ES_EN.model_dump() | {"phrases": kept, "dialogs": [], "drills": []})

    repository.put_course(edited)
    repository.put_course(edited)  # the same again: no edit

    loaded = repository.load_course(ES_EN.course_id)
    assert loaded is not None and content(loaded) == content(edited)
    [edit] = loaded.phrase_edits
    assert (edit.before, edit.after) == (ES_EN.phrases_revision, edited.phrases_revision)
    assert (edit.changed, edit.removed) == ((third,), (first, second))
    assert loaded.edit_since(ES_EN.phrases_revision) == edit


class Monotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_catalog_lists_each_course_once_and_a_reload_replaces_its_entry(dynamodb):
    repository = on_dynamodb(dynamodb, TABLE)
    repository.put_course(ES_EN)
    repository.put_course(longer_course(2000).model_copy(update={"title": "Spanish, longer"}))
    [entry] = [c for c in repository.list_courses() if c.course_id == "es-en"]
    assert (entry.course_id, entry.title, entry.phrases) == ("es-en", "Spanish, longer", 2000)
    assert entry == repository.load_course("es-en").summary()


def test_a_course_replaced_under_a_running_container_is_served_once_its_cache_ages(dynamodb):
    # Given a warm container that has read the catalog and the course
    repository, clock = on_dynamodb(dynamodb, TABLE), Monotonic()
    repository.put_course(ES_EN)
    catalog = CourseCatalog(repository, max_age_seconds=300, clock=clock)
    assert content(catalog.get("es-en")) == content(ES_EN)
    spanish = [c.course_id for c in catalog.listing()].index("es-en")
    assert catalog.listing()[spanish].phrases == len(ES_EN.phrases)

    # When the course is reloaded, longer, and a new course is loaded
    longer = longer_course(len(ES_EN.phrases) + 500)
    repository.put_course(longer)
    repository.put_course(ES_EN.model_copy(update={"course_id": "es-es", "title": "Spanish in Spanish"}))

    # Then within the cache's age the container keeps serving what it read (no request), but a
    # switch to the new course finds it at once (the catalog is read again for an unknown id)
    clock.now += 299
    assert content(catalog.get("es-en")) == content(ES_EN)
    assert catalog.require("es-es").title == "Spanish in Spanish"
    # And once the cache is older than its age, the replaced course is served
    clock.now += 2
    assert content(catalog.get("es-en")) == content(longer)
    phrases = {c.course_id: c.phrases for c in catalog.listing()}
    assert (phrases["es-en"], phrases["es-es"]) == (len(longer.phrases), len(ES_EN.phrases))
