"""Enrichment benchmark: analyze() throughput on a 600-word article and gazetteer cold-load time.

Run from the repository root: ``python -m bench.enrichment_bench``. Throughput is measured in this
process pinned to one CPU (where the OS allows it), as the median of several timed runs after a
warm-up; the cold load is measured in fresh interpreters, as the median of several, because a
Lambda cold start is exactly that: a new process importing the module and building the gazetteer.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from shared.enrichment.analyze import analyze
from shared.enrichment.text import html_to_text, word_count

ROOT = Path(__file__).resolve().parents[1]
TARGET_ARTICLES_PER_SECOND = 200
TARGET_LOAD_MS = 50
RUNS = 7
ARTICLES_PER_RUN = 100
LOAD_RUNS = 7

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


def main() -> None:
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


if __name__ == "__main__":
    main()
