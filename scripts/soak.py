"""`make soak`: drive the local stack over HTTP with injected faults, then prove nothing was lost or doubled.

    python -m scripts.soak --submissions 1000 --clients 8 --fault-rate 0.1 --seed 7

Starts `python -m infra.local` (what `make run` starts) with faults on, submits articles from N client
threads that retry as real clients do (on 5xx, 429 and connection errors, with backoff; half send an
``Idempotency-Key``, half an ``external_id``, and a retry resends the same one), optionally cuts
EventBridge off for a while in the middle (``--outage``), then turns faults off, waits until the
runtime reports idle and checks every output:

* every accepted submission is published exactly once (one article per submission, readable);
* no duplicate entries in the API's feed pages nor in any feed document (live and archive pages);
* faults injected by kind; p50/p95 from accepted to published; time to drain; the runtime's peak memory.

Exits non-zero on any loss or duplicate.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "cdk.out" / "Newsroom.template.json"
API_KEY = "soak-key"
RETRYABLE = {429, 500, 502, 503, 504}
ATOM = "{http://www.w3.org/2005/Atom}"
MAX_ATTEMPTS = 12


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Stack:
    """The local runtime as a process, and HTTP to it."""

    def __init__(self, fault_rate: float, seed: int, log: Path) -> None:
        self.port, self.moto_port = _free_port(), _free_port()
        env = {
            **os.environ,
            "PORT": str(self.port),
            "MOTO_PORT": str(self.moto_port),
            "API_KEY": API_KEY,
            "FAULT_RATE": str(fault_rate),
            "FAULT_SEED": str(seed),
        }
        self._log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "infra.local", "--template", str(TEMPLATE), "--no-seed"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the local runtime exited early; see {log}")
            try:
                if self.request("GET", "/v1/health").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the local runtime did not start in 120 s; see {log}")

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, timeout: float = 30
    ) -> Response:
        data = json.dumps(body).encode() if body is not None else None
        all_headers = {"content-type": "application/json", **(headers or {})}
        request = urllib.request.Request(self.base + path, data=data, headers=all_headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
                return Response(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def token(self, role: str) -> str:
        response = self.request("POST", "/_local/token", {"role": role})
        if response.status != 200:
            raise SystemExit(f"no token from the local runtime: {response.status} {response.body[:200]!r}")
        payload = response.json()
        return str(payload.get("token") or payload.get("id_token"))

    def faults(self, settings: dict[str, Any] | None = None) -> dict[str, Any]:
        if settings is not None:
            self.request("PUT", "/_local/faults", settings)
        result: dict[str, Any] = self.request("GET", "/_local/faults").json()
        return result

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/_local/idle", timeout=10).json().get("idle"):
                    return True
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        return False

    def peak_rss_mb(self) -> float | None:
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


@dataclass
class Submission:
    number: int
    headline: str
    body: dict[str, Any]
    headers: dict[str, str]
    accepted_id: str | None = None
    accepted_at: float | None = None
    attempts: int = 0
    outcome: str = "pending"


@dataclass
class Report:
    submissions: list[Submission] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)


def article(number: int, run: str) -> dict[str, Any]:
    topics = ["harbour", "railway", "school", "hospital", "bridge", "library", "market", "theatre", "museum"]
    topic = topics[number % len(topics)]
    headline = f"Soak {run} story {number}: council backs {topic} plan"
    words = " ".join(f"{topic}{(number * 7 + i) % 997}" for i in range(60))
    return {
        "headline": headline,
        "body_html": f"<p>The council in district {number} voted on the {topic} plan today. {words}.</p>"
        f"<p>Officials said item {number * 37} would be reviewed after {number % 11 + 2} bids.</p>",
        "authors": [{"name": "Soak Reporter"}],
        "section": "news" if number % 3 else "city",
        "tags": [["Council", "Transport"], ["Council"], []][number % 3],
        "language": "en",
    }


def submit_all(stack: Stack, submissions: list[Submission], clients: int, token: str, report: Report) -> None:
    queue = list(submissions)
    lock = threading.Lock()

    def worker(seed: int) -> None:
        jitter = random.Random(seed)  # noqa: S311 - retry jitter, not security
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            headers = {"x-api-key": API_KEY, "authorization": f"Bearer {token}", **item.headers}
            for attempt in range(1, MAX_ATTEMPTS + 1):
                item.attempts = attempt
                try:
                    response = stack.request("POST", "/v1/articles", item.body, headers)
                except OSError:
                    status = 599
                else:
                    status = response.status
                with lock:
                    report.statuses[str(status)] += 1
                if status in (200, 202):
                    item.accepted_id = response.json()["id"]
                    item.accepted_at = time.time()
                    item.outcome = "accepted"
                    break
                if status not in RETRYABLE and status not in {599, 409}:
                    item.outcome = f"refused {status}"
                    break
                time.sleep(min(0.1 * 2**attempt, 3.0) * (0.5 + jitter.random()))
            else:
                item.outcome = "gave up"

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def feed_pages(stack: Stack, query: str = "") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        path = f"/v1/feed?limit=50{query}" + (f"&cursor={cursor}" if cursor else "")
        page = stack.request("GET", path).json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def feed_document_ids(stack: Stack, path: str) -> tuple[set[str], int]:
    """A JSON Feed's ids, following next_url back through its archive pages, and the duplicates found
    within any one page (pages overlap by design: the live document and the hour it reaches back into)."""
    ids: set[str] = set()
    duplicates = 0
    url: str | None = f"/site/{path}"
    seen_pages: set[str] = set()
    while url and url not in seen_pages:
        seen_pages.add(url)
        response = stack.request("GET", url)
        if response.status != 200:
            raise SystemExit(f"feed document {url} answered {response.status}")
        document = response.json()
        page = [item["id"] for item in document.get("items", [])]
        duplicates += len(page) - len(set(page))
        ids.update(page)
        next_url = document.get("next_url")
        url = "/site/" + next_url.split("/site/", 1)[1] if next_url and "/site/" in next_url else None
    return ids, duplicates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=int(os.environ.get("SOAK_SUBMISSIONS", "1000")))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--fault-rate", type=float, default=float(os.environ.get("FAULT_RATE", "0.1")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FAULT_SEED", "7")))
    parser.add_argument("--outage", type=float, default=float(os.environ.get("SOAK_OUTAGE_S", "0")),
                        help="seconds of PutEvents refused in the middle of the run")  # fmt: skip
    parser.add_argument("--drain-timeout", type=float, default=600)
    args = parser.parse_args(argv)
    if not TEMPLATE.is_file():
        print("no synthesized template: run `make synth` first", file=sys.stderr)
        return 2
    log = ROOT / ".build" / "soak-runtime.log"
    log.parent.mkdir(exist_ok=True)
    print(f"soak: {args.submissions} submissions, {args.clients} clients, fault rate {args.fault_rate}, "
          f"seed {args.seed}, outage {args.outage:.0f} s; runtime log {log.relative_to(ROOT)}", flush=True)  # fmt: skip
    stack = Stack(args.fault_rate, args.seed, log)
    try:
        return run(stack, args)
    finally:
        stack.stop()


def run(stack: Stack, args: argparse.Namespace) -> int:
    run_id = datetime.now(UTC).strftime("%H%M%S")
    token = stack.token("publisher")
    submissions = []
    for n in range(args.submissions):
        body = article(n, run_id)
        headers: dict[str, str] = {}
        if n % 2:
            body["external_id"] = f"soak:{run_id}:{n}"
        else:
            headers["idempotency-key"] = f"soak-{run_id}-{n}"
        submissions.append(Submission(n, body["headline"], body, headers))
    report = Report(submissions)
    started = time.monotonic()
    outage: threading.Timer | None = None
    if args.outage > 0:
        base = stack.faults()

        def cut() -> None:
            stack.faults({"rate": 1, "operations": ["events:PutEvents"], "seed": args.seed})
            restore = {"rate": base.get("rate", args.fault_rate), "seed": args.seed, "operations": []}
            threading.Timer(args.outage, lambda: stack.faults(restore)).start()

        outage = threading.Timer(max(1.0, args.submissions / 100), cut)
        outage.start()
    submit_all(stack, submissions, args.clients, token, report)
    submitted_s = time.monotonic() - started
    if outage is not None:
        outage.join()
        time.sleep(args.outage + 1)
    faults = stack.faults({"rate": 0})
    drain_started = time.monotonic()
    idle = stack.wait_idle(args.drain_timeout)
    drain_s = time.monotonic() - drain_started
    return verify(stack, report, faults, submitted_s, drain_s, idle)


def verify(  # noqa: PLR0915, PLR0917 - the run's figures, printed together
    stack: Stack, report: Report, faults: dict[str, Any], submitted_s: float, drain_s: float, idle: bool
) -> int:
    accepted = [s for s in report.submissions if s.accepted_id]
    everything = feed_pages(stack)
    by_headline = Counter(item["headline"] for item in everything)
    ids_in_feed = Counter(item["id"] for item in everything)
    published_once = lost = 0
    latencies = []
    for item in accepted:
        read = stack.request("GET", f"/v1/articles/{item.accepted_id}")
        count = by_headline[item.headline]
        if read.status == 200 and count == 1:
            published_once += 1
            updated = datetime.fromisoformat(read.json()["updated_at"]).timestamp()
            if item.accepted_at:
                latencies.append(max(0.0, updated - item.accepted_at))
        elif count == 0 or read.status != 200:
            lost += 1
    duplicate_articles = sum(c - 1 for h, c in by_headline.items() if c > 1)
    duplicate_entries = sum(c - 1 for c in ids_in_feed.values() if c > 1)
    documents = {"feeds/all/feed.json": "", "feeds/section/news/feed.json": "&section=news",
                 "feeds/section/city/feed.json": "&section=city", "feeds/lang/en/feed.json": "&language=en",
                 "feeds/tag/council/feed.json": "&tag=Council"}  # fmt: skip
    incomplete = 0
    for path, query in documents.items():
        ids, duplicates = feed_document_ids(stack, path)
        duplicate_entries += duplicates
        expected = {item["id"] for item in feed_pages(stack, query)}
        incomplete += len(expected - ids)  # a reader paging back must reach every article of the feed
    for fmt in ("rss.xml", "atom.xml"):
        root = ET.fromstring(stack.request("GET", f"/site/feeds/all/{fmt}").body)  # noqa: S314 - our own feed
        if fmt == "rss.xml":
            guids = [str(item.findtext("guid")) for item in root.iter("item")]
        else:
            guids = [str(entry.findtext(f"{ATOM}id")) for entry in root.iter(f"{ATOM}entry")]
        duplicate_entries += sum(c - 1 for c in Counter(guids).values() if c > 1)
    refused = [s for s in report.submissions if not s.accepted_id]
    peak = stack.peak_rss_mb()
    print()
    print(f"accepted                    {len(accepted)} of {len(report.submissions)} "
          f"(not accepted: {Counter(s.outcome for s in refused) or 'none'})")  # fmt: skip
    print(f"published exactly once      {published_once}")
    print(f"lost                        {lost}")
    print(f"duplicate articles          {duplicate_articles}")
    print(f"duplicate feed entries      {duplicate_entries}")
    print(f"unreachable by paging back  {incomplete}")
    print(f"responses seen by clients   {dict(sorted(report.statuses.items()))}")
    print(f"faults injected             {faults.get('total', 0)} by kind {faults.get('by_kind', faults.get('kinds'))}")
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(f"accepted -> published       p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s")
    print(f"submitting took             {submitted_s:.1f} s")
    print(f"drain after faults stopped  {drain_s:.1f} s ({'idle' if idle else 'NOT idle'})")
    print(f"runtime peak memory         {peak:.0f} MB" if peak else "runtime peak memory         unknown")
    print(f"left in queues at idle      {dead_letters(stack) or 'none (no dead letters)'}")
    print_costs(stack.request("GET", "/_local/stats").json())
    failed = lost or duplicate_articles or duplicate_entries or incomplete or not idle
    failed = failed or published_once != len(accepted)
    print("\nRESULT: " + ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


def dead_letters(stack: Stack) -> dict[str, int]:
    """Messages still in any queue once the runtime is idle: only dead-letter queues can hold them then."""
    import boto3  # noqa: PLC0415 - a dev dependency, used only here

    from infra.local.template import DEFAULT_REGION  # noqa: PLC0415

    sqs = boto3.client("sqs", endpoint_url=f"http://127.0.0.1:{stack.moto_port}", region_name=DEFAULT_REGION,
                       aws_access_key_id="soak", aws_secret_access_key="soak")  # noqa: S106  # fmt: skip
    left: dict[str, int] = {}
    for url in sqs.list_queues().get("QueueUrls", []):
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        count = int(attributes.get("ApproximateNumberOfMessages", "0"))
        count += int(attributes.get("ApproximateNumberOfMessagesNotVisible", "0"))
        if count:
            left[url.rsplit("/", 1)[-1]] = count
    return left


def print_costs(stats: dict[str, Any]) -> None:
    """Where the runtime's time went: invocations per function, moto's CPU by operation (the local
    runtime's throughput limit on a small machine; DynamoDB's own latency does not grow like this)."""
    functions = stats.get("functions", {})
    invocations = ", ".join(f"{name} {f.get('invocations', 0)}" for name, f in sorted(functions.items()))
    print(f"invocations                 {invocations}")
    moto = stats.get("moto", {})
    slowest = sorted(moto.get("held_by_operation", {}).items(), key=lambda item: -item[1].get("cpu_s", 0))[:5]
    top = ", ".join(f"{name} {entry['requests']}x {entry['cpu_s']:.1f} s" for name, entry in slowest)
    total = f"{moto.get('cpu_s', 0):.1f} s in {moto.get('requests', 0)} requests"
    print(f"moto CPU                    {total}; most: {top}")


if __name__ == "__main__":
    sys.exit(main())
