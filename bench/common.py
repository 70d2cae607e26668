"""Helpers shared by the benchmarks: timing, and articles built from the test fixtures."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SAMPLE = REPO.parent / "shared" / "samples" / "anyang-party-flag-2020-02-01.txt"
EXAMPLE = REPO / "examples" / "county-epidemic-notice.txt"


def sample_article() -> Path:
    """The shared sample if it is there, else the bundled example."""
    return SAMPLE if SAMPLE.exists() else EXAMPLE


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run_command(args: list[str], repeat: int = 5) -> float:
    """Best wall time of a command, in seconds."""
    return best_of(lambda: subprocess.run(args, check=True, capture_output=True), repeat)


# A process's peak memory (ru_maxrss) counts the copy of its parent it was forked as, before
# exec: a command started from a bench that has grown to 500 MB reports 500 MB whatever it
# does. So a command is started from a small fresh Python, which reports its child's peak.
_FRESH = """
import json, os, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[2:]).returncode
report = {"code": code, "seconds": time.perf_counter() - start,
          "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
with open(sys.argv[1], "w") as handle:
    json.dump(report, handle)
"""


def fresh(args: list[str], report: Path) -> list[str]:
    """`args` started from a small fresh process that writes {code, seconds, rss_mb} of the
    command alone to `report` (its stdout and stderr pass through)."""
    return [sys.executable, "-c", _FRESH, str(report), *args]


def bilingual_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "bilingual.cli", *args]


def body_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(FIXTURES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip(" \u3000")
            if len(line) > 40:
                paragraphs.append(line)
    return paragraphs


def big_article(size_bytes: int) -> str:
    """A title, a date line, and body paragraphs repeated up to `size_bytes` of UTF-8."""
    from bilingual.testing.shapes import prose

    return prose(body_paragraphs(), size_bytes)


def report(name: str, value: float, unit: str, target: str = "") -> None:
    tail = f"   (target {target})" if target else ""
    print(f"{name:<58} {value:10.3f} {unit}{tail}")
