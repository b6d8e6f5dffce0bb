"""Names, sizes and limits of the deployment in one place.

Values a deployer may change per stage (site identity, throttles, quotas, WAF rate) are not here but
in :mod:`infra.config` (CDK context, defaults in cdk.json); these are the fixed design choices.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICE = "newsroom"
EVENT_SOURCE = "newsroom.pipeline"
# Python version of the Lambda runtime. It matches the interpreter that builds and tests the project
# so that assets ship compiled bytecode (see infra/staging.py).
LAMBDA_RUNTIME_VERSION = "3.13"
LAMBDA_ARCHITECTURE = "arm64"
LOG_RETENTION_DAYS = 30
POWERTOOLS_NAMESPACE = "Newsroom"
POWERTOOLS_LOG_LEVEL = "INFO"


@dataclass(frozen=True)
class FunctionSpec:
    name: str  # folder under functions/, also the logical id stem and POWERTOOLS_SERVICE_NAME
    memory_mb: int
    timeout_s: int
    description: str

    @property
    def handler(self) -> str:
        """Module path of the entry point inside the asset: functions/<name>/handler.py, ``handler``."""
        return f"functions.{self.name}.handler.handler"


API = FunctionSpec("api", 512, 10, "HTTP API: editorial writes and public reads (articles, feeds, sitemaps)")
RELAY = FunctionSpec("relay", 256, 30, "Table stream (article heads) -> domain events on the bus")
ENRICH = FunctionSpec("enrich", 1024, 60, "Enrich a revision, then publish, schedule or reject it")
RECONCILE = FunctionSpec("reconcile", 256, 60, "Publish due scheduled articles; re-announce stranded work")
FUNCTIONS = (API, RELAY, ENRICH, RECONCILE)
# Extra Lambda layers, each built from the [project.optional-dependencies] group of its name and
# attached only to the functions listed (heavy dependencies stay off the other functions' cold path).
EXTRA_LAYERS: dict[str, tuple[str, ...]] = {"enrich": (ENRICH.name,), "auth": (API.name,)}
# Layers installed exactly as pinned, without the packages' declared requirements: pymorphy3 declares the
# Russian dictionary (16 MB) and setuptools, which it never imports when given the Ukrainian one.
EXACT_LAYERS = frozenset({"enrich"})

# -- Storage ----------------------------------------------------------------------------------------
TABLE_PARTITION_KEY = "pk"
TABLE_SORT_KEY = "sk"
TABLE_TTL_ATTRIBUTE = "expires_at"
FEED_SORT_KEY = "feed_sk"
# (index name, partition key attribute, sort key attribute, projected non-key attributes or None for KEYS_ONLY)
TABLE_INDEXES: tuple[tuple[str, str, str, tuple[str, ...] | None], ...] = (
    # Enrichment compares against the signature in the language index only; the others keep projecting it
    # because CloudFormation cannot change an existing index's projection in place (and dropping it saved
    # nothing measurable: the projected card and signature stay under one write unit's kilobyte).
    ("FeedAll", "feed_all", FEED_SORT_KEY, ("card", "sig")),
    ("FeedSection", "feed_section", FEED_SORT_KEY, ("card", "sig")),
    ("FeedLang", "feed_lang", FEED_SORT_KEY, ("card", "sig")),
    ("Pending", "pending_pk", "pending_at", None),
    # Articles taken down (sparse): Atom feeds show them as deleted entries for a week (RFC 6721).
    ("Takedowns", "takedown_pk", "takedown_at", ("feeds", "takedown")),
)
UNFINISHED_WORK_INDEX = "Pending"  # the local runtime's idleness check reads it (template Metadata)
LOCAL_METADATA_KEY = f"{SERVICE}:local"
DOCUMENTS_SUBMISSIONS_PREFIX = "submissions"
# Key prefixes each function may write (dynamodb:LeadingKeys). Keys are built in shared/store.
API_WRITES_KEYS = ("ARTICLE#", "EXTERNAL#", "TAG#")
ENRICH_WRITES_KEYS = ("ARTICLE#", "SLUG#", "TAG#")
RECONCILE_WRITES_KEYS = ("ARTICLE#",)

# -- Queues, retries and the stream -----------------------------------------------------------------
# AWS guidance: a queue's visibility timeout >= 6 x its consumer's timeout (+ batching window).
VISIBILITY_TIMEOUT_FACTOR = 6
QUEUE_BATCH_SIZE = 10
QUEUE_RETENTION_DAYS = 4
DLQ_RETENTION_DAYS = 14
# Enrichment makes about 7 AWS calls per attempt. If each still fails 10% of the time after the SDK's
# own retries, an attempt fails with p = 1 - 0.9**7 = 0.52, and a message reaches the DLQ with
# p**32 = 9e-10: once in ~300 years at 10,000 submissions a day (~15 years at 200,000). The function
# backs failed messages off itself (ChangeMessageVisibility), so 32 receives span hours, not seconds.
ENRICH_MAX_RECEIVE_COUNT = 32
ENRICH_CALLS_PER_ATTEMPT = 7
ENRICH_FAULT_RATE = 0.10
# The reconciler's work is idempotent and swept again every minute: a few receives are enough.
SCHEDULE_MAX_RECEIVE_COUNT = 5
# Relay: retry a failing stream batch (bisected, partial failures reported) until its oldest record is
# an hour short of the stream's 24 h retention, then hand it to the on-failure queue.
RELAY_BATCH_SIZE = 100
RELAY_MAX_RECORD_AGE_HOURS = 23
RELAY_RETRY_UNTIL_EXPIRED = -1  # CloudFormation's "infinite": the record age bounds the retries
# The reconcile tick's rule target: retries and the age after which a tick is given up (to its DLQ).
TICK_TARGET_RETRY_ATTEMPTS = 2  # the next tick comes a minute later anyway
TICK_TARGET_MAX_EVENT_AGE_S = 120
RECONCILE_RATE_MINUTES = 1
EVENT_ARCHIVE_RETENTION_DAYS = 90

# -- Scheduling ---------------------------------------------------------------------------------------
SCHEDULE_GROUP_NAME = "newsroom-publications"

# -- API (REST, one stage) --------------------------------------------------------------------------
API_STAGE = "v1"
EDITOR_GROUP = "editor"
PUBLISHER_GROUP = "publisher"
# (method, path, editorial). Editorial routes need the usage plan's API key AND a Cognito ID token;
# the others are public (GET /articles/{id} checks an optional bearer token itself, for drafts).
ROUTES: tuple[tuple[str, str, bool], ...] = (
    ("POST", "/articles", True),
    ("PUT", "/articles/{id}", True),
    ("DELETE", "/articles/{id}", True),
    ("POST", "/articles/{id}/publish", True),
    ("GET", "/articles/{id}/revisions", True),
    ("GET", "/articles/{id}", False),
    ("GET", "/feed", False),
    ("GET", "/feeds/{proxy+}", False),
    ("GET", "/sitemaps/{file}", False),
    ("GET", "/robots.txt", False),
    ("GET", "/health", False),
    ("GET", "/openapi.json", False),
)
AUTHORIZER_CACHE_TTL_S = 300
# Cognito tokens of the CMS app client
ID_TOKEN_VALIDITY_MINUTES = 60
REFRESH_TOKEN_VALIDITY_DAYS = 30
PASSWORD_MIN_LENGTH = 14
# AWS WAF (regional, on the API stage)
WAF_RATE_WINDOW_S = 300
WAF_BODY_RULES = (  # Core rule set rules that inspect the body: counted, then re-applied outside editorial writes
    "SizeRestrictions_BODY",
    "CrossSiteScripting_BODY",
    "GenericRFI_BODY",
    "GenericLFI_BODY",
    "EC2MetaDataSSRF_BODY",
)

# -- Site (CloudFront) ------------------------------------------------------------------------------
# API paths served through the site distribution from the API origin with origin path /<stage>
SITE_API_PATHS = ("/feeds/*", "/sitemaps/*", "/robots.txt")
# API paths served with their stage prefix (query strings matter: format, cursor, filters)
SITE_STAGE_PATHS = (f"/{API_STAGE}/feed*", f"/{API_STAGE}/articles/*")
SITE_CACHE_MAX_TTL_S = 86_400
SITE_BUCKET_DEFAULT_TTL_S = 60  # site bucket objects without Cache-Control
SITE_CORS_MAX_AGE_S = 600
LOG_BUCKET_EXPIRY_DAYS = 90

# -- Stack and synthesized template (paths relative to the repository root) -------------------------
STACK_NAME = "Newsroom"
CDK_OUT_DIR = "cdk.out"
TEMPLATE_FILE = f"{CDK_OUT_DIR}/{STACK_NAME}.template.json"
FUNCTION_TAG = f"{SERVICE}:function"  # tag on each Lambda function; its value is FunctionSpec.name

# -- Monitoring (alarms notify one SNS topic) -------------------------------------------------------
DASHBOARD_NAME = "Newsroom"
ALARM_PERIOD_MINUTES = 5
API_LATENCY_P99_ALARM_MS = 3_000
QUEUE_AGE_ALARM_S = 300  # the oldest message waited this long: the pipeline has stalled
ITERATOR_AGE_ALARM_MS = 60_000  # the relay is a minute behind the table stream
WAF_BLOCKED_ALARM_PER_PERIOD = 1_000  # blocked requests in one period: an attack, or a rule hitting real traffic
