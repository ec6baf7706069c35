"""The profile's store: the learner's PROFILE item."""

import json
from datetime import datetime

from practice.domain.learner import Profile, utc_iso
from practice.domain.limits import ITEMS_PER_QUERY
from practice.dynamodb.items import profile_from_item, profile_item
from practice.dynamodb.keys import PROFILE_SK, SparseIndex, user_pk
from practice.dynamodb.table import Table


class ProfileReads:
    """The profile read that every feature's store has (profile/store.py: ProfileReader)."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get_profile(self, user_id: str) -> Profile | None:
        item = self._table.get(user_pk(user_id), PROFILE_SK)
        return profile_from_item(item) if item else None


class DynamoProfileStore(ProfileReads):
    def save_profile(self, profile: Profile) -> None:
        put = self._table.versioned_put(profile_item(profile), profile.version)
        self._table.write("put_item", put, conflict="the profile changed during the request; retry it")


def learners_before(
    table: Table, index: SparseIndex, shard: str, before: datetime, after: str | None
) -> tuple[list[str], str | None]:
    """A page of the learners of `shard` in a sparse index whose time is before `before`, and the
    position to go on after (None: done). Keys only."""
    items, last_key = table.query(
        json.loads(after) if after is not None else None,
        IndexName=index.name,
        KeyConditionExpression=f"{index.key} = :shard AND {index.at} < :before",
        ExpressionAttributeValues={":shard": {"S": shard}, ":before": {"S": utc_iso(before)}},
        Limit=ITEMS_PER_QUERY,
    )
    learners = [user_pk.value_of(item["pk"]["S"]) for item in items]
    return learners, json.dumps(last_key, sort_keys=True) if last_key else None
