"""Memory and time of a big article through `segment` and `translate --engine none` (issue 10).

Each command runs in its own process, started from a small fresh one (`common.fresh`), and
its peak resident memory is that process's alone, so the figures are per command even inside
`bench.run`. Prints the ratio of peak memory to the file's size (the issue measured about
170× before the fix), then, for six shapes of article (prose, .docx, Traditional shown as
Taiwan's, HTML, one huge paragraph, many tiny lines), the memory a further megabyte of
article costs (between a 2 MB and an 8 MB article: the base of the process cancels out).
`python -m bench.bench_ingest [MB ...]` (default 10 MB; the name finder runs on a 20th of it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import big_article, bilingual_cmd, body_paragraphs, fresh, report
from bilingual.testing.shapes import SHAPES, shaped_article, text_megabytes


def measure(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one command, measured alone (`common.fresh`)."""
    env = {**os.environ, "BILINGUAL_MAX_SIZE_MB": "100"}  # the default limit is 20 MB
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        proc = subprocess.run(fresh(args, report), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=env)
        figures = json.loads(report.read_text()) if report.exists() else {"code": -1}
    if proc.returncode != 0 or figures["code"] != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.decode().strip()[-500:]}")
    return figures["seconds"], figures["rss_mb"]


def main(sizes: list[float] | None = None) -> None:
    print("== ingest: a big article, time and peak memory ==")
    baseline = measure([sys.executable, "-c", "import bilingual.ingest.article"])[1]
    report("interpreter + imports (peak RSS)", baseline, "MB")
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes or [10.0]:
            path = Path(tmp) / f"big-{mb:g}mb.txt"
            path.write_text(big_article(int(mb * 1e6)), encoding="utf-8")
            small = Path(tmp) / "small.txt"  # the name finder costs ~30 ms a sentence
            small.write_text(big_article(int(mb * 1e6) // 20), encoding="utf-8")
            out = str(Path(tmp) / "out")
            none = ["--engine", "none", "--no-tm", "--quiet", "--force", "-o", out]
            runs = {
                "segment -f jsonl": (path, bilingual_cmd(
                    "segment", str(path), "-f", "jsonl", "-o", str(Path(tmp) / "seg.jsonl"))),
                "translate --engine none --no-names": (path, bilingual_cmd(
                    "translate", str(path), *none, "--no-names")),
                "translate --engine none": (small, bilingual_cmd(
                    "translate", str(small), *none)),
            }
            for name, (article, args) in runs.items():
                size = article.stat().st_size / 1e6
                wall, peak = measure(args)
                report(f"{name}, {size:.1f} MB: wall", wall, "s")
                report(f"{name}, {size:.1f} MB: peak RSS", peak, "MB")
                report(f"{name}: peak RSS / file size", peak / size, "x")
    by_shape()


def by_shape(small_mb: float = 2.0, big_mb: float = 8.0,
             shapes: tuple[str, ...] = SHAPES) -> None:
    print("== ingest: memory per further MB of article, by shape "
          f"({small_mb:g} MB → {big_mb:g} MB, translate --engine none --no-names) ==")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            figures = []
            for mb in (small_mb, big_mb):
                path, options = shaped_article(Path(tmp), shape, body_paragraphs(),
                                               int(mb * 1e6))
                size = text_megabytes(path)
                wall, peak = measure(bilingual_cmd(
                    "translate", str(path), "--engine", "none", "--no-tm", "--no-names",
                    "--quiet", "--force", "-o", str(Path(tmp) / "out"), *options))
                figures.append((size, peak, wall))
            (small, small_peak, _), (big, big_peak, big_wall) = figures
            report(f"{shape}: {big:.1f} MB of text, peak RSS", big_peak, "MB")
            report(f"{shape}: {big:.1f} MB of text, wall", big_wall, "s")
            report(f"{shape}: MB of memory per further MB of text",
                   (big_peak - small_peak) / (big - small), "x")


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or None)
