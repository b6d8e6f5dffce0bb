"""Enrichment benchmark: analyze() throughput on a 600-word article and gazetteer cold-load time.

Run from the repository root: ``python -m bench.enrichment_bench``. Throughput is measured in this
process pinned to one CPU (where the OS allows it), as the median of several timed runs after a
warm-up; the cold load is measured in fresh interpreters, as the median of several, because a
Lambda cold start is exactly that: a new process importing the module and building the gazetteer.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.enrichment.analyze import analyze
from shared.enrichment.gazetteer import gazetteer
from shared.enrichment.text import html_to_text, word_count
from shared.models.article import Analysis

ROOT = Path(__file__).resolve().parents[1]
TARGET_ARTICLES_PER_SECOND = 200
TARGET_LOAD_MS = 50
RUNS = 7
ARTICLES_PER_RUN = 100
LOAD_RUNS = 7
# Quality targets (issue 10), checked on the dev set and on the held-out set alike.
TARGET_ENTITY_F1 = 0.85
TARGET_UNKNOWN_RECALL = 0.6
TARGET_EXACT_SPEAKERS = 0.7
TARGET_WRONG_SPEAKERS = 0.02
TARGET_RELATIVE_DATES = 0.9
TARGET_TOPIC_RECALL = 0.7
TARGET_TOPIC_PRECISION = 0.8
# The newsroom-wide topics the gold is annotated with (each maps to an IPTC Media Topic).
GENERAL_TOPICS = frozenset(
    (
        *("politics", "war-security", "economy", "energy", "business", "society", "health", "education"),
        *("science-technology", "culture", "sports", "environment", "human-rights", "crime-justice", "international"),
    )
)

# About 600 words in the newsroom's style, written for this benchmark: quotes, a list, dates, names.
_PARAGRAPHS = [
    "Ukraine and its European partners agreed on Oct. 14 to speed up joint production of air defense "
    "interceptors, Ukraine's Defense Ministry said, after a night in which Russia launched more than 400 "
    "drones and 40 missiles at Kyiv, Lviv and Dnipro.",
    '"Every interceptor built in Europe is a life saved in Ukraine," Defense Minister Denys Shmyhal told '
    'reporters in Brussels after meeting NATO Secretary General Mark Rutte. "We need them by winter, not '
    'by spring."',
    "Rutte said the alliance would help coordinate orders from Germany, Poland and the Netherlands, and "
    "that the European Commission was ready to guarantee loans to Ukrainian manufacturers. The European "
    "Union has already set aside frozen Russian assets to cover part of the cost.",
    "The Kremlin dismissed the plan. Spokesperson Dmitry Peskov said on Oct. 15 that Western weapons "
    '"will not change the situation on the front line" and accused European governments of prolonging '
    "the war.",
    "According to Ukraine's Air Force, air defenses shot down 372 drones and 31 missiles overnight. "
    "Debris fell on residential buildings in Kyiv's Solomianskyi district, injuring 12 people, Kyiv Mayor "
    "Vitali Klitschko said. In Lviv, a strike damaged an energy facility, and in Dnipropetrovsk Oblast "
    "two people were killed, Governor Serhii Lysak said.",
    "President Volodymyr Zelensky urged partners to deliver more Patriot systems before the heating "
    'season. "Russia is betting on cold and darkness," he said in his evening address. "We are betting '
    'on our partners and on our own engineers."',
    "Zelensky is due to meet U.S. President Donald Trump in Washington later this week. Officials in Kyiv "
    "said the talks would cover long-range weapons, sanctions on Russian oil and a possible ceasefire "
    "along the current front line.",
    "Moscow has rejected a ceasefire without Ukrainian withdrawals from the Donetsk and Luhansk oblasts. "
    "Foreign Minister Sergey Lavrov said on Oct. 13 that Russia remained open to talks but would not "
    '"freeze the conflict on terms dictated from Washington."',
    "The International Atomic Energy Agency reported that the Zaporizhzhia nuclear plant had lost "
    "external power for the tenth time since the full-scale invasion began in February 2022. IAEA chief "
    'Rafael Grossi called the situation "dangerous and unsustainable" and asked both sides to allow '
    "repairs.",
    "Meanwhile, Ukraine's parliament passed a law simplifying the export of weapons produced jointly with "
    "partners. The Verkhovna Rada vote followed months of debate over how to protect technology and keep "
    "enough equipment for Ukrainian forces.",
    "Key developments on Oct. 15:",
    "* Russia launches over 400 drones and 40 missiles in a massive overnight attack",
    "* Ukraine and European partners agree on joint production of interceptors",
    "* Zelensky to meet Trump in Washington later this week",
    "* IAEA warns of power loss at Zaporizhzhia nuclear plant",
    "Analysts at the Institute for the Study of War said Russian forces had made small gains near "
    "Pokrovsk and Kupiansk but at a heavy cost. Ukraine's General Staff said Russian troops had lost "
    "about 1,100 soldiers over the past day, a figure that could not be independently verified.",
    "Poland scrambled aircraft as the attack unfolded, the Polish Armed Forces said, and briefly closed "
    "airports in Rzeszow and Lublin. No Russian drones entered Polish airspace this time, officials said.",
    "Energy companies said repairs to damaged substations in the Kyiv and Chernihiv regions would take "
    "several days. Ukrenergo asked consumers to limit electricity use in the evening hours, when demand "
    "peaks, and warned that scheduled outages could return if attacks continue at the same pace.",
    "European leaders are expected to discuss the plan at a summit in Copenhagen in December 2025. "
    "Diplomats said the aim is to sign the first contracts before the end of the year and deliver the "
    "first interceptors in early 2026.",
]
TEXT = "\n\n".join(_PARAGRAPHS)
HTML = "".join(f"<ul><li>{p[2:]}</li></ul>" if p.startswith("* ") else f"<p>{p}</p>" for p in _PARAGRAPHS).replace(
    "</ul><ul>", ""
)
PUBLISHED = datetime(2025, 10, 15, 9, 0, tzinfo=UTC)

_COLD_LOAD = (
    "import time\n"
    "started = time.perf_counter()\n"
    "from shared.enrichment.gazetteer import gazetteer\n"
    "imported = time.perf_counter()\n"
    "gazetteer()\n"
    "done = time.perf_counter()\n"
    "print((done - started) * 1000, (done - imported) * 1000)\n"
)


# The enrich function's cold start on Ukrainian copy: importing analyze(), loading pymorphy3's Ukrainian
# dictionary, and the first article (gazetteer built, topic triggers expanded into their forms).
_ENRICH_COLD = (
    "import json, resource, sys, time\n"
    "from datetime import UTC, datetime\n"
    "started = time.perf_counter()\n"
    "from shared.enrichment.analyze import analyze\n"
    "imported = time.perf_counter()\n"
    "from shared.enrichment import morphology\n"
    "morphology.load()\n"
    "loaded = time.perf_counter()\n"
    "text = sys.stdin.read()\n"
    "analyze(text, '<p>' + text + '</p>', declared_language='uk', published_at=datetime(2026, 11, 12, tzinfo=UTC),"
    " tags=[], kind='article')\n"
    "done = time.perf_counter()\n"
    "print(json.dumps([imported - started, loaded - imported, done - loaded,"
    " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))\n"
)
ENRICH_LAYER = ("pymorphy3", "pymorphy3-dicts-uk", "dawg2-python")


def _uk_article() -> str:
    """About 600 Ukrainian words: two dev-set stories back to back."""
    folder = FIXTURES / "dev"
    parts = [(folder / name).read_text(encoding="utf-8").split("\n---\n", 1)[1].strip() for name in UK_BENCH_FILES]
    return "\n\n".join(parts)


def enrich_cold_start() -> tuple[float, float, float, float]:
    """Medians over fresh processes: (import s, dictionary load s, first Ukrainian article s, max RSS MB)."""
    text = _uk_article()
    samples = []
    for attempt in range(LOAD_RUNS + 1):
        out = subprocess.run(
            [sys.executable, "-c", _ENRICH_COLD], cwd=ROOT, input=text, capture_output=True, text=True, check=True
        )
        if attempt:  # the first run writes the bytecode caches, as Lambda's first cold start would not need to
            samples.append(json.loads(out.stdout))
    return tuple(statistics.median(s[i] for s in samples) for i in range(4))


def _baseline_import_seconds() -> float:
    """Median import of the bare Powertools + boto3 handler in fresh processes (bytecode warm)."""
    probe = "import time; t = time.perf_counter(); import bench.baseline_handler; print(time.perf_counter() - t)"
    env = {**os.environ, "POWERTOOLS_SERVICE_NAME": "bench", "POWERTOOLS_METRICS_NAMESPACE": "Bench"}
    samples = []
    for attempt in range(LOAD_RUNS + 1):
        out = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        if attempt:
            samples.append(float(out.stdout))
    return statistics.median(samples)


def uk_throughput() -> tuple[int, float, float]:
    """(words, articles/s once warm, ms per article the first time its words are seen) on Ukrainian copy."""
    from shared.enrichment import morphology  # noqa: PLC0415 - the bench measures what loading costs elsewhere

    text = _uk_article()
    html = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    published = datetime(2026, 11, 12, tzinfo=UTC)

    def once() -> None:
        analyze(text, html, declared_language="uk", published_at=published, tags=[], kind="article")

    morphology.load()
    morphology._READINGS.clear()
    started = time.perf_counter()
    once()
    first = time.perf_counter() - started
    for _ in range(5):
        once()
    rates = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(ARTICLES_PER_RUN // 4):
            once()
        rates.append((ARTICLES_PER_RUN // 4) / (time.perf_counter() - started))
    return word_count(text), statistics.median(rates), first * 1000


def layer_size_mb() -> float:
    """Installed size of the enrich layer's packages (what `pip install --no-deps` puts in the layer)."""
    from importlib.metadata import distribution  # noqa: PLC0415

    total = 0
    for name in ENRICH_LAYER:
        dist = distribution(name)
        for file in dist.files or ():
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def _pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        core = max(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity on this OS)"


def throughput() -> tuple[int, float, list[float]]:
    text = html_to_text(HTML)

    def once() -> None:
        analyze(text, HTML, declared_language="en", published_at=PUBLISHED, tags=["Ukraine"], kind="article")

    for _ in range(20):  # warm-up: gazetteer built, caches filled, as in a warm Lambda
        once()
    rates = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(ARTICLES_PER_RUN):
            once()
        rates.append(ARTICLES_PER_RUN / (time.perf_counter() - started))
    return word_count(text), statistics.median(rates), rates


def cold_load(*, bytecode: bool) -> tuple[float, float]:
    """(import + build, build) in ms, medians over fresh interpreters.

    With ``bytecode`` the modules' .pyc may be cached (a package built with compileall); without it
    every run compiles the sources, as a staged asset without .pyc files does on a Lambda cold start.
    """
    totals, builds = [], []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _ in range(LOAD_RUNS):
        with tempfile.TemporaryDirectory() as empty_cache:
            options = [] if bytecode else ["-X", f"pycache_prefix={empty_cache}"]
            out = subprocess.run(
                [sys.executable, *options, "-c", _COLD_LOAD],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
        total, build = (float(x) for x in out.stdout.split())
        totals.append(total)
        builds.append(build)
    return statistics.median(totals), statistics.median(builds)


def _verdict(ok: bool) -> str:
    return "OK" if ok else "BELOW TARGET"


# -- quality on the dev set ------------------------------------------------------------------------
# Articles written for this project with hand-made gold (tests/fixtures/enrichment): "dev" is what the
# rules were tuned on; "heldout" and then "blind" were written apart from the code (by someone who had
# not read it) and scored once before any change they prompted (their first scores are in
# docs/decisions.md; since then they have been looked at, so they are no longer blind). Names match
# when equal after folding case, apostrophes and a leading "the", or when both resolve to the same
# gazetteer entity; a gold entry may list accepted variants ("EBRD|European Bank for Reconstruction and
# Development"), and "optional" names are neither required nor counted against precision.
FIXTURES = ROOT / "tests" / "fixtures" / "enrichment"
UK_BENCH_FILES = ("uk-01-zaporizhzhia.txt", "uk-08-energy.txt")
ENTITY_KINDS = ("people", "places", "organizations")
_FOLD_RE = re.compile(r"[«»\"“”„]")


@dataclass
class Article:
    key: str
    language: str
    published_at: datetime
    kind: str
    headline: str
    text: str
    gold: dict[str, Any]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    entities: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (language, kind)
    unknown_found: dict[str, list[int]] = field(default_factory=dict)  # language -> [found, total]
    nominative: list[int] = field(default_factory=lambda: [0, 0])  # uk matches written as gold, all uk matches
    quotes: dict[str, list[int]] = field(default_factory=dict)  # language -> [gold, found, exact, wrong, attributed]
    titles_as_quotes: int = 0
    dates: dict[str, list[int]] = field(default_factory=dict)  # kind -> [right, total]
    extra_dates: int = 0
    topics: Tally = field(default_factory=Tally)
    misses: list[str] = field(default_factory=list)


def load_articles(split: str) -> list[Article]:
    folder = FIXTURES / split
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    articles = []
    for path in sorted(folder.glob("*.txt")):
        header, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
        meta = dict(line.split(": ", 1) for line in header.splitlines())
        articles.append(
            Article(
                key=path.stem,
                language=meta["language"],
                published_at=datetime.fromisoformat(meta["published_at"]),
                kind=meta["kind"],
                headline=meta["headline"],
                text=body.strip(),
                gold=gold[path.stem],
            )
        )
    return articles


def _fold(name: str) -> str:
    folded = _FOLD_RE.sub("", name).casefold().replace("’", "'").replace("ʼ", "'")
    folded = " ".join(folded.split())
    return folded[4:] if folded.startswith("the ") else folded


def _gaz_id(name: str) -> str | None:
    gz = gazetteer()
    entry = gz.lookup_name(name)
    if entry is not None:
        return entry.id
    key = gz.entity_key(name)
    return key if key in gz.by_id or "@" in key else None


def _same(predicted: str, alternatives: list[str]) -> bool:
    folded = _fold(predicted)
    if any(folded == _fold(a) for a in alternatives):
        return True
    gaz = _gaz_id(predicted)
    return gaz is not None and any(gaz == _gaz_id(a) for a in alternatives)


def _as_written(predicted: str, alternatives: list[str]) -> bool:
    """A Ukrainian match counts as nominative when it is spelled as the gold or as the gazetteer's name."""
    folded = _fold(predicted)
    entry = gazetteer().by_id.get(_gaz_id(predicted) or "")
    return any(folded == _fold(a) for a in alternatives) or (entry is not None and folded == _fold(entry.name("uk")))


def _score_entities(article: Article, analysis: Analysis, scores: Scores) -> None:
    optional = [name for name in article.gold["optional"]]
    for kind in ENTITY_KINDS:
        golds = [g.split("|") for g in article.gold[kind]]
        others = [g.split("|") for k in ENTITY_KINDS if k != kind for g in article.gold[k]]
        matched: set[int] = set()
        tally = Tally()
        for entity in getattr(analysis.entities, kind):
            hit = next((i for i, alts in enumerate(golds) if _same(entity.name, alts)), None)
            if hit is not None:
                if hit not in matched:
                    matched.add(hit)
                    tally.tp += 1
                    if article.language == "uk":
                        scores.nominative[1] += 1
                        scores.nominative[0] += _as_written(entity.name, golds[hit])
                        if not _as_written(entity.name, golds[hit]):
                            scores.misses.append(f"{article.key}: not nominative {entity.name!r}")
            elif not _same(entity.name, optional):
                tally.fp += 1
                note = " (other type)" if any(_same(entity.name, alts) for alts in others) else ""
                scores.misses.append(f"{article.key}: extra {kind} {entity.name!r}{note}")
        for i, alts in enumerate(golds):
            known = any(_gaz_id(a) is not None for a in alts)
            found, total = scores.unknown_found.setdefault(article.language, [0, 0])
            if not known:
                scores.unknown_found[article.language] = [found + (i in matched), total + 1]
            if i not in matched:
                tally.fn += 1
                note = "" if known else " (not in gazetteer)"
                scores.misses.append(f"{article.key}: missed {kind} {alts[0]!r}{note}")
        scores.entities.setdefault((article.language, kind), Tally()).add(tally)


def _score_quotes(article: Article, analysis: Analysis, scores: Scores) -> None:
    counts = scores.quotes.setdefault(article.language, [0, 0, 0, 0, 0])
    for gold in article.gold["quotes"]:
        start = _fold(gold["starts"])
        quote = next((q for q in analysis.quotes if start in _fold(q.text)[: len(start) + 40]), None)
        counts[0] += 1
        if quote is None:
            scores.misses.append(f"{article.key}: quote not found {gold['starts']!r}")
            continue
        counts[1] += 1
        speaker, expected = quote.speaker, gold["speaker"]
        if speaker is not None:
            counts[4] += 1
        if (speaker is None and expected is None) or (speaker is not None and expected and _same(speaker, [expected])):
            counts[2] += 1
        elif speaker is not None:
            counts[3] += 1
            scores.misses.append(f"{article.key}: WRONG speaker {speaker!r} for {gold['starts']!r} ({expected!r})")
        else:
            scores.misses.append(f"{article.key}: no speaker for {gold['starts']!r} ({expected!r})")
    titles = {_fold(t) for t in article.gold["not_quotes"]}
    scores.titles_as_quotes += sum(_fold(q.text) in titles for q in analysis.quotes)


def _score_dates(article: Article, analysis: Analysis, scores: Scores) -> None:
    values = {d.value for d in analysis.dates}
    expected = {g["value"] for g in article.gold["dates"]}
    for gold in article.gold["dates"]:
        right, total = scores.dates.setdefault(gold["kind"], [0, 0])
        ok = gold["value"] in values
        scores.dates[gold["kind"]] = [right + ok, total + 1]
        if not ok:
            scores.misses.append(f"{article.key}: date {gold['text']!r} -> {gold['value']} not found")
    extra = values - expected
    scores.extra_dates += len(extra)
    scores.misses.extend(f"{article.key}: extra date {v}" for v in sorted(extra))


def _score_topics(article: Article, analysis: Analysis, scores: Scores) -> None:
    by_name = {name.casefold(): rule.id for rule in gazetteer().taxonomy for name in rule.names.values()}
    predicted = {by_name[t.name.casefold()] for t in analysis.topics if t.derived and t.name.casefold() in by_name}
    predicted &= GENERAL_TOPICS
    gold = set(article.gold["topics"])
    scores.topics.add(Tally(tp=len(predicted & gold), fp=len(predicted - gold), fn=len(gold - predicted)))
    scores.misses.extend(f"{article.key}: topic {t} missed" for t in sorted(gold - predicted))
    scores.misses.extend(f"{article.key}: topic {t} extra" for t in sorted(predicted - gold))


def evaluate(articles: list[Article]) -> Scores:
    scores = Scores()
    for article in articles:
        html = "".join(f"<p>{p}</p>" for p in article.text.split("\n\n"))
        analysis = analyze(
            html_to_text(html),
            html,
            declared_language=article.language,
            published_at=article.published_at,
            tags=[],
            kind=article.kind,
            headline=article.headline,
        )
        _score_entities(article, analysis, scores)
        _score_quotes(article, analysis, scores)
        _score_dates(article, analysis, scores)
        _score_topics(article, analysis, scores)
    return scores


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def report_quality(split: str, scores: Scores) -> None:
    print(f"enrichment quality, {split} set")
    for language in ("en", "uk"):
        overall = Tally()
        cells = []
        for kind in ENTITY_KINDS:
            tally = scores.entities.get((language, kind), Tally())
            overall.add(tally)
            p, r, f = tally.prf()
            cells.append(f"{kind} P {p:.2f} R {r:.2f} F1 {f:.2f}")
        p, r, f = overall.prf()
        verdict = _verdict(f >= TARGET_ENTITY_F1)
        found, total = scores.unknown_found.get(language, [0, 0])
        print(f"  entities {language}: P {p:.2f} R {r:.2f} F1 {f:.2f} (target >= {TARGET_ENTITY_F1}: {verdict})")
        print(f"    {'; '.join(cells)}")
        unknown = found / total if total else 1.0
        print(
            f"    not in the gazetteer: recall {unknown:.2f} ({found}/{total}; target >= "
            f"{TARGET_UNKNOWN_RECALL}: {_verdict(unknown >= TARGET_UNKNOWN_RECALL)})"
        )
    nominative, matched = scores.nominative
    print(f"  Ukrainian entities in the nominative: {nominative}/{matched}")
    for language, (gold, found, exact, wrong, attributed) in sorted(scores.quotes.items()):
        print(
            f"  quotes {language}: found {found}/{gold}, exact speaker {_pct(exact, gold)} (target >= "
            f"{TARGET_EXACT_SPEAKERS:.0%}: {_verdict(gold == 0 or exact / gold >= TARGET_EXACT_SPEAKERS)}), "
            f"wrong speaker {_pct(wrong, gold)} (target <= {TARGET_WRONG_SPEAKERS:.0%}: "
            f"{_verdict(gold == 0 or wrong / gold <= TARGET_WRONG_SPEAKERS)}), attributed {attributed}"
        )
    print(f"  titles of works taken as quotes: {scores.titles_as_quotes}")
    parts = []
    for kind, label in (("rel", "relative"), ("infer", "year inferred"), ("abs", "with a year")):
        right, total = scores.dates.get(kind, [0, 0])
        parts.append(f"{label} {right}/{total} ({_pct(right, total).strip()})")
    right, total = scores.dates.get("rel", [0, 0])
    print(
        f"  dates: {'; '.join(parts)}; relative target >= {TARGET_RELATIVE_DATES:.0%}: "
        f"{_verdict(total == 0 or right / total >= TARGET_RELATIVE_DATES)}; "
        f"values not in the gold: {scores.extra_dates}"
    )
    p, r, _ = scores.topics.prf()
    print(
        f"  topics: P {p:.2f} R {r:.2f} (target R >= {TARGET_TOPIC_RECALL} at P >= {TARGET_TOPIC_PRECISION}: "
        f"{_verdict(r >= TARGET_TOPIC_RECALL and p >= TARGET_TOPIC_PRECISION)})"
    )


SPLITS = ("dev", "heldout", "blind")


def quality(*, show_misses: bool = False, splits: tuple[str, ...] = SPLITS) -> None:
    for split in splits:
        scores = evaluate(load_articles(split))
        report_quality(split, scores)
        if show_misses:
            for line in scores.misses:
                print("   ", line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quality", action="store_true", help="only score the dev, held-out and blind sets")
    parser.add_argument("--misses", action="store_true", help="list every miss and extra (dev set)")
    parser.add_argument("--split", choices=SPLITS, help="score one set only")
    args = parser.parse_args(argv)
    splits = (args.split,) if args.split else SPLITS
    if args.quality or args.misses:
        quality(show_misses=args.misses, splits=splits)
        return
    quality(splits=splits)
    print()
    pinning = _pin_to_one_core()
    words, rate, rates = throughput()
    loads = {"bytecode cached": cold_load(bytecode=True), "compiled at import": cold_load(bytecode=False)}
    print(f"enrichment benchmark (Python {sys.version.split()[0]}, {pinning})")
    print(
        f"analyze(): {words}-word article, median {rate:.0f} articles/s over {RUNS} runs of "
        f"{ARTICLES_PER_RUN} (min {min(rates):.0f}, max {max(rates):.0f}); target >= "
        f"{TARGET_ARTICLES_PER_SECOND}/s: {_verdict(rate >= TARGET_ARTICLES_PER_SECOND)}"
    )
    print(f"analyze(): median {1000 / rate:.2f} ms per article")
    for label, (total_ms, build_ms) in loads.items():
        print(
            f"gazetteer cold load ({label}): median {total_ms:.1f} ms (import {total_ms - build_ms:.1f} ms "
            f"+ build {build_ms:.1f} ms) over {LOAD_RUNS} fresh processes; target < {TARGET_LOAD_MS} ms: "
            f"{_verdict(total_ms < TARGET_LOAD_MS)}"
        )
    uk_words, uk_rate, uk_first_ms = uk_throughput()
    print(
        f"analyze(), Ukrainian: {uk_words}-word article, median {uk_rate:.0f} articles/s once its words are known "
        f"(morphology cached per word); {uk_first_ms:.1f} ms the first time, every word new to the process"
    )
    imported, loaded, first, rss = enrich_cold_start()
    baseline = _baseline_import_seconds()
    total = imported + loaded + first
    print(
        f"enrich cold start on Ukrainian copy: {total * 1000:.0f} ms = import {imported * 1000:.0f} ms + "
        f"Ukrainian dictionary {loaded * 1000:.0f} ms + first article {first * 1000:.0f} ms (gazetteer, topic "
        f"forms), max RSS {rss:.0f} MB; baseline handler import {baseline * 1000:.0f} ms "
        f"({total / baseline:.2f}x); English copy never loads the dictionary"
    )
    print(f"enrich layer ({', '.join(ENRICH_LAYER)}): {layer_size_mb():.1f} MB installed")


if __name__ == "__main__":
    main()
