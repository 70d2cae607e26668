"""What a run shows while it works: a progress bar on a terminal, log lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any

from bilingual.run.executor import BatchResult, Outcome


class Reporter:
    """Progress for `total` articles; call `update` per outcome, `close` at the end."""

    def __init__(self, total: int, quiet: bool = False, stream: Any = None) -> None:
        self.total, self.quiet = total, quiet
        self.stream = stream or sys.stderr
        self.count = 0
        self.start = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None
        if not quiet and total > 1 and self.stream.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("translating"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("articles · {task.fields[segments]} segments · "
                                           "{task.fields[rate]:.1f}/min"),
                                TimeElapsedColumn(), TimeRemainingColumn(),
                                console=Console(file=self.stream))
            self.task = self.bar.add_task("run", total=total, segments=0, rate=0.0)
            self.bar.start()

    def update(self, outcome: Outcome, segments: int) -> None:
        self.count += 1
        elapsed = time.perf_counter() - self.start
        rate = self.count / elapsed * 60 if elapsed else 0.0
        if self.bar is not None:
            self.bar.update(self.task, advance=1, segments=segments, rate=rate)
        elif not self.quiet:
            why = f": {outcome.reason}" if outcome.reason else ""
            print(f"[{self.count}/{self.total}] {outcome.status} {outcome.path}{why}",
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def summary_table(result: BatchResult) -> str:
    """The run summary: one row per article, then totals."""
    header = ("status", "segments", "terms", "term-missing", "flags", "seconds", "article")
    rows = [(o.status, str(o.segments), str(o.terms_enforced), str(o.term_missing),
             str(o.flags), f"{o.seconds:.2f}",
             o.path + (f": {o.reason}" if o.status == "failed" else ""))
            for o in result.outcomes]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  " + header[-1]]
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    counts = result.to_json()["counts"]
    total = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    lines.append(f"{len(result.outcomes)} articles: {total}; {result.seconds:.1f} s; "
                 f"engine {result.engine}")
    return "\n".join(lines)
