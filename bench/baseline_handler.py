"""The yardstick for cold starts: the smallest handler a Powertools + boto3 project would write.

It imports boto3 and Powertools' Logger and Metrics at module level, as most handlers do, and creates
the one client it needs (DynamoDB) on its first call.
"""

from functools import cache

import boto3
from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics(namespace="Baseline")


@cache
def table_client():
    return boto3.client("dynamodb")


@metrics.log_metrics
def handler(event, context):
    table_client()
    logger.info("hello")
    return {"statusCode": 200, "body": "ok"}
