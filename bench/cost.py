"""What publishing an article costs: every billable request, counted, at list prices (`make bench`).

For each archive size (100 and 10,000 already-published articles) and tag count (0 and 10 per
article), a fresh moto account gets the archive (see bench/archive.py), then ``ARTICLES`` new articles
are published end to end through the real handlers, under two arrival models:

* burst: the CMS submits them back to back, then Lambda's mappings take what has accumulated (the
  stream in one relay batch, the queue ten messages per invocation), as they would for wire copy
  arriving together;
* trickle: one article at a time, each published before the next arrives, so every batch holds one
  record (the worst case for batching).

Reads are left out (see bench/reads.py): readers reach feeds through CloudFront.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from bench import archive, articles, prices
from bench.harness import EDITOR, PUBLISHER, TABLE, Invocation, Stack, enable_stream, function_memory_mb, stack
from bench.meter import Ledger, LineKey

ARCHIVES: Final = (100, 10_000)
TAG_COUNTS: Final = (0, 10)
ARTICLES: Final = 20
MODELS: Final = ("burst", "trickle")
SWEEPS_PER_MONTH: Final = 60 * 24 * 30  # the reconciler's rate(1 minute) rule
IDLE_POLLERS: Final = 5  # Lambda's SQS pollers per mapping while a queue is empty (long polls of 20 s)
IDLE_RECEIVES_PER_MONTH: Final = IDLE_POLLERS * 3 * 60 * 24 * 30
SCHEDULE_FIRED: Final = LineKey("Scheduler", "schedule fired", "EventBridge Scheduler", "invocation")


@dataclass
class Scenario:
    archive: int
    tags: int
    model: str
    published: int = 0
    ledger: Ledger = field(default_factory=Ledger)
    invocations: list[Invocation] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return f"{_short(self.archive)}·{self.tags}t"

    def per_article(self, key: LineKey) -> tuple[float, float]:
        amount = self.ledger.lines[key]
        return amount.requests / self.published, amount.quantity / self.published

    def cost_per_million(self, key: LineKey) -> float:
        _, quantity = self.per_article(key)
        return quantity * prices.price(key.service, key.unit).usd * 1_000_000

    def totals(self) -> dict[str, float]:
        pipeline = observability = billable = 0.0
        for key, amount in self.ledger.lines.items():
            cost = self.cost_per_million(key)
            if key.service in prices.OBSERVABILITY:
                observability += cost
            else:
                pipeline += cost
                if prices.price(key.service, key.unit).usd > 0:
                    billable += amount.requests / self.published
        calls = sum(self.ledger.calls.values()) / self.published
        return {"calls": calls, "billable": billable, "pipeline": pipeline, "observability": observability,
                "total": pipeline + observability}  # fmt: skip


def _short(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 else str(size)


def run_scenario(heads: list[object], size: int, tags: int, model: str, mix: articles.Mix) -> Scenario:
    from shared.store.table import ArticleTable  # noqa: PLC0415

    scenario = Scenario(size, tags, model)
    started = time.perf_counter()
    with stack(stream=False) as built:
        archive.seed(heads, size)
        enable_stream(built)
        _warm_up(built, mix)
        built.meter.ledger = scenario.ledger
        built.invocations = scenario.invocations
        run = f"{model}-{size}-{tags}"
        submissions = [articles.article(number, tags, run=run, mix=mix) for number in range(ARTICLES)]
        ids = []
        batch = None if model == "burst" else 1
        for submission in submissions:
            ids.append(_submit(built, submission))
            if model == "trickle":
                built.settle(queue_batch=batch)
        built.settle(queue_batch=batch)
        built.pass_embargoes(queue_batch=batch)
        fired = amount.quantity if (amount := scenario.ledger.lines.get(SCHEDULE_FIRED)) else 0.0
        embargoed = sum(1 for s in submissions if articles.is_scheduled(s))
        if fired != embargoed:
            raise RuntimeError(f"{run}: {embargoed} embargoed articles but {fired:.0f} schedules fired")
        table = ArticleTable(TABLE, client=built.observer)
        scenario.published = sum(1 for i in ids if (h := table.get_head(i)) and h.status.value == "published")
        if scenario.published != ARTICLES:
            raise RuntimeError(f"{run}: {scenario.published} of {ARTICLES} articles published")
    scenario.seconds = time.perf_counter() - started
    return scenario


def _submit(built: Stack, submission: dict[str, object]) -> str:
    scheduled = articles.is_scheduled(submission)
    headers = {"Idempotency-Key": f"bench-{uuid.uuid4()}"}
    response = built.call_api("POST", "/articles", submission, claims=PUBLISHER if scheduled else EDITOR,
                              headers=headers)  # fmt: skip
    if response.status != 202:
        raise RuntimeError(f"POST refused: {response.status} {response.raw[:300]}")
    return str(response.body["id"])


def _warm_up(built: Stack, mix: articles.Mix) -> None:
    """One article through every function first, so that measured invocations are warm ones."""
    _submit(built, articles.article(0, 1, run="warm-up", mix=mix))
    built.settle()
    built.invocations.clear()


def fixed_monthly(heads: list[object]) -> Ledger:
    """One reconciler sweep of an idle table (10,000 articles), per month; idle queue polling, modeled."""
    ledger = Ledger()
    with stack(stream=False) as built:
        archive.seed(heads, ARCHIVES[-1])
        built.meter.ledger = Ledger()
        built.invoke("reconcile", {"id": "bench-sweep", "source": "aws.events", "detail-type": "Scheduled Event"})
        for key, amount in built.meter.ledger.lines.items():
            ledger.add(key, amount.quantity * SWEEPS_PER_MONTH, amount.requests * SWEEPS_PER_MONTH)
    for queue in ("enrich", "schedule"):
        ledger.add(LineKey("SQS", "ReceiveMessage (idle long polls)", f"Lambda ESM ({queue})", "request"),
                   IDLE_RECEIVES_PER_MONTH, IDLE_RECEIVES_PER_MONTH)  # fmt: skip
    return ledger


# -- report ------------------------------------------------------------------------------------------
def _rows(scenarios: list[Scenario]) -> list[LineKey]:
    keys = {k for s in scenarios for k in s.ledger.lines}
    order = ["API Gateway", "Lambda", "DynamoDB", "S3", "EventBridge", "SQS", "Scheduler", "DynamoDB Streams",
             "CloudWatch Logs", "X-Ray"]  # fmt: skip
    return sorted(keys, key=lambda k: (order.index(k.service) if k.service in order else 99, k.by, k.operation, k.unit))


def row_label(key: LineKey) -> str:
    return f"{key.service} {key.operation} ({key.by}) [{key.unit}]"


def print_model(scenarios: list[Scenario], out: Callable[[str], None]) -> None:
    model = scenarios[0].model
    width = 70
    out(f"Per published article, arrival model '{model}' — requests per article, then $ per 1M articles")
    header = f"{'service operation (caller) [unit]':<{width}}" + "".join(f"{s.label:>19}" for s in scenarios)
    out(header)
    out(f"{'':<{width}}" + "".join(f"{'req/art':>10}{'$/1M':>9}" for _ in scenarios))
    for key in _rows(scenarios):
        cells = ""
        for s in scenarios:
            requests, _ = s.per_article(key)
            cost = s.cost_per_million(key)
            shown = f"{requests:.2f}" if requests else "—"
            cells += f"{shown:>10}{cost:>9.2f}"
        out(f"{row_label(key)[:width]:<{width}}{cells}")
    totals = [s.totals() for s in scenarios]
    for name, label, fmt in (
        ("calls", "AWS API calls per article (handlers and Lambda mappings)", "{:>19.1f}"),
        ("billable", "billable requests per article (pipeline)", "{:>19.1f}"),
        ("pipeline", "cost per 1M articles, pipeline (counted)  $", "{:>19.2f}"),
        ("observability", "  + logs (measured bytes) and X-Ray traces (modeled)  $", "{:>19.2f}"),
        ("total", "cost per 1M articles, total  $", "{:>19.2f}"),
    ):
        out(f"{label:<{width}}" + "".join(fmt.format(t[name]) for t in totals))


def ratios(scenarios: list[Scenario], out: Callable[[str], None]) -> None:
    by = {(s.archive, s.tags): s for s in scenarios}
    model = scenarios[0].model
    small, large = ARCHIVES
    few, many = TAG_COUNTS
    pairs = [
        (f"{many} tags vs {few}, archive {_short(small)}", by[(small, many)], by[(small, few)]),
        (f"{many} tags vs {few}, archive {_short(large)}", by[(large, many)], by[(large, few)]),
        (f"archive {_short(large)} vs {_short(small)}, {few} tags", by[(large, few)], by[(small, few)]),
        (f"archive {_short(large)} vs {_short(small)}, {many} tags", by[(large, many)], by[(small, many)]),
    ]
    out(f"Ratios ({model}): billable requests, pipeline cost, total cost (target: within 1.10x)")
    for label, high, low in pairs:
        h, low_totals = high.totals(), low.totals()
        figures = [h[k] / low_totals[k] for k in ("billable", "pipeline", "total")]
        verdict = "OK" if max(figures) <= 1.10 else "OVER"
        out(f"  {label:<32} {figures[0]:5.2f}x  {figures[1]:5.2f}x  {figures[2]:5.2f}x  {verdict}")
        for text in _growth(high, low)[:4]:
            out(f"      {text}")


def _growth(high: Scenario, low: Scenario) -> list[str]:
    """The lines whose cost per 1M grew most, with what grew."""
    deltas = []
    for key in set(high.ledger.lines) | set(low.ledger.lines):
        change = high.cost_per_million(key) - low.cost_per_million(key)
        if abs(change) >= 0.10:
            hr, hq = high.per_article(key)
            lr, lq = low.per_article(key)
            what = f"{_quantity(lq, key.unit)} -> {_quantity(hq, key.unit)} per article"
            deltas.append((change, f"{change:+.2f} $/1M  {row_label(key)}: {what} ({lr:.2f} -> {hr:.2f} requests)"))
    return [text for _, text in sorted(deltas, reverse=True)]


def _quantity(value: float, unit: str) -> str:
    if "GB" in unit and unit != "GB-s":  # bytes of logs or archived events: per article, kilobytes speak
        return f"{value * 1024**2:.2f} {unit.replace('GB', 'KB')}"
    return f"{value:.2f} {unit}"


def print_invocations(scenarios: list[Scenario], out: Callable[[str], None]) -> None:
    memory = function_memory_mb()
    out("Lambda per function (10k archive, 10 tags): invocations per article, own compute per invocation "
        "(median, this machine), billed duration (compute scaled to the memory's CPU share + "
        f"{prices.AWS_CALL_LATENCY_MS:.0f} ms per AWS call)")  # fmt: skip
    for s in scenarios:
        if (s.archive, s.tags) != (ARCHIVES[-1], TAG_COUNTS[-1]):
            continue
        grouped: dict[str, list[Invocation]] = defaultdict(list)
        for invocation in s.invocations:
            grouped[invocation.function].append(invocation)
        for name, calls in sorted(grouped.items()):
            mb, source = memory[name]
            out(f"  {s.model:<8} {name:<10} {mb:>5} MB ({source}): {len(calls) / s.published:5.2f} per article, "
                f"compute {statistics.median(c.compute_ms for c in calls):6.1f} ms, "
                f"{statistics.median(c.calls for c in calls):4.0f} AWS calls, "
                f"billed {statistics.median(c.billed_ms for c in calls):5.0f} ms")  # fmt: skip


def print_fixed(ledger: Ledger, out: Callable[[str], None]) -> None:
    total = 0.0
    out("Fixed monthly cost, whatever the volume (not per article):")
    for key, amount in sorted(ledger.lines.items(), key=lambda kv: (kv[0].service, kv[0].operation)):
        cost = amount.quantity * prices.price(key.service, key.unit).usd
        total += cost
        if cost >= 0.005:
            out(f"  {row_label(key):<78} {amount.quantity:>14,.0f} {key.unit:<6} ${cost:7.2f}")
    out(f"  {'total':<78} {'':>21} ${total:7.2f} per month "
        f"(reconciler sweep once a minute; {IDLE_POLLERS} idle SQS pollers per queue, assumed)")  # fmt: skip


def main(heads: list[object] | None = None, out: Callable[[str], None] = print) -> list[Scenario]:
    started = time.perf_counter()
    mix = articles.Mix()
    if heads is None:
        with stack() as bootstrap:
            heads = archive.templates(bootstrap)
    out(f"Cost per published article ({prices.PRICES_AS_OF}; prices and assumptions in bench/prices.py)")
    out(f"  stream: {ARTICLES} new articles per run; {mix.describe()}")
    out(f"  archive: heads of already-published articles ({archive.PUBLISHED_PER_DAY} a day apart), "
        f"each with 3 tags, written directly; only the new articles are measured")  # fmt: skip
    out("  burst = submitted back to back, then Lambda's mappings batch them (stream: one relay batch; queue: "
        "10 messages per invocation); trickle = one article at a time, every batch holds one record")  # fmt: skip
    out(f"  Lambda duration = own compute measured here x (1769 MB / memory) + {prices.AWS_CALL_LATENCY_MS:.0f} ms "
        "per AWS call (assumed); logs = bytes the handlers wrote + "
        f"{prices.LAMBDA_PLATFORM_LOG_BYTES} B per invocation + {prices.API_ACCESS_LOG_BYTES} B access log per "
        "request; X-Ray: every trace recorded (under the default rule's 1/s)")  # fmt: skip
    scenarios = [
        run_scenario(heads, size, tags, model, mix) for model in MODELS for size in ARCHIVES for tags in TAG_COUNTS
    ]
    for model in MODELS:
        out("")
        chosen = [s for s in scenarios if s.model == model]
        print_model(chosen, out)
        out("")
        ratios(chosen, out)
    out("")
    print_invocations(scenarios, out)
    out("")
    print_fixed(fixed_monthly(heads), out)
    out(f"(cost benchmark: {time.perf_counter() - started:.0f} s)")
    return scenarios


if __name__ == "__main__":
    main()
