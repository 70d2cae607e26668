"""Whole folders of articles: streamed in chunks, resumable, one bad article never stops a run.

Per chunk: read, segment and match terms (in `jobs` worker processes); translate every
segment of the chunk in one batch in this process (the model is loaded once); then QA and
render (in the workers again). Memory holds one chunk, however many articles there are.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from bilingual.chars import now_utc
from bilingual.engines.base import Engine
from bilingual.errors import BilingualError
from bilingual.ingest.script import ScriptConverter
from bilingual.records import Article, RunInfo
from bilingual.run.inputs import Item
from bilingual.run.stamps import settings_key, up_to_date, write_stamp
from bilingual.terms.annotate import TermTools, load_term_tools
from bilingual.terms.stats import TermCounts, count_terms
from bilingual.tm import TranslationMemory
from bilingual.translate import TranslateStats

CHUNK = 16  # articles translated together: big enough to batch well, small in memory

Result = Literal["done", "skipped", "failed"]


@dataclass
class Tools:
    """What reading and the terms stage need, loaded once per process and passed around."""

    scripts: ScriptConverter
    terms: TermTools


def load_tools(glossaries: list[str], default_glossary: bool = True,
               names: bool = True) -> Tools:
    scripts = ScriptConverter()
    return Tools(scripts, load_term_tools(glossaries, default_glossary, names, scripts))


@dataclass
class Outcome:
    path: str
    stem: str
    result: Result
    reason: str = ""
    segments: int = 0
    terms: TermCounts = field(default_factory=TermCounts)
    flags: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {**{k: v for k, v in asdict(self).items() if k != "terms"},
                "terms": self.terms.to_json()}


@dataclass
class BatchOptions:
    out: Path
    formats: list[str]
    zh_script: str = "auto"
    force: bool = False
    jobs: int = 1
    glossaries: list[str] = field(default_factory=list)
    default_glossary: bool = True
    names: bool = True
    chunk: int = CHUNK


def run_info(engine: Engine, terms: TermTools | None) -> RunInfo:
    return RunInfo(
        engine=engine.describe(), engine_name=engine.name, model=engine.version,
        glossary=terms.fingerprint if terms else "",
        glossary_sources=list(terms.glossary.sources) if terms else [],
        generated=now_utc(),
    )


# -- work done in worker processes -------------------------------------------------------
# A worker loads the glossary, OpenCC and jieba once, in its initializer, and keeps them for
# its life: loading them per article would cost more than the article. This is the one
# per-process slot the pool's initializer can fill; nothing else writes it.
_tools: Tools | None = None


def _init_worker(glossaries: list[str], default_glossary: bool, names: bool) -> None:
    global _tools
    _tools = load_tools(glossaries, default_glossary, names)


@dataclass(frozen=True)
class _Prepare:
    zh_script: str
    out: Path
    force: bool
    check_docx: bool


def _prepare(item: Item, how: _Prepare, tools: Tools | None = None) -> Article | Outcome:
    from bilingual.ingest.article import load_article
    from bilingual.render.write import check_docx_untouched
    from bilingual.terms.annotate import annotate

    tools = tools or _tools
    assert tools is not None, "worker not initialised"
    start = time.perf_counter()
    try:
        article = load_article(item.path, tools.scripts, how.zh_script)
        article.stem = item.stem
        if how.check_docx and not how.force:
            check_docx_untouched(how.out, article)
        annotate(article.segments, tools.terms)
        return article
    except BilingualError as exc:
        return Outcome(str(item.path), item.stem, "failed", str(exc),
                       seconds=time.perf_counter() - start)


@dataclass(frozen=True)
class _Finish:
    out: Path
    info: RunInfo
    formats: list[str]
    key: str


def _finish(article: Article, item: Item, how: _Finish) -> Outcome:
    from bilingual.qa import run_qa
    from bilingual.render.write import write_outputs

    start = time.perf_counter()
    findings = run_qa(article.segments)
    write_outputs(article, how.out, how.info, findings, how.formats)
    write_stamp(item, how.out, how.key)
    _trim_heap()
    return Outcome(path=str(item.path), stem=item.stem, result="done",
                   segments=len(article.segments), terms=count_terms(article.segments),
                   flags=len(findings), seconds=time.perf_counter() - start)


def _prepare_task(args: tuple[Item, _Prepare]) -> Article | Outcome:
    return _prepare(*args)


def _finish_task(args: tuple[Article, Item, _Finish]) -> Outcome:
    return _finish(*args)


def _chunks(items: list[Item], size: int) -> Iterator[list[Item]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


Progress = Callable[[Outcome, int], None]  # (outcome, segments so far)


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    seconds: float
    engine: str
    stats: TranslateStats = field(default_factory=TranslateStats)
    # wall-clock seconds of the run's stages: reading (with terms), translating, writing
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == "failed"]

    def terms(self) -> TermCounts:
        total = TermCounts()
        for outcome in self.outcomes:
            total.merge(outcome.terms)
        return total

    def to_json(self) -> dict[str, Any]:
        return {"engine": self.engine, "seconds": round(self.seconds, 3),
                "stage_seconds": {k: round(v, 3) for k, v in self.timings.items()},
                "counts": dict(Counter(o.result for o in self.outcomes)),
                "terms": self.terms().to_json(),
                "decoding": {"sentences": self.stats.engine_sources,
                             "passes": self.stats.decode_passes,
                             "hypotheses": self.stats.hypotheses_decoded,
                             "per_sentence": round(self.stats.decodes_per_sentence(), 3),
                             "engine_errors": self.stats.engine_errors},
                "articles": [o.to_json() for o in self.outcomes]}


class _Runner:
    """One run's loop: skip what is up to date, prepare, translate, finish; chunk by chunk."""

    def __init__(self, engine: Engine, tm: TranslationMemory | None, options: BatchOptions,
                 tools: Tools, progress: Progress | None) -> None:
        self.engine, self.tm, self.options, self.tools = engine, tm, options, tools
        self.progress = progress
        self.key = settings_key(engine.name, engine.version, tools.terms.fingerprint,
                                options.formats, options.zh_script)
        self.prepare = _Prepare(options.zh_script, options.out, options.force,
                                "docx" in options.formats)
        self.finish = _Finish(options.out, run_info(engine, tools.terms), options.formats,
                              self.key)
        self.outcomes: list[Outcome] = []
        self.stats = TranslateStats()
        self.segments_done = 0
        self.pool: ProcessPoolExecutor | None = None
        self.timings = {"reading": 0.0, "translating": 0.0, "writing": 0.0}

    def record(self, outcome: Outcome) -> None:
        self.segments_done += outcome.segments if outcome.result == "done" else 0
        self.outcomes.append(outcome)
        if self.progress:
            self.progress(outcome, self.segments_done)

    def map(self, fn: Callable[[Any], Any], args: list[Any]) -> list[Any]:
        return list(self.pool.map(fn, args) if self.pool is not None else map(fn, args))

    def chunk(self, chunk: list[Item]) -> None:
        start = time.perf_counter()
        todo = []
        for item in chunk:
            if not self.options.force and up_to_date(item, self.options.out, self.key):
                self.record(Outcome(str(item.path), item.stem, "skipped", "up to date"))
            else:
                todo.append(item)
        if self.pool is None:
            prepared = [_prepare(i, self.prepare, self.tools) for i in todo]
        else:
            prepared = self.map(_prepare_task, [(i, self.prepare) for i in todo])
        ready = [(a, i) for a, i in zip(prepared, todo, strict=True) if isinstance(a, Article)]
        for failed in (p for p in prepared if isinstance(p, Outcome)):
            self.record(failed)
        from bilingual.translate import translate_segments

        read = time.perf_counter()
        self.timings["reading"] += read - start
        terms = self.tools.terms
        self.stats.merge(translate_segments([s for a, _ in ready for s in a.segments],
                                            self.engine, self.tm, terms.fingerprint,
                                            terms.glossary))
        translated = time.perf_counter()
        self.timings["translating"] += translated - read
        for outcome in self.map(_finish_task, [(a, i, self.finish) for a, i in ready]):
            self.record(outcome)
        self.timings["writing"] += time.perf_counter() - translated

    def run(self, items: list[Item]) -> None:
        if self.options.jobs > 1:
            self.pool = ProcessPoolExecutor(
                self.options.jobs, initializer=_init_worker,
                initargs=(self.options.glossaries, self.options.default_glossary,
                          self.options.names))
        try:
            for chunk in _chunks(items, self.options.chunk):
                self.chunk(chunk)
                _release_memory()
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)


def run_batch(items: list[Item], engine: Engine, tm: TranslationMemory | None,
              options: BatchOptions, progress: Progress | None = None,
              tools: Tools | None = None) -> BatchResult:
    """Translate every item, writing outputs as each chunk finishes.

    `tools` reuses tools already loaded; without them they are loaded here from `options`."""
    start = time.perf_counter()
    tools = tools or load_tools(options.glossaries, options.default_glossary, options.names)
    runner = _Runner(engine, tm, options, tools, progress)
    runner.run(items)
    return BatchResult(runner.outcomes, time.perf_counter() - start, engine.describe(),
                       runner.stats, runner.timings)


def _trim_heap() -> None:
    """Hand freed memory back to the system (glibc keeps it in its arenas otherwise)."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to trim


def _release_memory() -> None:
    """After each chunk. Measured here: without this, glibc's arenas kept growing by ~0.1 MB
    an article (the Python heap itself stayed flat), so a run of thousands would creep up."""
    import gc

    gc.collect()
    _trim_heap()


def write_run_json(result: BatchResult, out: Path) -> Path:
    import json

    from bilingual.fileio import atomic_write_text

    target = out / "run.json"
    atomic_write_text(target, json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    return target
