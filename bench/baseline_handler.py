"""The yardstick for cold starts: the smallest handler a Powertools + boto3 project would write."""

import boto3
from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics(namespace="Baseline")
session = boto3.session.Session()


@metrics.log_metrics
def handler(event, context):
    logger.info("hello")
    return {"statusCode": 200, "body": "ok"}
