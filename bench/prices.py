"""The one price table of `make bench`: AWS list prices, us-east-1, and the assumptions behind modeled figures.

Prices as published on these pages (on-demand, first usage tier, free tiers left out because the
figures are per million articles), read in December 2026:

* DynamoDB on-demand: https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.625 per million write
  request units, $0.125 per million read request units since the November 2024 price cut; GetRecords
  calls made by Lambda triggers on DynamoDB Streams are free). Units per request follow
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html and the
  item sizes https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
* S3 Standard: https://aws.amazon.com/s3/pricing/ ($0.005 per 1,000 PUT/COPY/POST/LIST, $0.0004 per 1,000 GET)
* EventBridge: https://aws.amazon.com/eventbridge/pricing/ (custom events $1.00 per million, each 64 KB
  chunk one event; archive processing $0.10 per GB, storage $0.023 per GB-month; Scheduler $1.00 per
  million invocations, creating schedules is not charged)
* SQS standard queues: https://aws.amazon.com/sqs/pricing/ ($0.40 per million requests, each 64 KB
  chunk of a payload one request)
* Lambda on arm64: https://aws.amazon.com/lambda/pricing/ ($0.20 per million requests, $0.0000133334
  per GB-second); CPU share from https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
  (1,769 MB is the equivalent of one vCPU)
* API Gateway REST APIs: https://aws.amazon.com/api-gateway/pricing/ ($3.50 per million requests)
* CloudWatch Logs: https://aws.amazon.com/cloudwatch/pricing/ ($0.50 per GB ingested, standard class)
* X-Ray: https://aws.amazon.com/xray/pricing/ ($5.00 per million traces recorded); default sampling
  rule: the first request each second and 5% of the rest
  (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

PRICES_AS_OF: Final = "December 2026, us-east-1 list prices"


@dataclass(frozen=True)
class Price:
    service: str
    unit: str
    usd: float  # per one unit
    source: str  # the pricing page (key of the docstring list above)


_M = 1_000_000
PRICES: Final = {
    ("API Gateway", "request"): Price("API Gateway", "request", 3.50 / _M, "api-gateway/pricing"),
    ("Lambda", "invocation"): Price("Lambda", "invocation", 0.20 / _M, "lambda/pricing"),
    ("Lambda", "GB-s"): Price("Lambda", "GB-s", 0.0000133334, "lambda/pricing (arm64)"),
    ("DynamoDB", "WRU"): Price("DynamoDB", "WRU", 0.625 / _M, "dynamodb/pricing/on-demand"),
    ("DynamoDB", "RRU"): Price("DynamoDB", "RRU", 0.125 / _M, "dynamodb/pricing/on-demand"),
    ("S3", "PUT"): Price("S3", "PUT", 0.005 / 1000, "s3/pricing"),
    ("S3", "GET"): Price("S3", "GET", 0.0004 / 1000, "s3/pricing"),
    ("EventBridge", "event"): Price("EventBridge", "event", 1.00 / _M, "eventbridge/pricing"),
    ("EventBridge", "archive GB"): Price("EventBridge", "archive GB", 0.10, "eventbridge/pricing"),
    ("EventBridge", "archive GB-month"): Price("EventBridge", "archive GB-month", 0.023, "eventbridge/pricing"),
    ("Scheduler", "invocation"): Price("Scheduler", "invocation", 1.00 / _M, "eventbridge/pricing"),
    ("Scheduler", "API call"): Price("Scheduler", "API call", 0.0, "eventbridge/pricing (not charged)"),
    ("SQS", "request"): Price("SQS", "request", 0.40 / _M, "sqs/pricing"),
    ("DynamoDB Streams", "GetRecords"): Price("DynamoDB Streams", "GetRecords", 0.0, "free for Lambda"),
    ("CloudWatch Logs", "GB"): Price("CloudWatch Logs", "GB", 0.50, "cloudwatch/pricing"),
    ("X-Ray", "trace"): Price("X-Ray", "trace", 5.00 / _M, "xray/pricing"),
}

# Services whose figures are counted from the calls the handlers make (the scope); the rest
# (logs, traces) are observability, reported beside them.
OBSERVABILITY: Final = frozenset({"CloudWatch Logs", "X-Ray"})

# -- assumptions for what cannot be counted in-process (each one printed with the figures) -------------
# Lambda's CPU share grows with memory: below this a function gets a fraction of one vCPU, so CPU work
# measured here on a full core is taken to last 1769/memory times longer there (same core speed assumed).
LAMBDA_FULL_VCPU_MB: Final = 1769
# Round trip of one AWS call from Lambda in the same region (moto answers in-process, so the wait a
# real call adds to a function's billed duration is modeled, not measured).
AWS_CALL_LATENCY_MS: Final = 10.0
# Lines Lambda writes per invocation (START, END, REPORT with the X-Ray trace id) and one API Gateway
# access log line (JSON with the standard fields) per request, in bytes.
LAMBDA_PLATFORM_LOG_BYTES: Final = 350
API_ACCESS_LOG_BYTES: Final = 300
# Active tracing on every function and the API stage: a newsroom's rate stays under the default rule's
# one trace per second, so every API request and every event-triggered invocation is a recorded trace.
TRACE_SAMPLED_SHARE: Final = 1.0


def price(service: str, unit: str) -> Price:
    return PRICES[(service, unit)]
