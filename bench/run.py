"""Run every benchmark: `python -m bench.run`. Each prints its figures and ratios."""

from __future__ import annotations

import importlib
import sys

BENCHES = ["bench.bench_segment", "bench.bench_mt", "bench.bench_glossary",
           "bench.bench_outputs", "bench.bench_batch", "bench.bench_structure",
           "bench.bench_llm", "bench.bench_peers", "bench.bench_libretranslate",
           "bench.bench_review", "bench.bench_ingest"]


def main() -> None:
    chosen = sys.argv[1:] or BENCHES
    for name in chosen:
        importlib.import_module(name if name.startswith("bench.") else f"bench.{name}").main()
        print()


if __name__ == "__main__":
    main()
