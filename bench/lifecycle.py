"""What a correction, a takedown and a restore cost: every billable request counted, as for publishing.

``ARTICLES`` articles (3 tags each, none embargoed) are published one at a time against a 100-article
archive; then each of them is corrected (a PUT with ``If-Match``: new headline, a changed paragraph,
one tag swapped, a correction note), taken down (``DELETE`` with a reason) and restored
(``POST /articles/{id}/publish``), one article at a time, each operation carried through the pipeline
before the next (every batch holds one record: the worst case for batching). Each operation has its
own ledger, so the figures are per operation, with the same prices and units as bench/cost.py.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, Final

from bench import archive, articles, prices
from bench.cost import Scenario, row_label
from bench.harness import EDITOR, PUBLISHER, Stack, enable_stream, stack

ARTICLES: Final = 10
TAGS: Final = 3
ARCHIVE: Final = 100
OPERATIONS: Final = ("correction", "takedown", "restore")


def _published(built: Stack, mix: articles.Mix) -> list[tuple[str, dict[str, Any]]]:
    published = []
    for number in range(ARTICLES + 1):  # the first one warms every function up and is not measured
        submission = articles.article(number, TAGS, run="lifecycle", mix=mix)
        headers = {"Idempotency-Key": f"bench-{uuid.uuid4()}"}
        response = built.call_api("POST", "/articles", submission, claims=EDITOR, headers=headers)
        if response.status != 202:
            raise RuntimeError(f"POST refused: {response.status} {response.raw[:300]}")
        built.settle(queue_batch=1)
        published.append((str(response.body["id"]), submission))
    return published[1:]


def _corrected(submission: dict[str, Any], number: int) -> dict[str, Any]:
    body = str(submission["body_html"])
    return {
        **submission,
        "headline": f"{submission['headline']} (corrected)",
        "body_html": body.replace("<p>", f"<p>Correction {number}: the figures below were revised. ", 1),
        "tags": [*submission["tags"][:-1], articles.TAGS[(number * 11 + 5) % len(articles.TAGS)]],
        "correction": {"kind": "correction", "text": "An earlier version gave the wrong number of interceptors."},
    }


def _operate(built: Stack, operation: str, article_id: str, submission: dict[str, Any], number: int) -> None:
    if operation == "correction":
        response = built.call_api("PUT", f"/articles/{article_id}", _corrected(submission, number), claims=EDITOR,
                                  headers={"If-Match": '"1"'})  # fmt: skip
        expected = 202
    elif operation == "takedown":
        response = built.call_api("DELETE", f"/articles/{article_id}", {"reason": "Legal request"}, claims=PUBLISHER)
        expected = 200
    else:
        response = built.call_api("POST", f"/articles/{article_id}/publish", {}, claims=PUBLISHER)
        expected = 200
    if response.status != expected:
        raise RuntimeError(f"{operation} of {article_id}: {response.status} {response.raw[:300]}")
    built.settle(queue_batch=1)


def run(heads: list[object]) -> list[Scenario]:
    mix = articles.Mix(scheduled_every=0)
    results = []
    with stack(stream=False) as built:
        archive.seed(heads, ARCHIVE)
        enable_stream(built)
        published = _published(built, mix)
        for operation in OPERATIONS:
            scenario = Scenario(ARCHIVE, TAGS, operation)
            built.meter.ledger = scenario.ledger
            for number, (article_id, submission) in enumerate(published):
                _operate(built, operation, article_id, submission, number)
            scenario.published = len(published)  # operations carried out, the divisor of every figure
            results.append(scenario)
    return results


def main(heads: list[object], out: Callable[[str], None] = print) -> list[Scenario]:
    started = time.perf_counter()
    scenarios = run(heads)
    out(f"Lifecycle operations ({prices.PRICES_AS_OF}): each on {ARTICLES} published articles with "
        f"{TAGS} tags, one at a time, carried through the pipeline (relay, enrich, feeds) before the next")  # fmt: skip
    columns = f"{'operation':<12}{'AWS calls':>10}{'billable':>10}{'$/1M ops':>10}{'+ logs, X-Ray':>15}"
    out(f"{columns}   largest pipeline lines ($/1M)")
    for s in scenarios:
        totals = s.totals()
        pipeline = [k for k in s.ledger.lines if k.service not in prices.OBSERVABILITY]
        largest = sorted(pipeline, key=s.cost_per_million, reverse=True)[:4]
        lines = ", ".join(f"{row_label(k)} {s.cost_per_million(k):.2f}" for k in largest)
        out(f"{s.model:<12}{totals['calls']:>10.1f}{totals['billable']:>10.1f}{totals['pipeline']:>10.2f}"
            f"{totals['observability']:>15.2f}   {lines}")  # fmt: skip
    out(f"(lifecycle benchmark: {time.perf_counter() - started:.0f} s)")
    return scenarios
