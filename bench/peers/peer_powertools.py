"""Bench peer: the lightest Powertools function a team would ship instead of ours: the HTTP
resolver with validation, Logger, Metrics, a botocore DynamoDB client, and one GET route
returning a small pydantic model."""

import os
from typing import Any

import botocore.session
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from pydantic import BaseModel

logger = Logger(service="peer-powertools")
metrics = Metrics(namespace="BenchPeer", service="peer-powertools")
app = APIGatewayHttpResolver(enable_validation=True)
dynamodb = botocore.session.get_session().create_client("dynamodb", region_name=os.environ.get("AWS_REGION"))


class Pack(BaseModel):
    pack_id: str
    phrases: list[str]


@app.get("/api/v2/practice/daily")
def daily() -> Pack:
    return Pack(pack_id="daily_2026-12-02", phrases=["hola", "gracias"])


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
