"""Command line of the local runtime.

python -m infra.local [run options]          start it, print where everything is, seed it, wait for Ctrl-C
python -m infra.local token --role editor    print a token the running local API accepts
python -m infra.local redrive <dlq>          move a DLQ's messages back to its source queue (local or AWS)
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from infra.local.deploy import DeployError
from infra.local.faults import FaultSettings, FaultSettingsError
from infra.local.lambdas import DEFAULT_CONCURRENCY
from infra.local.runtime import DEFAULT_API_KEY, DEFAULT_TEMPLATE, REPO_ROOT, LocalRuntime, WiringError
from infra.local.template import TemplateError

log = logging.getLogger("infra.local")

DEFAULT_SEED_MODULE = "infra.local.samples"
SEED_IDLE_TIMEOUT_S = 20.0


def _parser() -> argparse.ArgumentParser:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="python -m infra.local",
        description="Run the pipeline locally: the CDK template deployed into moto, handlers in-process.",
    )
    parser.add_argument("--template", default=env.get("TEMPLATE", DEFAULT_TEMPLATE), help="synthesized template")
    parser.add_argument("--port", type=int, default=int(env.get("PORT", "8000")), help="HTTP port (0: any free)")
    parser.add_argument(
        "--moto-port", type=int, default=int(env.get("MOTO_PORT", "4566")), help="moto port (0: any free)"
    )
    parser.add_argument("--api-key", default=env.get("API_KEY", DEFAULT_API_KEY), help="value of x-api-key")
    parser.add_argument("--code-root", default=str(REPO_ROOT), help="where handler modules are imported from")
    parser.add_argument(
        "--retry-delay",
        type=float,
        default=float(env.get("LOCAL_RETRY_DELAY_S", "1")),
        help="seconds before a failed SQS message is retried (instead of the queue's visibility timeout)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=int(env.get("LOCAL_CONCURRENCY", str(DEFAULT_CONCURRENCY))),
        help="concurrent invocations per function without ReservedConcurrentExecutions (env LOCAL_CONCURRENCY)",
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=float(env.get("FAULT_RATE", "0")),
        help="share (0-1) of AWS calls by function code that fail, and of deliveries duplicated/reordered",
    )
    parser.add_argument("--fault-seed", default=env.get("FAULT_SEED", "0"), help="seed of the fault decisions")
    parser.add_argument(
        "--fault-mode",
        default=env.get("FAULT_MODE", "post-retry"),
        choices=("post-retry", "transient"),
        help="post-retry: a faulted call fails on every attempt; transient: only the first attempt fails",
    )
    parser.add_argument(
        "--rule-rate-scale",
        type=float,
        default=float(env.get("LOCAL_RULE_RATE_SCALE", "1")),
        help="run rate(...) scheduled rules this many times faster (tests); default 1, the template's rates",
    )
    parser.add_argument(
        "--seed-module", default=DEFAULT_SEED_MODULE, help="module with load(api_url, api_key, token=None)"
    )
    parser.add_argument("--no-seed", action="store_true", help="do not load sample content")
    parser.add_argument("--allow-unwired", action="store_true", help="start even if something cannot be wired")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every invocation")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in ("token", "redrive"):
        from infra.local.tools import main as verb  # noqa: PLC0415

        return verb(arguments)
    if arguments and arguments[0] == "run":
        arguments = arguments[1:]
    args = _parser().parse_args(arguments)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)-5s %(name)s: %(message)s",
    )
    for noisy in ("botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    template = Path(args.template)
    if not template.is_file():
        print(
            f"no template at {template}: synthesize it first with\n  CDK_OUTDIR=cdk.out .venv/bin/python -m infra.app",
            file=sys.stderr,
        )
        return 2
    try:
        seed: int | str = int(args.fault_seed)
    except ValueError:
        seed = args.fault_seed
    try:
        faults = FaultSettings().changed({"rate": args.fault_rate, "seed": seed, "mode": args.fault_mode})
        runtime = LocalRuntime(
            template,
            port=args.port,
            moto_port=args.moto_port,
            api_key=args.api_key,
            code_root=args.code_root,
            retry_delay_s=args.retry_delay,
            strict=not args.allow_unwired,
            concurrency=args.concurrency,
            fault_settings=faults,
            rule_rate_scale=args.rule_rate_scale,
        )
    except (FaultSettingsError, ValueError) as exc:
        print(f"local runtime did not start: {exc}", file=sys.stderr)
        return 2
    try:
        runtime.start()
    except (WiringError, TemplateError, DeployError, RuntimeError) as exc:
        print(f"local runtime did not start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        print(runtime.wiring().summary(), flush=True)
        if not args.no_seed:
            _seed(args.seed_module, runtime)
        print(banner(runtime), flush=True)
        while not stop.wait(1.0):
            pass
    finally:
        print("stopping…", file=sys.stderr, flush=True)
        runtime.stop()
    return 0


def _seed(module_name: str, runtime: LocalRuntime) -> None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            print(f"note: no seed module {module_name}; starting empty", flush=True)
            return
        raise
    load: Any = getattr(module, "load", None)
    if not callable(load):
        print(f"note: {module_name} has no load(api_url, api_key); starting empty", flush=True)
        return
    try:
        token = runtime.mint_token() if runtime.user_pools else None  # every group of the pool
        created = (
            load(runtime.api_url, runtime.api_key, token=token) if token else load(runtime.api_url, runtime.api_key)
        )
    except Exception:
        log.exception("seeding with %s failed; the runtime keeps running", module_name)
        return
    print(f"seeded {len(created or [])} item(s) with {module_name}", flush=True)
    if not runtime.wait_idle(SEED_IDLE_TIMEOUT_S):
        print(f"note: the pipeline was still busy {SEED_IDLE_TIMEOUT_S:.0f} s after seeding", flush=True)


def _site_file(runtime: LocalRuntime, suffix: str, default: str) -> str:
    """The URL of a site file ending in ``suffix`` (feeds of 'all' first), or the expected one."""
    distribution = runtime.distribution
    if distribution is not None and distribution.behavior_for("/" + default).origin.kind == "api":
        return f"{runtime.site_url}/{default} (rendered by the API)"
    if runtime.site_bucket:
        keys = []
        paginator = runtime.client("s3").get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=runtime.site_bucket, PaginationConfig={"MaxItems": 1000}):
            keys += [item["Key"] for item in page.get("Contents", [])]
        matching = sorted((k for k in keys if k.endswith(suffix)), key=lambda k: ("/all/" not in k, len(k), k))
        if matching:
            return f"{runtime.site_url}/{matching[0]}"
    return f"{runtime.site_url}/{default} (not built yet)"


def banner(runtime: LocalRuntime) -> str:
    routes = runtime.api.routes if runtime.api else []
    openapi = next((r.resource_path for r in routes if "openapi" in r.resource_path.lower()), None)
    feed = next((r.resource_path for r in routes if r.resource_path.rstrip("/").endswith("/feed")), None)
    tables = [t.physical_id for t in runtime.deployment.of_type("AWS::DynamoDB::Table")] if runtime.deployment else []
    lines = [
        "",
        "Newsroom local runtime is up" + (f" (started in {runtime.startup_s:.1f} s)" if runtime.startup_s else ""),
        f"  API            {runtime.api_url}",
        f"  OpenAPI        {runtime.api_url}{openapi}" if openapi else "  OpenAPI        (no route)",
        f"  Feed (API)     {runtime.api_url}{feed}" if feed else "  Feed (API)     (no route)",
        f"  JSON Feed file {_site_file(runtime, 'feed.json', 'feeds/all/feed.json')}",
        f"  RSS file       {_site_file(runtime, '.xml', 'feeds/all/rss.xml')}",
        f"  Site bucket    {runtime.site_url}/  (s3://{runtime.site_bucket})",
        f"  moto endpoint  {runtime.moto_url}",
        f"  API key        {runtime.api_key}  (header x-api-key)",
        f"  Wiring         {runtime.base_url}/_local/wiring   (idle: /_local/idle, stats: /_local/stats)",
        f"  Faults         {runtime.base_url}/_local/faults  ({_faults_line(runtime)})",
    ]
    if runtime.user_pools:
        lines.append(f"  Tokens         make token ROLE=<{'|'.join(runtime.user_pools[0].groups) or 'role'}>")
    if tables:
        lines.append(f"  try: aws --endpoint-url {runtime.moto_url} dynamodb scan --table-name {tables[0]}")
    lines.append("Ctrl-C to stop.")
    return "\n".join(lines)


def _faults_line(runtime: LocalRuntime) -> str:
    settings = runtime.faults.settings
    if settings.rate <= 0:
        return "off"
    return f"rate {settings.rate:g}, seed {settings.seed}, {settings.mode}"
