"""What a run shows while it works: a progress bar on a terminal, log lines otherwise."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Any

from bilingual.engines.base import Engine
from bilingual.run.executor import BatchResult, Outcome, Stage


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

            self.bar = Progress(TextColumn("{task.fields[stage]}"), BarColumn(),
                                MofNCompleteColumn(),
                                TextColumn("articles · {task.fields[segments]} segments · "
                                           "{task.fields[rate]:.1f}/min"),
                                TimeElapsedColumn(), TimeRemainingColumn(),
                                console=Console(file=self.stream))
            self.task = self.bar.add_task("run", total=total, segments=0, rate=0.0,
                                          stage="starting")
            self.bar.start()

    def update(self, outcome: Outcome, segments: int) -> None:
        self.count += 1
        elapsed = time.perf_counter() - self.start
        rate = self.count / elapsed * 60 if elapsed else 0.0
        if self.bar is not None:
            self.bar.update(self.task, advance=1, segments=segments, rate=rate)
        elif not self.quiet:
            # a failure's reason names the file already: the name is not printed twice
            what = outcome.reason if outcome.reason.startswith(outcome.path) else \
                outcome.path + (f": {outcome.reason}" if outcome.reason else "")
            print(f"[{self.count}/{self.total}] {outcome.result} {what}",
                  file=self.stream, flush=True)

    def stage(self, stage: Stage) -> None:
        """The bar says what the run is doing now (a chunk's reading, translating, writing),
        so a long chunk does not look like a run stuck at 0; logs get the translating step."""
        where = f"chunk {stage.chunk}/{stage.chunks}: " if stage.chunks > 1 else ""
        unit = "segments" if stage.name == "translating" else "articles"
        text = f"{where}{stage.name} {plural(stage.size, unit[:-1])}" + (
            f" ({stage.detail})" if stage.detail else "")
        if self.bar is not None:
            self.bar.update(self.task, stage=text)
        elif not self.quiet and stage.name == "translating":
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def summary_table(result: BatchResult) -> list[str]:
    """One row per article, each column headed by what it counts."""
    header: tuple[str, ...] = ("result", "segments", "terms matched", "terms missing",
                               "QA findings", "article")
    rows: list[tuple[str, ...]] = [
        (o.result, str(o.segments), str(o.terms.matched), str(o.terms.by_rung["missing"]),
         str(o.flags), o.path)  # why an article failed is said once, on its error line
        for o in result.outcomes]
    if any(o.usage for o in result.outcomes):  # an LLM engine: its requests and tokens
        header = (*header[:-1], "requests", "tokens (prompt+completion)", header[-1])
        rows = [(*r[:-1], str(o.usage.get("requests", 0)),
                 f"{o.usage.get('prompt_tokens', 0)}+{o.usage.get('completion_tokens', 0)}",
                 r[-1]) for r, o in zip(rows, result.outcomes, strict=True)]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1]
            for r in (header, *rows)]


def summary_lines(result: BatchResult, engine: Engine, verbose: bool = True) -> list[str]:
    """The end-of-run summary; the same numbers as run.json and each report.json."""
    lines = summary_table(result) if verbose else []
    counts = Counter(o.result for o in result.outcomes)
    done = ", ".join(f"{n} {r}" for r, n in sorted(counts.items()))
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    lines.append(f"{plural(len(result.outcomes), 'article')}: {done}; {result.seconds:.1f} s"
                 + (f" ({stages})" if stages else ""))
    lines.append(f"terms: {result.terms().describe()}")
    stats = result.stats
    if engine.produces_text:
        lines.append(f"engine {engine.describe()}: {plural(stats.engine_sources, 'sentence')} "
                     f"translated, {stats.from_tm} of "
                     f"{plural(stats.segments, 'translatable segment')} "
                     "from the translation memory; "
                     f"{plural(stats.decode_passes, 'decoding pass', 'decoding passes')}, "
                     f"{stats.decodes_per_sentence():.2f} decodes a sentence"
                     + (f"; {stats.engine_errors} failed (engine-error)"
                        if stats.engine_errors else ""))
        if result.usage:
            u = result.usage
            lines.append(f"requests: {u.get('requests', 0)}; tokens: {u.get('prompt_tokens', 0)} "
                         f"prompt + {u.get('completion_tokens', 0)} completion")
    else:
        lines.append(f"engine none: no MT; {stats.segments - stats.from_tm} of "
                     f"{plural(stats.segments, 'translatable segment')} left for translators, "
                     f"{stats.from_tm} from the translation memory")
    return lines
