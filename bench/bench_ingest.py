"""Memory and time of a big article through `segment` and `translate --engine none` (issue 10).

Each command runs in its own process, and its peak resident memory is read from that process
alone (`os.wait4`), so the figures are per command. Prints the ratio of peak memory to the
file's size: the issue measured about 170× before the fix.
`python -m bench.bench_ingest [MB ...]` (default 10 MB; the name finder runs on a 20th of it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import big_article, bilingual_cmd, report


def measure(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one command."""
    start = time.perf_counter()
    env = {**os.environ, "BILINGUAL_MAX_SIZE_MB": "100"}  # the default limit is 20 MB
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(args)} failed: {err.strip()[-500:]}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KB on Linux


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


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or None)
