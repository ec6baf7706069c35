"""What Lambda's SQS event source does, on this machine: a thread that long-polls a queue of the
embedded emulator, hands each batch to a function as the SQS event Lambda would send, and
deletes the messages the function did not report as failed (ReportBatchItemFailures). A failed
message comes back after the queue's visibility timeout, and to its dead-letter queue after the
redrive policy's receives, as deployed."""

import hashlib
import sys
import threading
import traceback
from typing import Any

from practice_local.cloud.lambda_runtime import REGION, LocalFunction


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda sends a function for a batch of received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


class QueuePoller:
    """`with QueuePoller(client, url, function):` polls until the block ends."""

    def __init__(self, client: Any, queue_url: str, function: LocalFunction, batch_size: int = 10) -> None:
        self._client = client
        self._queue_url = queue_url
        self._function = function
        self._batch_size = batch_size
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"poll-{function.name}", daemon=True)
        self._queue_arn = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def lose_all(self) -> None:
        """Purge the queue: its messages lost, as if their sends had failed."""
        self._client.purge_queue(QueueUrl=self._queue_url)

    def __enter__(self) -> "QueuePoller":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def poll_once(self, wait_seconds: int = 1) -> int:
        """Receive one batch and run the function on it; how many messages it held."""
        messages = self._client.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self._batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        response = self._function.invoke(sqs_event(messages, self._queue_arn))
        failed = {failure["itemIdentifier"] for failure in (response or {}).get("batchItemFailures", [])}
        done = [
            {"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]}
            for n, message in enumerate(messages)
            if message["MessageId"] not in failed
        ]
        if done:
            self._client.delete_message_batch(QueueUrl=self._queue_url, Entries=done)
        return len(messages)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.poll_once()
            except Exception:  # as Lambda's poller does: report, and keep polling
                traceback.print_exc(file=sys.stderr)
                self._stopped.wait(1)
