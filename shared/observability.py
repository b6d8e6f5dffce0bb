"""Logging and metrics, one way for every function. No Tracer: it costs ~200 ms of cold start.

Each handler module calls ``observability(...)`` at import, while its own environment
(POWERTOOLS_SERVICE_NAME and friends) is in force: that is the function's cold start.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from aws_lambda_powertools import Logger, Metrics

# Read routes and skipped records legitimately emit no metric; Powertools warns on every such flush.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


@dataclass(frozen=True)
class Observability:
    logger: Logger
    metrics: Metrics


def observability(metrics_namespace: str) -> Observability:
    """Service name and log level come from the POWERTOOLS_* variables Powertools reads itself."""
    return Observability(logger=Logger(), metrics=Metrics(namespace=metrics_namespace))
