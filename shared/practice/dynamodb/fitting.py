"""The fitting feature's store: the review log in the learner's sessions, the fit recorded on the
profile, and the sparse fit-due index the optimizer's sweep reads."""

from datetime import datetime
from typing import Any

from practice.domain.learner import PersonalParameters
from practice.dynamodb.codec import attribute, deserialize_item
from practice.dynamodb.items import logged_reviews
from practice.dynamodb.keys import (
    FIT_DUE_INDEX,
    PROFILE_SK,
    fit_due_pk,
    key,
    session_sk,
    user_pk,
)
from practice.dynamodb.profile import ProfileReads, learners_before
from practice.fitting.store import LoggedReview


class DynamoFitStore(ProfileReads):
    def review_log(self, user_id: str, after: str | None) -> tuple[list[LoggedReview], str | None]:
        """A page (DynamoDB's 1 MB) of the reviews logged in the learner's sessions, oldest
        session first, from the session after position `after` on; and the position to go on
        after (None: done). Only the reviews are read back (open sessions have none)."""
        pk = user_pk(user_id)
        items, last_key = self._table.query(
            key(pk, after) if after is not None else None,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": pk}, ":prefix": {"S": session_sk.prefix}},
            ProjectionExpression="sk, course_id, practice_day, review_log, reviews",
        )
        reviews = [review for item in items for review in logged_reviews(deserialize_item(item))]
        return reviews, last_key["sk"]["S"] if last_key else None

    def save_fit(
        self, user_id: str, read_version: int, checked_at: int, fit: PersonalParameters | None
    ) -> None:
        """Record a fit of the learner's parameters on the profile read at `read_version`: the
        review count it checked, the parameters when adopted, and no fit due any more. Raises
        ConcurrentUpdate when the profile moved (or became a tombstone) since it was read."""
        sets = "fit_checked_at = :checked" + (", fsrs = :fsrs" if fit is not None else "")
        values: dict[str, Any] = {
            ":checked": {"N": str(checked_at)},
            ":read_version": {"N": str(read_version)},
            ":one": {"N": "1"},
        }
        if fit is not None:
            values[":fsrs"] = attribute(fit.model_dump(mode="json"))
        update = {
            "Key": key(user_pk(user_id), PROFILE_SK),
            "UpdateExpression": f"SET {sets} REMOVE fit_due_since, fit_due_pk, fit_due_at ADD version :one",
            "ConditionExpression": "version = :read_version AND attribute_not_exists(deleted_at)",
            "ExpressionAttributeValues": values,
        }
        self._table.write("update_item", update, conflict="the profile changed during the fit")

    def fit_due_learners(
        self, shard: int, due_before: datetime, after: str | None
    ) -> tuple[list[str], str | None]:
        """A page of the learners of fit-due shard `shard` marked due before `due_before`, and
        the position to go on after (None: done). Keys only, from the sparse index."""
        return learners_before(self._table, FIT_DUE_INDEX, fit_due_pk(shard), due_before, after)
