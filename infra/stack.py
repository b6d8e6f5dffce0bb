"""The newsroom stack: a thin composition of one construct per pipeline stage.

    storage -> site -> outbox relay -> scheduling/reconcile -> enrichment -> ingest -> (site serves the API)
                                                                                    -> monitoring

The site comes before the functions because they link to it (``SITE_BASE_URL``); it learns the API's
origin last, from the API's id only, which keeps CloudFormation free of a dependency cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import constants
from infra.config import StageConfig
from infra.constructs.enrichment import Enrichment
from infra.constructs.function import layer
from infra.constructs.ingest import Ingest
from infra.constructs.monitoring import Monitoring, WatchedQueue
from infra.constructs.relay import OutboxRelay
from infra.constructs.scheduling import Scheduling
from infra.constructs.site import Site
from infra.constructs.storage import Storage


class NewsroomStack(Stack):
    """Environment-agnostic: synthesizes offline, without an account.

    ``function_code`` maps each function name to its staged asset folder; ``layer_dirs`` maps each
    layer name (``dependencies``, then the extra layers of ``constants.EXTRA_LAYERS``) to its staged
    folder, or ``None`` when that layer has nothing to ship (see :mod:`infra.staging`). The stack itself
    never touches the file system.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        function_code: Mapping[str, Path],
        layer_dirs: Mapping[str, Path | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        layers = self._layers(layer_dirs)

        def layers_of(spec: constants.FunctionSpec) -> list[lambda_.ILayerVersion]:
            return [layers["dependencies"]] + [
                layers[name] for name, users in constants.EXTRA_LAYERS.items() if spec.name in users and name in layers
            ]

        def code(spec: constants.FunctionSpec) -> dict[str, Any]:
            return {"code": function_code[spec.name], "layers": layers_of(spec)}

        self.storage = Storage(self, "Storage", deletion_protection=config.deletion_protection)
        table, documents = self.storage.table, self.storage.documents_bucket
        self.site = Site(self, "Site", config=config, log_bucket=self.storage.log_bucket)
        self.relay = OutboxRelay(
            self, "OutboxRelay", table=table, site_base_url=self.site.base_url, **code(constants.RELAY)
        )
        self.scheduling = Scheduling(self, "Scheduling", table=table, **code(constants.RECONCILE))
        self.enrichment = Enrichment(
            self,
            "Enrichment",
            table=table,
            documents=documents,
            scheduling=self.scheduling,
            website_url=config.website_url.rstrip("/"),
            **code(constants.ENRICH),
        )
        self.enrichment.accept_work_from(self.relay.relay, self.scheduling.reconcile)
        self.ingest = Ingest(
            self,
            "Ingest",
            config=config,
            table=table,
            documents=documents,
            scheduling=self.scheduling,
            site_base_url=self.site.base_url,
            **code(constants.API),
        )
        self.site.serve_api(self.ingest.rest_api)

        self.functions = (self.ingest.api, self.relay.relay, self.enrichment.enrich, self.scheduling.reconcile)
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            functions=self.functions,
            stream_reader=self.relay.relay,
            work_queues=[
                WatchedQueue("enrich", self.enrichment.queue, self.enrichment.dlq),
                WatchedQueue("schedule", self.scheduling.queue, self.scheduling.dlq),
            ],
            dead_letter_queues=[
                ("relay-failures", self.relay.failures),
                ("reconcile-tick-dlq", self.scheduling.tick_dlq),
            ],
            rest_api=self.ingest.rest_api,
            table=table,
            web_acl=self.ingest.web_acl,
            alarm_email=config.alarm_email,
        )
        self._outputs()

    def _layers(self, layer_dirs: Mapping[str, Path | None]) -> dict[str, lambda_.ILayerVersion]:
        descriptions = {
            "dependencies": "Pinned runtime dependencies of every newsroom function (boto3 from the runtime)"
        }
        return {
            name: layer(
                self,
                "DependenciesLayer" if name == "dependencies" else f"{name.capitalize()}Layer",
                folder,
                descriptions.get(name, f"Pinned [{name}] optional dependencies, only for the functions that use them"),
            )
            for name, folder in layer_dirs.items()
            if folder is not None
        }

    def _outputs(self) -> None:
        ingest = self.ingest
        outputs = {
            "ApiUrl": (ingest.url, "Base URL of the REST API (stage included): editorial writes go here"),
            "SiteUrl": (self.site.base_url, "Public site (CloudFront): feeds, sitemaps, cached article reads"),
            "EventBusName": (self.relay.bus.event_bus_name, "Custom EventBridge bus of domain events"),
            "UserPoolId": (ingest.user_pool.user_pool_id, "Cognito user pool of editors and publishers"),
            "UserPoolClientId": (ingest.cms_client.user_pool_client_id, "Cognito app client of the CMS"),
            "ApiKeyId": (ingest.api_key.key_id, "Id of the CMS's API key (read its value with the CLI)"),
            "TableName": (self.storage.table.table_name, "Single DynamoDB table (retained on destroy)"),
            "DocumentsBucketName": (self.storage.documents_bucket.bucket_name, "Documents bucket (retained)"),
            "SiteBucketName": (self.site.bucket.bucket_name, "Bucket behind the site distribution"),
            "ScheduleGroupName": (self.scheduling.group.schedule_group_name, "Scheduler group of publications"),
            "WebAclArn": (ingest.web_acl.attr_arn, "AWS WAF web ACL on the API stage"),
            "AlarmTopicArn": (self.monitoring.topic.topic_arn, "SNS topic every alarm notifies (ALARM and OK)"),
        }
        for output_id, (value, description) in outputs.items():
            CfnOutput(self, output_id, value=value, description=description)
