"""Every request the stores make, in one place: the table name added, batches retried while
DynamoDB leaves part of them unprocessed, pages followed, and one translation of DynamoDB's
errors into the domain's (throttling and outages: StoreUnavailable, a 503 with Retry-After; a
lost condition: ConcurrentUpdate, retried from fresh state)."""

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from practice.dynamodb.codec import deserialize_item, serialize_item
from practice.dynamodb.keys import key
from practice.errors import ConcurrentUpdate, SessionNotOpen, StoreUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Error codes (of a request, or of a cancelled transaction's item) that mean "slow down, retry"
_THROTTLING = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ProvisionedThroughputExceeded",
        "ThrottlingException",
        "ThrottlingError",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
_BATCH_ATTEMPTS = 5
_BATCH_WRITE_SIZE = 25  # BatchWriteItem's most
_THROTTLED = "DynamoDB is throttling requests; retry shortly"

Page = tuple[list[dict[str, Any]], dict[str, Any] | None]  # raw items, LastEvaluatedKey


class Table:
    """The practice table, through one botocore client."""

    def __init__(self, client: "DynamoDBClient", name: str) -> None:
        self.client = client
        self.name = name

    def get(self, pk: str, sk: str, projection: str | None = None) -> dict[str, Any] | None:
        request: dict[str, Any] = {"TableName": self.name, "Key": key(pk, sk), "ConsistentRead": True}
        if projection is not None:
            request["ProjectionExpression"] = projection
        with dynamodb_errors():
            response = self.client.get_item(**request)
        return deserialize_item(response["Item"]) if "Item" in response else None

    def batch_get(
        self, pk: str, sort_keys: Sequence[str], projection: str | None = None
    ) -> dict[str, dict[str, Any]]:
        """The items of `sort_keys` under `pk` that exist, by sort key (only the attributes of
        `projection`, which must name `sk`, when given): one request, unless DynamoDB leaves part
        of it unprocessed."""
        request: dict[str, Any] = {"Keys": [key(pk, sk) for sk in dict.fromkeys(sort_keys)]}
        if projection is not None:
            request["ProjectionExpression"] = projection
        return {item["sk"]: item for item in self._batch_get(request)}

    def batch_get_items(self, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """The items of up to 100 (pk, sk) keys of any partitions that exist, in no order."""
        return self._batch_get({"Keys": [key(pk, sk) for pk, sk in dict.fromkeys(keys)]})

    def _batch_get(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        """One consistent BatchGetItem, asked again (with backoff) for what DynamoDB left unprocessed."""
        request = {**request, "ConsistentRead": True}
        found: list[dict[str, Any]] = []
        with dynamodb_errors():
            for attempt in range(_BATCH_ATTEMPTS):
                response = self.client.batch_get_item(RequestItems={self.name: request})  # type: ignore[dict-item]
                found += [deserialize_item(raw) for raw in response["Responses"].get(self.name, [])]
                unprocessed: dict[str, Any] = dict(response.get("UnprocessedKeys") or {})
                request["Keys"] = unprocessed.get(self.name, {}).get("Keys", [])
                if not request["Keys"]:
                    return found
                time.sleep(0.02 * 2**attempt)
        raise StoreUnavailable("DynamoDB kept part of a read unprocessed; try again")

    def put(self, item: dict[str, Any]) -> None:
        with dynamodb_errors():
            self.client.put_item(TableName=self.name, Item=serialize_item(item))

    def update_unless(self, request: dict[str, Any], refusal: Exception) -> None:
        """One conditional `update_item`; `refusal` raised when its condition fails."""
        with dynamodb_errors():
            try:
                self.client.update_item(**{"TableName": self.name, **request})
            except self.client.exceptions.ConditionalCheckFailedException as error:
                raise refusal from error

    def write(
        self, operation: Literal["put_item", "update_item"], request: dict[str, Any], *, conflict: str
    ) -> None:
        """One conditional `put_item` or `update_item`; ConcurrentUpdate(`conflict`) when its
        condition fails."""
        with dynamodb_errors():
            try:
                getattr(self.client, operation)(**{"TableName": self.name, **request})
            except self.client.exceptions.ConditionalCheckFailedException as error:
                raise ConcurrentUpdate(conflict) from error

    def delete_if(self, pk: str, sk: str, condition: str) -> None:
        """Delete the item if `condition` holds; nothing if it does not (gone already)."""
        with dynamodb_errors(), suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.delete_item(TableName=self.name, Key=key(pk, sk), ConditionExpression=condition)

    def batch_write(self, requests: list[dict[str, Any]], failure: str) -> None:
        """BatchWriteItem in chunks of 25, each retried with backoff while DynamoDB leaves part of
        it unprocessed; StoreUnavailable(`failure`) when a chunk never goes through."""
        with dynamodb_errors():
            for start in range(0, len(requests), _BATCH_WRITE_SIZE):
                pending: Any = {self.name: requests[start : start + _BATCH_WRITE_SIZE]}
                for attempt in range(_BATCH_ATTEMPTS):
                    pending = self.client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
                    if not pending:
                        break
                    time.sleep(0.05 * 2**attempt)
                else:
                    raise StoreUnavailable(failure)

    def delete_all(self, pk: str, sort_keys: Sequence[str], failure: str) -> None:
        self.batch_write([{"DeleteRequest": {"Key": key(pk, sk)}} for sk in sort_keys], failure)

    def query(self, after: dict[str, Any] | None = None, **request: Any) -> Page:
        """One page of a query (`request` without TableName), from after `after` on."""
        if after is not None:
            request["ExclusiveStartKey"] = after
        with dynamodb_errors():
            page = self.client.query(TableName=self.name, **request)
        return page["Items"], page.get("LastEvaluatedKey")

    def query_all(self, **request: Any) -> list[dict[str, Any]]:
        """Every page of a query: for what is bounded by design (a course, a stats range)."""
        items, last = self.query(**request)
        while last is not None:
            page, last = self.query(last, **request)
            items += page
        return items

    def versioned_put(self, item: dict[str, Any], read_version: int) -> dict[str, Any]:
        """A Put of `item` (already at read_version + 1) that fails if someone wrote in between."""
        put: dict[str, Any] = {"TableName": self.name, "Item": serialize_item(item)}
        if read_version == 0:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :read_version"
            put["ExpressionAttributeValues"] = {":read_version": {"N": str(read_version)}}
        return put

    def transact(
        self,
        writes: list[dict[str, Any]],
        session_index: int | None = None,
        refusals: Mapping[int, Exception] | None = None,
    ) -> None:
        """All of `writes` or none. A cancelled transaction is StoreUnavailable when throttled,
        `refusals[i]` when the write at i lost its condition (a quota used up), SessionNotOpen
        when the write at `session_index` did, else ConcurrentUpdate."""
        try:
            with dynamodb_errors():
                self.client.transact_write_items(TransactItems=writes)  # type: ignore[arg-type]
        except self.client.exceptions.TransactionCanceledException as error:
            codes = [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]
            if _THROTTLING.intersection(codes):
                raise StoreUnavailable(_THROTTLED) from error
            for index, refusal in (refusals or {}).items():
                if codes[index : index + 1] == ["ConditionalCheckFailed"]:
                    raise refusal from error
            if session_index is not None and codes[session_index : session_index + 1] == [
                "ConditionalCheckFailed"
            ]:
                raise SessionNotOpen("the session is no longer open") from error
            raise ConcurrentUpdate("the learner's data changed during the request; retry it") from error


@contextmanager
def dynamodb_errors() -> Iterator[None]:
    """Throttling and outages that outlived botocore's retries become StoreUnavailable (503)."""
    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _THROTTLING:
            raise StoreUnavailable(_THROTTLED) from error
        raise
    except BotoCoreError as error:  # connection failures and timeouts after retries
        raise StoreUnavailable("the data store could not be reached; retry shortly") from error
