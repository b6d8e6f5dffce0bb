"""Monitoring: alarms and the dashboard through cdk-monitoring-constructs, notifying one encrypted topic.

The library (a maintained construct library, not hand-written alarms) builds each alarm and its
dashboard widget from one call per resource. What the on-call gets:

- every function: any error, any throttle in a 5-minute period; the relay also when it is more than
  a minute behind the table stream;
- the API: any 5xx, p99 latency above 3 s; the WAF: blocked requests above a threshold;
- every work queue: a message waited more than 5 minutes; every dead-letter queue: one message.

Every alarm notifies the topic on ALARM and on OK. The topic is encrypted with a customer-managed KMS
key: CloudWatch cannot publish to a topic encrypted with the AWS-managed ``alias/aws/sns`` key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cdk_monitoring_constructs as monitoring
from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra import constants
from infra.constructs.function import PipelineFunction

PERIOD = Duration.minutes(constants.ALARM_PERIOD_MINUTES)
CRITICAL = "Critical"
WARNING = "Warning"

# Custom EMF metrics (namespace POWERTOOLS_NAMESPACE, dimension service = the emitting function's
# spec name, i.e. its POWERTOOLS_SERVICE_NAME): (metric name, emitting function).
BUSINESS_METRICS = (
    ("ArticlesAccepted", constants.API),
    ("ArticlesPublished", constants.ENRICH),
    ("ArticlesRejected", constants.ENRICH),
    ("EventsPublished", constants.RELAY),
)


@dataclass(frozen=True)
class WatchedQueue:
    name: str
    queue: sqs.IQueue
    dlq: sqs.IQueue


class Monitoring(Construct):
    """``topic`` (every alarm, on ALARM and OK), ``facade`` (its alarms and the "Newsroom" dashboard)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Sequence[PipelineFunction],
        stream_reader: PipelineFunction,
        work_queues: Sequence[WatchedQueue],
        dead_letter_queues: Sequence[tuple[str, sqs.IQueue]],
        rest_api: apigateway.RestApi,
        table: dynamodb.Table,
        web_acl: wafv2.CfnWebACL,
        alarm_email: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.topic = self._topic(stack)
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))

        self.facade = monitoring.MonitoringFacade(
            self,
            "Facade",
            alarm_factory_defaults=monitoring.AlarmFactoryDefaults(
                actions_enabled=True,
                alarm_name_prefix=stack.stack_name,
                action=monitoring.SnsAlarmActionStrategy(on_alarm_topic=self.topic, on_ok_topic=self.topic),
                datapoints_to_alarm=1,
                evaluation_periods=1,
            ),
            metric_factory_defaults=monitoring.MetricFactoryDefaults(period=PERIOD),
            dashboard_factory=monitoring.DefaultDashboardFactory(
                self,
                "Dashboards",
                dashboard_name_prefix=constants.DASHBOARD_NAME,
                create_dashboard=True,
                create_summary_dashboard=False,
                create_alarm_dashboard=False,
            ),
        )
        # A quiet pipeline is healthy: missing data never alarms (SQS stops reporting idle queues).
        quiet = cloudwatch.TreatMissingData.NOT_BREACHING
        any_error = {CRITICAL: monitoring.ErrorCountThreshold(max_error_count=0, treat_missing_data_override=quiet)}
        not_empty = {
            CRITICAL: monitoring.MaxMessageCountThreshold(max_message_count=0, treat_missing_data_override=quiet)
        }

        self.facade.add_large_header("Newsroom: API, functions, queues")
        self.facade.monitor_api_gateway(
            api=rest_api,
            api_stage=constants.API_STAGE,
            alarm_friendly_name="rest-api",
            human_readable_name="REST API (stage v1)",
            add5_xx_fault_count_alarm=any_error,
            add_latency_p99_alarm={
                WARNING: monitoring.LatencyThreshold(
                    max_latency=Duration.millis(constants.API_LATENCY_P99_ALARM_MS), treat_missing_data_override=quiet
                )
            },
        )
        for function in functions:
            name = function.spec.name
            iterator_age = (
                {
                    WARNING: monitoring.MaxAgeThreshold(
                        max_age_in_millis=constants.ITERATOR_AGE_ALARM_MS, treat_missing_data_override=quiet
                    )
                }
                if function is stream_reader
                else None
            )
            self.facade.monitor_lambda_function(
                lambda_function=function.function,
                alarm_friendly_name=name,
                human_readable_name=f"{name} function",
                add_fault_count_alarm=any_error,
                add_throttles_count_alarm=any_error,
                is_iterator=function is stream_reader,
                add_max_iterator_age_alarm=iterator_age,
            )
        for watched in work_queues:
            self.facade.monitor_sqs_queue_with_dlq(
                queue=watched.queue,
                dead_letter_queue=watched.dlq,
                alarm_friendly_name=watched.name,
                human_readable_name=f"{watched.name} queue",
                add_queue_max_message_age_alarm={
                    WARNING: monitoring.MaxMessageAgeThreshold(
                        max_age_in_seconds=constants.QUEUE_AGE_ALARM_S, treat_missing_data_override=quiet
                    )
                },
                add_dead_letter_queue_max_size_alarm=not_empty,
            )
        for name, dlq in dead_letter_queues:
            self.facade.monitor_sqs_queue(
                queue=dlq,
                alarm_friendly_name=name,
                human_readable_name=f"{name} (dead letters)",
                add_queue_max_size_alarm=not_empty,
            )
        self.facade.monitor_dynamo_table(table=table, human_readable_name="Table", alarm_friendly_name="table")
        self.facade.monitor_web_application_firewall_acl_v2(
            acl=web_acl,
            region=stack.region,
            human_readable_name="API web ACL",
            alarm_friendly_name="waf",
            add_blocked_requests_count_alarm={
                WARNING: monitoring.ErrorCountThreshold(
                    max_error_count=constants.WAF_BLOCKED_ALARM_PER_PERIOD, treat_missing_data_override=quiet
                )
            },
        )
        self.facade.monitor_custom(
            alarm_friendly_name="business",
            human_readable_name="Articles and events",
            metric_groups=[
                monitoring.CustomMetricGroup(
                    title="Articles and events (per 5 minutes)",
                    metrics=[
                        cloudwatch.Metric(
                            namespace=constants.POWERTOOLS_NAMESPACE,
                            metric_name=metric_name,
                            dimensions_map={"service": spec.name},
                            period=PERIOD,
                            statistic=cloudwatch.Stats.SUM,
                            label=metric_name,
                        )
                        for metric_name, spec in BUSINESS_METRICS
                    ],
                )
            ],
        )

    def _topic(self, stack: Stack) -> sns.Topic:
        key = kms.Key(
            self,
            "AlarmTopicKey",
            description="Encrypts the newsroom alarm topic (CloudWatch may use it to publish)",
            enable_key_rotation=True,
            # Encrypts notifications in flight only: nothing outlives the stack that would need it.
            removal_policy=RemovalPolicy.DESTROY,
        )
        cloudwatch_principal = iam.ServicePrincipal("cloudwatch.amazonaws.com")
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[cloudwatch_principal],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
            )
        )
        topic = sns.Topic(self, "AlarmTopic", display_name="Newsroom alarms", master_key=key, enforce_ssl=True)
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsOfThisAccount",
                principals=[cloudwatch_principal],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        return topic

    @property
    def alarms(self) -> list[cloudwatch.AlarmBase]:
        return [created.alarm for created in self.facade.created_alarms()]
