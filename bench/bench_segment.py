"""Start-up time of the CLI, and structure + segmentation throughput (issue: foundation)."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.common import big_article, bilingual_cmd, report, run_command, sample_article


def import_time_ms(module: str) -> float:
    """Cumulative import time of `module` in a fresh interpreter, from -X importtime."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True, check=True).stderr
    for line in reversed(out.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    return float("nan")


def main() -> None:
    print("== foundation: start-up and segmentation ==")
    report("import bilingual.cli", import_time_ms("bilingual.cli"), "ms")
    help_wall = run_command(bilingual_cmd("--help"))
    report("bilingual --help (wall, best of 5)", help_wall, "s", "< 0.5 s")
    sample = str(sample_article())
    report(f"bilingual segment {sample_article().name} (wall)",
           run_command(bilingual_cmd("segment", sample)), "s", "< 0.5 s")

    from bilingual.ingest.article import build_article
    from bilingual.ingest.reading import Source
    from bilingual.ingest.script import ScriptConverter

    text = big_article(1_000_000)
    size_mb = len(text.encode()) / 1e6
    scripts = ScriptConverter()
    scripts.detect("预热")
    best = float("inf")
    segments = 0
    for _ in range(3):
        source = Source("big.txt", "big", text, "utf-8", "txt")
        start = time.perf_counter()
        article = build_article(source, scripts)
        best = min(best, time.perf_counter() - start)
        segments = len(article.segments)
    report(f"structure + segmentation, {size_mb:.2f} MB, {segments} segments", best, "s")
    report("throughput", size_mb / best, "MB/s", ">= 2 MB/s")


if __name__ == "__main__":
    main()
