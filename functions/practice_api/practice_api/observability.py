"""Powertools' Logger and Metrics of the function (service name and namespace from the template)."""

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
