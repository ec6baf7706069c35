"""The profile's store: the learner's PROFILE item."""

from practice.domain.learner import Profile
from practice.dynamodb.items import profile_from_item, profile_item
from practice.dynamodb.keys import PROFILE_SK, user_pk
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
