"""Names, sizes and limits of the deployment in one place."""

from __future__ import annotations

from dataclasses import dataclass

SERVICE = "newsroom"
EVENT_SOURCE = "newsroom.pipeline"
# Python version of the Lambda runtime. It matches the interpreter that builds and tests the project
# so that assets ship compiled bytecode (see infra/staging.py): 3.5x faster imports at cold start.
LAMBDA_RUNTIME_VERSION = "3.13"
LAMBDA_ARCHITECTURE = "arm64"
LOG_RETENTION_DAYS = 30
POWERTOOLS_NAMESPACE = "Newsroom"

# Names of the events that trigger each consumer (detail-type on the custom bus).
ENRICH_TRIGGERS = ("ArticleSubmitted",)
FEED_TRIGGERS = ("ArticlePublished",)  # corrections and takedowns will add theirs


@dataclass(frozen=True)
class FunctionSpec:
    name: str  # folder under functions/, also the logical id stem
    handler: str  # module path of the entry point inside the asset
    memory_mb: int
    timeout_s: int
    description: str


API = FunctionSpec("api", "functions.api.handler.handler", 512, 10, "HTTP API: submit and read articles and feeds")
RELAY = FunctionSpec("relay", "functions.relay.handler.handler", 256, 30, "Table stream -> domain events")
ENRICH = FunctionSpec("enrich", "functions.enrich.handler.handler", 1024, 60, "Enrich and publish articles")
BUILD_FEEDS = FunctionSpec(
    "build_feeds", "functions.build_feeds.handler.handler", 512, 60, "Render static feeds to the site bucket"
)
FUNCTIONS = (API, RELAY, ENRICH, BUILD_FEEDS)

# Event source mappings.
RELAY_BATCH_SIZE = 100
RELAY_MAX_RETRIES = 5
QUEUE_BATCH_SIZE = 10
FEEDS_BATCHING_WINDOW_S = 2  # coalesce bursts of publications into one rebuild
MAX_RECEIVE_COUNT = 3  # deliveries before a message goes to its queue's DLQ
DLQ_RETENTION_DAYS = 14

# API
API_STAGE = "v1"
API_THROTTLE_RATE = 50
API_THROTTLE_BURST = 100

# Stack and synthesized template (paths relative to the repository root)
STACK_NAME = "Newsroom"
CDK_OUT_DIR = "cdk.out"
TEMPLATE_FILE = f"{CDK_OUT_DIR}/{STACK_NAME}.template.json"
FUNCTION_TAG = f"{SERVICE}:function"  # tag on each Lambda function; its value is FunctionSpec.name

# Context keys (cdk.json or `cdk synth -c key=value`)
CONTEXT_WEBSITE_URL = f"{SERVICE}:websiteUrl"
CONTEXT_DELETION_PROTECTION = f"{SERVICE}:deletionProtection"
DEFAULT_WEBSITE_URL = "https://news.example.org"

# Queues and events
VISIBILITY_TIMEOUT_FACTOR = 6  # queue visibility timeout >= this x the consumer's timeout (AWS guidance)
EVENT_ARCHIVE_RETENTION_DAYS = 90

# API key usage plan (the CMS)
API_KEY_THROTTLE_RATE = 10
API_KEY_THROTTLE_BURST = 20
API_KEY_QUOTA_PER_DAY = 10_000

# Site (CloudFront)
SITE_CACHE_DEFAULT_TTL_S = 60  # used when an object has no Cache-Control
SITE_CACHE_MAX_TTL_S = 86_400
SITE_CORS_MAX_AGE_S = 600
LOG_BUCKET_EXPIRY_DAYS = 90

# Monitoring (alarms notify one SNS topic; thresholds in each metric's own unit)
CONTEXT_ALARM_EMAIL = f"{SERVICE}:alarmEmail"  # optional e-mail subscription of the alarm topic
DASHBOARD_NAME = "Newsroom"
ALARM_PERIOD_MINUTES = 5
API_LATENCY_P99_ALARM_MS = 3_000
QUEUE_AGE_ALARM_S = 300  # ApproximateAgeOfOldestMessage (seconds): the pipeline has stalled
ITERATOR_AGE_ALARM_MS = 60_000  # Lambda IteratorAge is in milliseconds: the relay falls behind the stream
