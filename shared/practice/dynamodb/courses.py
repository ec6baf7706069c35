"""The courses feature's store: a course is one document read at every cold start, its JSON
zlib-compressed in parts below DynamoDB's 400 KB item limit, so a long course is a few items to
parse, not one item per phrase."""

import hashlib
import json
import zlib

from practice.domain.content import Course, CourseSummary, PhraseEdit
from practice.dynamodb.codec import deserialize_item, serialize_item
from practice.dynamodb.keys import CATALOG_PK, COURSE_META_SK, course_part_sk, course_parts_prefix, course_pk
from practice.dynamodb.profile import ProfileReads
from practice.errors import StoreUnavailable

COURSE_PART_BYTES = 350_000
_WRITE_FAILED = "the course could not be written; try again"


class DynamoCourseStore(ProfileReads):
    def load_course(self, course_id: str) -> Course | None:
        """The course whose revision META names: its parts joined, inflated and validated."""
        items = self._table.query_all(
            KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": course_pk(course_id)}}
        )
        meta = next((item for item in items if item["sk"]["S"] == COURSE_META_SK), None)
        if meta is None or "revision" not in meta:  # never loaded, or loaded before parts existed
            return None
        prefix = course_parts_prefix(meta["revision"]["S"])
        parts = [item["part"]["B"] for item in items if item["sk"]["S"].startswith(prefix)]
        if len(parts) != int(meta["parts"]["N"]):  # read while a reload replaced the revision
            raise StoreUnavailable("the course is being reloaded; try again")
        course = Course.model_validate_json(zlib.decompress(b"".join(parts)))
        if "phrase_edits" not in meta:
            return course
        edits = json.loads(zlib.decompress(meta["phrase_edits"]["B"]))
        return course.model_copy(update={"phrase_edits": tuple(PhraseEdit.model_validate(e) for e in edits)})

    def list_courses(self) -> list[CourseSummary]:
        items = self._table.query_all(
            KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": CATALOG_PK}}
        )
        return [CourseSummary.model_validate(deserialize_item(item)) for item in items]

    def put_course(self, course: Course) -> None:
        """Replace the course: its parts under a revision named by their content, then META naming
        that revision (readers switch there) with the edits of its phrases so far, then its
        catalog entry, then whatever else is under the course's key (an earlier revision).
        Loading the same course again writes the same items."""
        pk = course_pk(course.course_id)
        try:
            before = self.load_course(course.course_id)
        except StoreUnavailable:  # a half-replaced course: what its phrases were is unknown, so
            before = None  # the edits start again (a phrasebook token from before lists anew)
        edits = course.loaded_over(before).phrase_edits
        document = zlib.compress(course.model_dump_json().encode())
        revision = hashlib.sha256(document).hexdigest()[:16]
        parts = [document[at : at + COURSE_PART_BYTES] for at in range(0, len(document), COURSE_PART_BYTES)]
        keys = [course_part_sk(revision, index) for index in range(len(parts))]
        puts = [
            {"PutRequest": {"Item": serialize_item({"pk": pk, "sk": sk, "part": part})}}
            for sk, part in zip(keys, parts, strict=True)
        ]
        self._table.batch_write(puts, _WRITE_FAILED)
        meta = {"pk": pk, "sk": COURSE_META_SK, "revision": revision, "parts": len(parts)}
        if edits:  # compressed: an edit of a whole course names every phrase
            dumped = json.dumps([edit.model_dump(mode="json") for edit in edits], separators=(",", ":"))
            meta["phrase_edits"] = zlib.compress(dumped.encode())
        self._table.put(meta)
        self._table.put({"pk": CATALOG_PK, "sk": pk, **course.summary().model_dump(mode="json")})
        stored = self._table.query_all(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
            ProjectionExpression="sk",
        )
        stale = [sk for item in stored if (sk := item["sk"]["S"]) != COURSE_META_SK and sk not in keys]
        self._table.delete_all(pk, stale, _WRITE_FAILED)
