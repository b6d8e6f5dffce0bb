"""`make bench`: cost per article, reads, cold start and enrichment speed, measured side by side in one run."""

from __future__ import annotations

import os
import platform
import sys
import time

from bench import archive, coldstart, cost, enrichment_bench, lifecycle, reads
from bench.harness import stack


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), model)
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    return (
        f"Machine: {model}, {os.cpu_count()} cores ({usable} usable){load}; {platform.system()} {platform.machine()}, "
        f"Python {sys.version.split()[0]}"
    )


def main() -> None:
    started = time.perf_counter()
    print(machine())
    print()
    with stack() as bootstrap:
        heads = archive.templates(bootstrap)
    cost.main(heads)
    print()
    lifecycle.main(heads)
    print()
    reads.main(heads)
    print()
    coldstart.main()
    print()
    enrichment_bench.main()  # last: it pins this process to one core
    print(f"\n(make bench: {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
