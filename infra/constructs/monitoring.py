"""Monitoring: the alarm topic, the alarms an on-call needs, and the "Newsroom" dashboard.

Every alarm (these and the DLQ alarms of :class:`~infra.constructs.events.Events`) notifies one SNS
topic on ALARM and on OK, and treats missing data as not breaching: a quiet pipeline is healthy.
The topic is encrypted with a customer-managed KMS key: CloudWatch cannot publish to a topic
encrypted with the AWS-managed ``alias/aws/sns`` key (its key policy cannot grant CloudWatch).
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants
from infra.constructs.api import Api
from infra.constructs.events import Events
from infra.constructs.functions import Functions, PipelineFunction

PERIOD = Duration.minutes(constants.ALARM_PERIOD_MINUTES)

# Custom EMF metrics (namespace POWERTOOLS_NAMESPACE, dimension service = the emitting function's
# spec name, i.e. its POWERTOOLS_SERVICE_NAME): (metric name, emitting function).
BUSINESS_METRICS = (
    ("ArticlesAccepted", constants.API),
    ("ArticlesPublished", constants.ENRICH),
    ("ArticlesRejected", constants.ENRICH),
    ("FeedsRebuilt", constants.BUILD_FEEDS),
    ("EventsPublished", constants.RELAY),
)

# What a failure of each function means downstream, for the alarm descriptions.
FAILURE_IMPACT = {
    constants.API.name: "callers get 5xx answers",
    constants.RELAY.name: "stream batches are retried, then land in the relay-failures DLQ",
    constants.ENRICH.name: "messages are retried, then land in the enrich DLQ",
    constants.BUILD_FEEDS.name: "messages are retried, then land in the feeds DLQ",
}


class Monitoring(Construct):
    """Alarms on errors, throttles, API health, stalled queues and the relay's lag, plus a dashboard.

    - ``topic``: where every alarm goes (ALARM and OK); ``alarm_email`` subscribes an address to it.
    - ``alarms``: the alarms defined here (the DLQ alarms stay in ``events.alarms``, with actions added).
    - ``dashboard``: the "Newsroom" dashboard.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Functions,
        events: Events,
        api: Api,
        alarm_email: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self._prefix = stack.stack_name

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
        self.topic = sns.Topic(
            self,
            "AlarmTopic",
            display_name="Newsroom alarms",
            master_key=key,
            enforce_ssl=True,
        )
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsOfThisAccount",
                principals=[cloudwatch_principal],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
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
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self._action = actions.SnsAction(self.topic)

        self.alarms: list[cloudwatch.Alarm] = []
        for function in functions.all:
            self._function_alarms(function)
        self._api_alarms(api)
        self._queue_age_alarm("EnrichQueueAge", "enrich", events.enrich_queue)
        self._queue_age_alarm("FeedsQueueAge", "feeds", events.feeds_queue)
        self._alarm(
            "RelayIteratorAge",
            name="relay-IteratorAge",
            metric=functions.relay.function.metric("IteratorAge", period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM),
            threshold=constants.ITERATOR_AGE_ALARM_MS,
            description=f"The relay is more than {constants.ITERATOR_AGE_ALARM_MS // 1000} s behind the table "
            "stream: events reach consumers late. Check the relay's errors, throttles and duration; records "
            "expire from the stream after 24 h.",
        )

        for alarm in events.alarms:  # the DLQ alarms
            self._notify(alarm)

        self.dashboard = self._dashboard(functions, events, api)

    # -- alarms -------------------------------------------------------------------------------------
    def _notify(self, alarm: cloudwatch.Alarm) -> None:
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)

    def _alarm(
        self, construct_id: str, *, name: str, metric: cloudwatch.IMetric, threshold: float, description: str
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            alarm_name=f"{self._prefix}-{name}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self._notify(alarm)
        self.alarms.append(alarm)
        return alarm

    def _function_alarms(self, function: PipelineFunction) -> None:
        name = function.spec.name
        stem = "".join(part.capitalize() for part in name.split("_"))
        self._alarm(
            f"{stem}Errors",
            name=f"{name}-Errors",
            metric=function.function.metric_errors(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            threshold=0,
            description=f"The {name} function failed in the last {constants.ALARM_PERIOD_MINUTES} minutes "
            f"({FAILURE_IMPACT[name]}). Read its logs (Powertools JSON, by correlation id) and X-Ray traces.",
        )
        self._alarm(
            f"{stem}Throttles",
            name=f"{name}-Throttles",
            metric=function.function.metric_throttles(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            threshold=0,
            description=f"The {name} function was throttled: the account's Lambda concurrency is exhausted. "
            "Find the function using it (dashboard: invocations) and check the concurrency quota.",
        )

    def _api_alarms(self, api: Api) -> None:
        stage = api.rest_api.deployment_stage
        self._alarm(
            "Api5xx",
            name="api-5XXError",
            metric=stage.metric_server_error(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            threshold=0,
            description="The API answered 5xx. Check the api function's errors and logs, then the gateway's "
            "access logs (integration timeouts answer 504).",
        )
        self._alarm(
            "ApiLatencyP99",
            name="api-LatencyP99",
            metric=stage.metric_latency(period=PERIOD, statistic=cloudwatch.Stats.p(99)),
            threshold=constants.API_LATENCY_P99_ALARM_MS,
            description=f"The API's p99 latency exceeds {constants.API_LATENCY_P99_ALARM_MS / 1000:g} s. Check "
            "the api function's duration and cold starts, and DynamoDB/S3 latency in its X-Ray traces.",
        )

    def _queue_age_alarm(self, construct_id: str, name: str, queue: sqs.Queue) -> None:
        self._alarm(
            construct_id,
            name=f"{name}-QueueAge",
            metric=queue.metric_approximate_age_of_oldest_message(period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM),
            threshold=constants.QUEUE_AGE_ALARM_S,
            description=f"A message has waited more than {constants.QUEUE_AGE_ALARM_S} s in the {name} queue: "
            "the pipeline has stalled. Check the consumer's errors, throttles and event source mapping.",
        )

    # -- dashboard ----------------------------------------------------------------------------------
    def _dashboard(self, functions: Functions, events: Events, api: Api) -> cloudwatch.Dashboard:
        stage = api.rest_api.deployment_stage
        sum_ = cloudwatch.Stats.SUM

        def per_function(title: str, metric: str, statistic: str) -> cloudwatch.GraphWidget:
            return cloudwatch.GraphWidget(
                title=title,
                width=8,
                left=[
                    f.function.metric(metric, period=PERIOD, statistic=statistic, label=f.spec.name)
                    for f in functions.all
                ],
            )

        def business(metric_name: str, spec: constants.FunctionSpec) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace=constants.POWERTOOLS_NAMESPACE,
                metric_name=metric_name,
                dimensions_map={"service": spec.name},
                period=PERIOD,
                statistic=sum_,
                label=metric_name,
            )

        queues = {
            "enrich": events.enrich_queue,
            "feeds": events.feeds_queue,
            "enrich DLQ": events.enrich_dlq,
            "feeds DLQ": events.feeds_dlq,
            "relay failures": events.relay_failures,
        }
        dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=constants.DASHBOARD_NAME,
            default_interval=Duration.hours(3),
        )
        dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=[*self.alarms, *events.alarms], width=24, height=4)
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="API requests", width=6, left=[stage.metric_count(period=PERIOD, statistic=sum_)]
            ),
            cloudwatch.GraphWidget(
                title="API errors",
                width=6,
                left=[
                    stage.metric_client_error(period=PERIOD, statistic=sum_, label="4XXError"),
                    stage.metric_server_error(period=PERIOD, statistic=sum_, label="5XXError"),
                ],
            ),
            cloudwatch.GraphWidget(
                title="API latency (ms)",
                width=12,
                left=[
                    stage.metric_latency(period=PERIOD, statistic=stat, label=f"Latency {stat}")
                    for stat in (cloudwatch.Stats.p(50), cloudwatch.Stats.p(99))
                ],
                left_annotations=[
                    cloudwatch.HorizontalAnnotation(value=constants.API_LATENCY_P99_ALARM_MS, label="p99 alarm")
                ],
            ),
        )
        dashboard.add_widgets(
            per_function("Invocations", "Invocations", sum_),
            per_function("Errors", "Errors", sum_),
            per_function("Duration p95 (ms)", "Duration", cloudwatch.Stats.p(95)),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Queue depth (visible messages)",
                width=8,
                left=[
                    queue.metric_approximate_number_of_messages_visible(
                        period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM, label=label
                    )
                    for label, queue in queues.items()
                ],
            ),
            cloudwatch.GraphWidget(
                title="Age of oldest message (s)",
                width=8,
                left=[
                    queue.metric_approximate_age_of_oldest_message(
                        period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM, label=label
                    )
                    for label, queue in (("enrich", events.enrich_queue), ("feeds", events.feeds_queue))
                ],
                left_annotations=[cloudwatch.HorizontalAnnotation(value=constants.QUEUE_AGE_ALARM_S, label="alarm")],
            ),
            cloudwatch.GraphWidget(
                title="Relay iterator age (ms)",
                width=8,
                left=[
                    functions.relay.function.metric(
                        "IteratorAge", period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM, label="relay"
                    )
                ],
                left_annotations=[
                    cloudwatch.HorizontalAnnotation(value=constants.ITERATOR_AGE_ALARM_MS, label="alarm")
                ],
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Articles",
                width=12,
                left=[business(name, spec) for name, spec in BUSINESS_METRICS if name.startswith("Articles")],
            ),
            cloudwatch.GraphWidget(
                title="Feeds rebuilt and events published",
                width=12,
                left=[business(name, spec) for name, spec in BUSINESS_METRICS if not name.startswith("Articles")],
            ),
        )
        return dashboard
