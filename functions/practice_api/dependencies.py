"""What the routes share, built once per container at cold start: validated settings, one
DynamoDB client, the practice service on it, and Powertools' Logger and Metrics."""

from aws_lambda_powertools import Logger, Metrics

from practice.settings import load_settings
from practice.wiring import build_service, dynamodb_client

settings = load_settings()
client = dynamodb_client()
service = build_service(settings, client)
logger = Logger()
metrics = Metrics()
