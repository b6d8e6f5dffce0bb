"""Cold-start proxy: how long importing each handler module takes in a fresh interpreter.

Each figure is the median of several fresh processes, after one warm-up run that writes the
bytecode caches (Lambda runs compiled code after its first cold start too). The baseline is the
smallest Powertools + boto3 handler (bench/baseline_handler.py), measured in the same run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = {
    "api": "functions.api.handler",
    "relay": "functions.relay.handler",
    "enrich": "functions.enrich.handler",
    "build_feeds": "functions.build_feeds.handler",
}
BASELINE = "bench.baseline_handler"
# Budget: a handler may cost at most this multiple of the baseline's import, measured in the same run
# (the baseline absorbs the machine's speed). Our handlers defer boto3 to the first call, so the
# difference is Powertools utilities, pydantic models and, for enrich, the enrichment modules.
BUDGET_RATIO = 2.0
_PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def import_seconds(module: str, runs: int = 7, *, bytecode: bool = True) -> float:
    """Median import time; ``bytecode=False`` compiles every module on each run, as Lambda must when
    an asset ships source only (its code folder is read-only, so nothing is cached)."""
    env = {
        **os.environ,
        "POWERTOOLS_SERVICE_NAME": "bench",
        "POWERTOOLS_METRICS_NAMESPACE": "Bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    samples = []
    for attempt in range(runs + 1):
        if not bytecode:
            env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="bench-nopyc-")
        result = subprocess.run(
            [sys.executable, "-c", _PROBE.format(module=module)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        if attempt:  # the first run only warms the bytecode cache
            samples.append(float(result.stdout.strip().splitlines()[-1]))
        if not bytecode:
            shutil.rmtree(env["PYTHONPYCACHEPREFIX"], ignore_errors=True)
    return statistics.median(samples)


def report(runs: int = 7) -> dict[str, float]:
    baseline = import_seconds(BASELINE, runs)
    print(f"Handler import time (median of {runs} fresh processes; cold-start proxy)")
    print(f"  {'baseline: Powertools + boto3':<30} {baseline * 1000:7.1f} ms   1.00x")
    figures = {"baseline": baseline}
    for name, module in HANDLERS.items():
        seconds = import_seconds(module, runs)
        figures[name] = seconds
        ratio = seconds / baseline
        verdict = "within budget" if ratio <= BUDGET_RATIO else "OVER BUDGET"
        print(f"  {name:<30} {seconds * 1000:7.1f} ms   {ratio:4.2f}x of baseline  ({verdict}: <= {BUDGET_RATIO:.1f}x)")
    source_only = import_seconds(HANDLERS["api"], runs, bytecode=False)
    figures["api_source_only"] = source_only
    print(
        f"  {'api, source only (no .pyc)':<30} {source_only * 1000:7.1f} ms   "
        f"{source_only / figures['api']:4.2f}x of api with bytecode: why assets ship compiled bytecode"
    )
    return figures
