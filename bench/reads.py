"""Reads, measured apart from publishing: one render of each feed document, 100 vs 10,000 articles.

Feeds are rendered on read by the ``api`` function (what replaced the static rebuilds), and CloudFront
caches them for their Cache-Control. A render that misses the cache is one API Gateway request, one
invocation and the Queries below; its read units must not grow with the archive (issue 11: within
1.2x from 100 to 10,000 articles).
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from bench import archive, prices
from bench.harness import Stack, stack
from bench.meter import Ledger

ARCHIVES: Final = (100, 10_000)
RENDERS: Final = 3
TARGET_RATIO: Final = 1.2
_XML_ITEM: Final = re.compile(r"<(?:item|entry|url)[\s>]")


@dataclass
class Render:
    calls: float
    read_units: float
    compute_ms: float
    items: int
    cost_per_million: float
    cut_pages: int  # Query answers DynamoDB cut at its 1 MB page (the renderer follows LastEvaluatedKey)


def documents(newest_hour: str) -> list[tuple[str, str, dict[str, str] | None]]:
    """(label, path, query) of the documents measured."""
    return [
        ("main feed RSS", "/feeds/all/rss.xml", None),
        ("main feed Atom (+ tombstones)", "/feeds/all/atom.xml", None),
        ("API page /feed (20 cards)", "/feed", None),
        (f"tag feed #{archive.POPULAR_TAG} JSON Feed", f"/feeds/tag/{archive.POPULAR_TAG.lower()}/feed.json", None),
        ("hour archive Atom (a closed hour)", f"/feeds/all/archive/{newest_hour}/atom.xml", None),
        ("news sitemap (2 days, <= 1,000 URLs)", "/sitemaps/news.xml", None),
    ]


def render(built: Stack, path: str, query: dict[str, str] | None) -> Render:
    built.meter.ledger = Ledger()
    cut_before = built.meter.cut_pages
    response = built.call_api("GET", path, query=query, caller="reader (CloudFront miss)")
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {response.raw[:200]}")
    ledger = built.meter.ledger
    read_units = sum(a.quantity for k, a in ledger.lines.items() if k.unit == "RRU")
    cost = sum(a.quantity * prices.price(k.service, k.unit).usd for k, a in ledger.lines.items())
    return Render(
        calls=sum(ledger.calls.values()),
        read_units=read_units,
        compute_ms=built.invocations[-1].compute_ms,
        items=_items(response.body),
        cost_per_million=cost * 1_000_000,
        cut_pages=built.meter.cut_pages - cut_before,
    )


def _items(body: object) -> int:
    if isinstance(body, dict):  # JSON Feed or the API page
        return len(body.get("items", []))
    return len(_XML_ITEM.findall(str(body)))


def measure(heads: list[object], size: int) -> dict[str, Render]:
    results: dict[str, Render] = {}
    with stack(stream=False) as built:
        seeded = archive.seed(heads, size)
        hour = (seeded.newest - timedelta(hours=2)).strftime("%Y-%m-%dT%H")
        for label, path, query in documents(hour):
            render(built, path, query)  # warm: the renderers' modules are imported on first use
            runs = [render(built, path, query) for _ in range(RENDERS)]
            first = runs[0]
            results[label] = Render(
                calls=first.calls,
                read_units=first.read_units,
                compute_ms=statistics.median(r.compute_ms for r in runs),
                items=first.items,
                cost_per_million=first.cost_per_million,
                cut_pages=first.cut_pages,
            )
    return results


def main(heads: list[object] | None = None, out: Callable[[str], None] = print) -> dict[int, dict[str, Render]]:
    started = time.perf_counter()
    if heads is None:
        with stack() as bootstrap:
            heads = archive.templates(bootstrap)
    figures = {size: measure(heads, size) for size in ARCHIVES}
    small, large = ARCHIVES
    out(f"Feed documents rendered on read: one render at {small} vs {large:,} published articles (archive "
        f"{archive.PUBLISHED_PER_DAY} a day apart; handler compute = median of {RENDERS}, this machine)")  # fmt: skip
    out(f"{'document':<38}{'calls':>6}{'RRU':>8}{'ms':>7}{'items':>6} |{'calls':>6}{'RRU':>8}{'ms':>7}{'items':>6}"
        f" | {'RRU x':>6}{'ms x':>6}  {'$/1M renders':>12}")  # fmt: skip
    for label in figures[small]:
        a, b = figures[small][label], figures[large][label]
        ratio = b.read_units / a.read_units if a.read_units else float("inf")
        verdict = "OK" if ratio <= TARGET_RATIO else "OVER"
        if a.items != b.items and a.items and b.items:
            # A window (the news sitemap's two days) holds more articles when the archive fills it: what must
            # not grow is the cost of each item listed, and the window is capped (1,000 URLs).
            per_item = (b.read_units / b.items) / (a.read_units / a.items)
            verdict = f"{'OK' if per_item <= TARGET_RATIO else 'OVER'}  (window fuller: RRU per item {per_item:.2f}x)"
        if b.cut_pages:
            verdict += f"  ({b.cut_pages} Query pages cut at 1 MB and continued)"
        out(f"{label:<38}{a.calls:>6.0f}{a.read_units:>8.1f}{a.compute_ms:>7.1f}{a.items:>6} |"
            f"{b.calls:>6.0f}{b.read_units:>8.1f}{b.compute_ms:>7.1f}{b.items:>6} | {ratio:>5.2f}x"
            f"{b.compute_ms / a.compute_ms:>5.2f}x  {b.cost_per_million:>11.2f}  {verdict}")  # fmt: skip
    out(f"(target: read units at {large:,} within {TARGET_RATIO}x of {small}; $/1M renders at {large:,}: API Gateway, "
        f"Lambda, DynamoDB, logs and trace; reads benchmark: {time.perf_counter() - started:.0f} s)")  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
