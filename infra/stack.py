"""The newsroom stack: a thin composition of one construct per pipeline stage."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra import constants
from infra.constructs.api import Api
from infra.constructs.events import Events
from infra.constructs.functions import Functions
from infra.constructs.monitoring import Monitoring
from infra.constructs.storage import Storage


def context_flag(value: object) -> bool:
    """Context from ``cdk.json`` is JSON (bool); from ``-c key=value`` it is a string."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


class NewsroomStack(Stack):
    """Storage, events, functions and API of the pipeline. Environment-agnostic: synthesizes offline.

    ``function_code`` maps each function name to its staged asset folder and ``layer_dir`` is the staged
    dependency layer (see :mod:`infra.staging`); the stack itself never touches the file system.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function_code: Mapping[str, Path],
        layer_dir: Path,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        website_url = str(self.node.try_get_context(constants.CONTEXT_WEBSITE_URL) or constants.DEFAULT_WEBSITE_URL)
        if not website_url.startswith("https://"):
            raise ValueError(f"context {constants.CONTEXT_WEBSITE_URL} must be an https:// URL, got {website_url!r}")
        deletion_protection = context_flag(self.node.try_get_context(constants.CONTEXT_DELETION_PROTECTION))

        self.storage = Storage(self, "Storage", deletion_protection=deletion_protection)
        self.events = Events(self, "Events")
        self.functions = Functions(
            self,
            "Functions",
            storage=self.storage,
            events=self.events,
            code=function_code,
            layer_dir=layer_dir,
            website_url=website_url.rstrip("/"),
        )
        self.api = Api(self, "Api", handler=self.functions.api.function)
        alarm_email = str(self.node.try_get_context(constants.CONTEXT_ALARM_EMAIL) or "").strip() or None
        if alarm_email is not None and "@" not in alarm_email:
            raise ValueError(f"context {constants.CONTEXT_ALARM_EMAIL} must be an e-mail address, got {alarm_email!r}")
        self.monitoring = Monitoring(
            self, "Monitoring", functions=self.functions, events=self.events, api=self.api, alarm_email=alarm_email
        )

        outputs = {
            "ApiUrl": (self.api.url, "Base URL of the REST API (stage included)"),
            "SiteUrl": (self.storage.site_base_url, "Public site (CloudFront): static feeds and sitemaps"),
            "TableName": (self.storage.table.table_name, "Single DynamoDB table"),
            "EventBusName": (self.events.bus.event_bus_name, "Custom EventBridge bus of domain events"),
            "ApiKeyId": (self.api.api_key.key_id, "Id of the CMS's API key (read its value with the CLI)"),
            "DocumentsBucketName": (self.storage.documents_bucket.bucket_name, "Private documents bucket"),
            "SiteBucketName": (self.storage.site_bucket.bucket_name, "Bucket behind the site distribution"),
            "AlarmTopicArn": (self.monitoring.topic.topic_arn, "SNS topic every alarm notifies (ALARM and OK)"),
            "DashboardName": (self.monitoring.dashboard.dashboard_name, "CloudWatch dashboard of the pipeline"),
        }
        for output_id, (value, description) in outputs.items():
            CfnOutput(self, output_id, value=value, description=description)
