"""The workload feature's store: the learner's cards due per day of a course (DUE#<course>)."""

from datetime import date

from practice.dynamodb.items import due_days_from_item
from practice.dynamodb.keys import due_days_sk, user_pk
from practice.dynamodb.profile import ProfileReads


class DynamoWorkloadStore(ProfileReads):
    def due_per_day(self, user_id: str, course_id: str) -> dict[date, int]:
        return due_days_from_item(self._table.get(user_pk(user_id), due_days_sk(course_id)))
