"""`make bench`: every benchmark, measured side by side in one run, figures and ratios printed."""

from __future__ import annotations

from bench import enrichment_bench, imports


def main() -> None:
    imports.report()
    print()
    enrichment_bench.main()


if __name__ == "__main__":
    main()
