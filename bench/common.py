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
    paragraphs = body_paragraphs()
    lines = ["某某县召开党建工作会议", "2022-09-28 18:00 来源：某某日报"]
    total = sum(len(x.encode()) + 1 for x in lines)
    i = 0
    while total < size_bytes:
        p = paragraphs[i % len(paragraphs)]
        lines.append(p)
        total += len(p.encode()) + 1
        i += 1
    lines.append("责任编辑：某某")
    return "\n".join(lines) + "\n"


def report(name: str, value: float, unit: str, target: str = "") -> None:
    tail = f"   (target {target})" if target else ""
    print(f"{name:<58} {value:10.3f} {unit}{tail}")
