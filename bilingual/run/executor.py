"""Whole folders of articles: streamed in chunks, resumable, one bad article never stops a run.

Per chunk: read, segment and match terms (in `jobs` worker processes); translate every
segment of the chunk in one batch in this process (the model is loaded once); then QA and
render (in the workers again). Memory holds one chunk, however many articles there are.
"""

from __future__ import annotations

import contextlib
import errno
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from bilingual.chars import now_utc
from bilingual.engines.base import Engine, flag_engine_errors
from bilingual.errors import BilingualError
from bilingual.ingest.script import ScriptConverter
from bilingual.records import Article, Finding, RunInfo, Segment
from bilingual.run.inputs import Item, safe_text
from bilingual.run.parts import LONG_BYTES, PART, is_long, parts_of
from bilingual.run.stamps import settings_key, stamp_path, up_to_date, write_stamp
from bilingual.terms.annotate import TermTools, load_term_tools
from bilingual.terms.stats import TermCounts
from bilingual.tm import TranslationMemory
from bilingual.translate import TranslateStats

if TYPE_CHECKING:  # the spill is imported when a long article comes
    from bilingual.run.spill import SegmentSpill

CHUNK = 16  # articles translated together: big enough to batch well, small in memory

Result = Literal["done", "skipped", "failed"]
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


class DiskFull(BilingualError):
    """The disk filled up: every later article would fail the same way, so the run stops."""

    def __init__(self, where: str) -> None:
        super().__init__("the disk is full", where, "free some space")

    def __reduce__(self) -> tuple[type, tuple[str]]:  # crosses the worker boundary
        return (DiskFull, (self.where or "",))


class Interrupted(BilingualError):
    """The run stopped early (Ctrl-C, a full disk): what was done, and how to go on."""

    def __init__(self, why: str, done: int, total: int, hint: str) -> None:
        super().__init__(f"{why}: {done} of {total} articles done", None, hint)


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
    usage: dict[str, int] = field(default_factory=dict)  # LLM requests and tokens

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
    part: int = PART  # segments of a long article translated together
    long_bytes: int = LONG_BYTES  # article files above this go part by part


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


def _init_worker(glossaries: list[str], default_glossary: bool, names: bool,
                 parent: int = 0) -> None:
    global _tools
    _die_with_parent(parent)
    _tools = load_tools(glossaries, default_glossary, names)


def _die_with_parent(parent: int) -> None:
    """A worker never outlives the run: killed with its parent (kill -9 included), it cannot
    sit re-parented to PID 1 holding the TM and the caller's pipes. Ctrl-C is the parent's to
    handle (one line), so workers ignore it instead of each printing a traceback."""
    import ctypes
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux/glibc: the pool's own broken-pipe detection is what is left
    if parent and os.getppid() != parent:
        os._exit(1)  # the parent died before prctl took effect


@dataclass(frozen=True)
class _Prepare:
    zh_script: str
    out: Path
    force: bool
    check_docx: bool


def _nothing_to_translate(item: Item) -> BilingualError:
    return BilingualError("has nothing to translate (only page furniture, a date line or an "
                          "end mark)", str(item.path),
                          "check that the file holds the article's text")


def _open(item: Item, how: _Prepare, scripts: ScriptConverter
          ) -> tuple[Article, Iterator[Segment]]:
    """The article's structure and its segments still to be made; checks that its DOCX may
    be rewritten."""
    from bilingual.ingest.article import open_article
    from bilingual.ingest.reading import read_source
    from bilingual.render.write import check_docx_untouched

    article, segments = open_article(read_source(item.path), scripts, how.zh_script)
    article.stem = item.stem
    article.path = safe_text(article.path)  # it is shown in every output
    if how.check_docx and not how.force:
        check_docx_untouched(how.out, article)
    return article, segments


def _failed(item: Item, exc: BilingualError, start: float) -> Outcome:
    return Outcome(safe_text(str(item.path)), item.stem, "failed", safe_text(str(exc)),
                   seconds=time.perf_counter() - start)


def _prepare(item: Item, how: _Prepare, tools: Tools | None = None) -> Article | Outcome:
    from bilingual.terms.annotate import annotate

    tools = tools or _tools
    assert tools is not None, "worker not initialised"
    start = time.perf_counter()
    try:
        article, segments = _open(item, how, tools.scripts)
        article.segments = list(segments)
        if not any(seg.translate for seg in article.segments):
            raise _nothing_to_translate(item)
        annotate(article.segments, tools.terms)
        return article
    except BilingualError as exc:
        return _failed(item, exc, start)


@dataclass(frozen=True)
class _Finish:
    out: Path
    info: RunInfo
    formats: list[str]
    key: str


def _finish(article: Article, item: Item, how: _Finish,
            findings: Iterable[Finding] | None = None) -> Outcome:
    """QA (unless `findings` says it is done: a long article's), outputs, stamp."""
    from bilingual.qa import run_qa
    from bilingual.render.write import write_outputs

    start = time.perf_counter()
    findings = run_qa(article.segments) if findings is None else findings
    try:
        # the old stamp goes first: a run that fails half-way through rewriting the outputs
        # must leave the article to be redone, not "up to date" over a mixed set of files
        stamp_path(how.out, item.stem).unlink(missing_ok=True)
        write_outputs(article, how.out, how.info, findings, how.formats)
        flags = errors = 0
        terms = TermCounts()
        for seg in article.segments:  # one pass (a long article is read back from disk);
            flags += len(seg.flags)    # the findings are the segments' flags
            errors += sum(f.check == "engine-error" for f in seg.flags)
            terms.add(seg)
        if not errors:  # an article with engine errors is redone by the next run
            write_stamp(item, how.out, how.key)
    except OSError as exc:
        if exc.errno in _DISK_FULL:
            raise DiskFull(str(how.out)) from exc
        return Outcome(safe_text(str(item.path)), item.stem, "failed", safe_text(
                       f"{item.path}: cannot write its outputs ({exc.strerror or exc})"),
                       seconds=time.perf_counter() - start)
    except BilingualError as exc:  # an output refused whole (a review DOCX too large to read)
        return Outcome(safe_text(str(item.path)), item.stem, "failed", safe_text(str(exc)),
                       seconds=time.perf_counter() - start)
    _trim_heap()
    path = safe_text(str(item.path))
    return Outcome(path=path, stem=item.stem, result="failed" if errors else "done",
                   reason=f"{path}: {errors} segments without a translation (engine "
                   "errors); run again to retry them" if errors else "",
                   segments=len(article.segments), terms=terms, flags=flags,
                   seconds=time.perf_counter() - start)


def flag_empty_answers(articles: Iterable[Article], engine: Engine) -> None:
    """A segment the engine left empty is an engine error, never a finished translation:
    flagged (an error every output shows), and its article is not stamped done."""
    from bilingual.records import Finding

    if not engine.produces_text:
        return
    for article in articles:
        for seg in article.segments:
            if seg.translate and seg.zh_simplified.strip() and not (seg.en or "").strip() \
                    and not any(f.check == "engine-error" for f in seg.flags):
                seg.flags.append(Finding("engine-error", "the engine returned no translation",
                                         "error", seg.id))
                seg.state, seg.origin = "new", None  # nothing to review: not a translation


def _prepare_task(args: tuple[Item, _Prepare]) -> Article | Outcome:
    return _prepare(*args)


def _finish_task(args: tuple[Article, Item, _Finish]) -> Outcome:
    return _finish(*args)


def _chunks(items: list[Item], size: int) -> Iterator[list[Item]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


Progress = Callable[[Outcome, int], None]  # (outcome, segments so far)


@dataclass(frozen=True)
class Stage:
    """What the run is doing now: a stage of chunk `chunk` of `chunks`, over `size` items
    (articles when reading or writing, segments when translating)."""

    name: str
    chunk: int
    chunks: int
    size: int
    detail: str = ""  # e.g. a long article's segments done so far


StageListener = Callable[[Stage], None]


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    seconds: float
    engine: str
    stats: TranslateStats = field(default_factory=TranslateStats)
    # wall-clock seconds of the run's stages: reading (with terms), translating, writing
    timings: dict[str, float] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)  # the engine's, for the whole run

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
                **({"usage": self.usage} if self.usage else {}),
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
        self.on_stage: StageListener | None = None
        self.chunk_no, self.chunks = 0, 0
        self.started = time.time() - 1  # stamps are compared at file-system granularity

    def record(self, outcome: Outcome) -> None:
        self.segments_done += outcome.segments if outcome.result == "done" else 0
        self.outcomes.append(outcome)
        if self.progress:
            self.progress(outcome, self.segments_done)

    def map(self, fn: Callable[[Any], Any], args: list[Any]) -> Iterator[Any]:
        """Results in order, each as soon as it is ready (a run stopped half-way still
        counts what was finished)."""
        return iter(self.pool.map(fn, args) if self.pool is not None else map(fn, args))

    def chunk(self, chunk: list[Item]) -> None:
        start = time.perf_counter()
        todo, long = [], []
        for item in chunk:
            if not self.options.force and up_to_date(item, self.options.out, self.key):
                self.record(Outcome(safe_text(str(item.path)), item.stem, "skipped",
                                    "up to date"))
            elif is_long(item.path, self.options.long_bytes):
                long.append(item)
            else:
                todo.append(item)
        self.stage("reading", len(todo))
        if self.pool is None:
            prepared = [_prepare(i, self.prepare, self.tools) for i in todo]
        else:
            prepared = list(self.map(_prepare_task, [(i, self.prepare) for i in todo]))
        ready = [(a, i) for a, i in zip(prepared, todo, strict=True) if isinstance(a, Article)]
        for failed in (p for p in prepared if isinstance(p, Outcome)):
            self.record(failed)
        from bilingual.translate import translate_segments

        read = time.perf_counter()
        self.timings["reading"] += read - start
        terms = self.tools.terms
        segments = [s for a, _ in ready for s in a.segments]
        self.stage("translating", len(segments))
        self.engine.prepare([a for a, _ in ready], terms.glossary)
        self.stats.merge(translate_segments(segments, self.engine, self.tm, terms.fingerprint,
                                            terms.glossary))
        flag_engine_errors(segments, self.engine.errors())  # with the engine's reasons
        flag_empty_answers([a for a, _ in ready], self.engine)
        translated = time.perf_counter()
        self.stage("writing", len(ready))
        self.timings["translating"] += translated - read
        for outcome in self.map(_finish_task, [(a, i, self.finish_for(a)) for a, i in ready]):
            outcome.usage = self.engine.usage(outcome.stem)
            self.record(outcome)
        self.timings["writing"] += time.perf_counter() - translated
        for item in long:
            self.long_article(item)

    def long_article(self, item: Item) -> None:
        """One long article alone, part by part (run/parts.py): each part is annotated,
        translated, checked and spilled before the next is made; the outputs are rendered
        from the spill. What stops a run (a full disk, an engine that cannot be reached)
        stops it here too; what is wrong with this article alone fails this article."""
        from bilingual.run.spill import SegmentSpill

        start = time.perf_counter()
        try:
            article, segments = _open(item, self.prepare, self.tools.scripts)
        except BilingualError as exc:
            self.record(_failed(item, exc, start))
            return
        self.timings["reading"] += time.perf_counter() - start
        try:
            self.options.out.mkdir(parents=True, exist_ok=True)
            spill = SegmentSpill(self.options.out)
        except OSError as exc:
            self.record(self._unspilled(item, exc, start))
            return
        try:
            if not self.translate_parts(article, segments, spill):
                outcome = _failed(item, _nothing_to_translate(item), start)
            else:
                article.segments = spill
                self.stage("writing", 1)
                written = time.perf_counter()
                outcome = _finish(article, item, self.finish_for(article), spill.findings)
                outcome.usage = self.engine.usage(outcome.stem)
                self.timings["writing"] += time.perf_counter() - written
        except OSError as exc:  # the spill could not be written
            outcome = self._unspilled(item, exc, start)
        finally:
            spill.close()
        self.record(outcome)
        _release_memory()

    def translate_parts(self, article: Article, segments: Iterator[Segment],
                        spill: SegmentSpill) -> bool:
        """Every part of the article into the spill; whether it had anything to translate.
        The article-wide `same-target` check is decided once all parts are in, and written
        into the spill in one more pass."""
        from bilingual.qa import SameTarget, check_part
        from bilingual.terms.annotate import annotate
        from bilingual.translate import translate_segments

        terms = self.tools.terms
        same = SameTarget()
        done, anything = 0, False
        lead: list[Segment] = []  # the paragraph before the part, translated already
        start = time.perf_counter()
        for part in parts_of(segments, self.options.part):
            self.stage("translating", len(part), f"{done:,} done")
            annotate(part, terms)
            read = time.perf_counter()
            self.timings["reading"] += read - start
            # an LLM sees the paragraph before as context, across parts too
            self.engine.prepare([replace(article, segments=[*lead, *part])], terms.glossary)
            self.stats.merge(translate_segments(part, self.engine, self.tm, terms.fingerprint,
                                                terms.glossary))
            flag_engine_errors(part, self.engine.errors())
            flag_empty_answers([replace(article, segments=part)], self.engine)
            check_part(part, same)
            anything = anything or any(seg.translate for seg in part)
            last = next((s.para for s in reversed(part) if s.translate), None)
            if last is not None:  # a date line or chrome at the end is no context
                lead = [seg for seg in part if seg.para == last]
            spill.append(part)
            done += len(part)
            start = time.perf_counter()
            self.timings["translating"] += start - read
        if anything and same.shared():
            spill.rewrite(same.flag)
        return anything

    def _unspilled(self, item: Item, exc: OSError, start: float) -> Outcome:
        if exc.errno in _DISK_FULL:
            raise DiskFull(str(self.options.out)) from exc
        return _failed(item, BilingualError(
            f"cannot write its segments to disk ({exc.strerror or exc})",
            str(self.options.out), "choose another -o"), start)

    def finish_for(self, article: Article) -> _Finish:
        usage = self.engine.usage(article.stem)
        return replace(self.finish, info=replace(self.finish.info, usage=usage)) if usage \
            else self.finish

    def stage(self, name: str, size: int, detail: str = "") -> None:
        if self.on_stage is not None:
            self.on_stage(Stage(name, self.chunk_no, self.chunks, size, detail))

    def run(self, items: list[Item]) -> None:
        import os

        if self.options.jobs > 1:
            self.pool = ProcessPoolExecutor(
                self.options.jobs, initializer=_init_worker,
                initargs=(self.options.glossaries, self.options.default_glossary,
                          self.options.names, os.getpid()))
        self.chunks = -(-len(items) // self.options.chunk)
        try:
            for number, chunk in enumerate(_chunks(items, self.options.chunk), 1):
                self.chunk_no = number
                self.chunk(chunk)
                _release_memory()
        except DiskFull as exc:
            raise Interrupted(f"stopped, the disk is full ({exc.where})", self.finished(items),
                              len(items), "free some space and run the same command again to "
                              "resume (finished articles are kept)") from exc
        except BrokenProcessPool as exc:  # a worker was killed (out of memory, say)
            raise Interrupted("stopped, a worker process died", self.finished(items),
                              len(items), "run the same command again to resume, with fewer "
                              "--jobs if memory is short") from exc
        except KeyboardInterrupt as exc:
            raise Interrupted("interrupted", self.finished(items), len(items),
                              "run the same command again to resume") from exc
        finally:
            self.close_pool()

    def close_pool(self) -> None:
        """Workers finish what they hold (they ignore Ctrl-C; an article is written whole or
        not stamped) and nothing queued starts."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def finished(self, items: list[Item]) -> int:
        """Articles done when a run stops early, counted from their stamps once the workers
        have stopped: workers may finish articles whose outcome never came back."""
        self.close_pool()
        skipped = {o.stem for o in self.outcomes if o.result == "skipped"}
        done = 0
        for item in items:
            if item.stem not in skipped:
                with contextlib.suppress(OSError):
                    stamp = stamp_path(self.options.out, item.stem)
                    done += stamp.stat().st_mtime >= self.started
        return len(skipped) + done


def run_batch(items: list[Item], engine: Engine, tm: TranslationMemory | None,
              options: BatchOptions, progress: Progress | None = None,
              tools: Tools | None = None, on_stage: StageListener | None = None) -> BatchResult:
    """Translate every item, writing outputs as each chunk finishes.

    `tools` reuses tools already loaded; without them they are loaded here from `options`.
    Ctrl-C or a full disk raises `Interrupted` (what was done; finished articles are kept)."""
    start = time.perf_counter()
    tools = tools or load_tools(options.glossaries, options.default_glossary, options.names)
    runner = _Runner(engine, tm, options, tools, progress)
    runner.on_stage = on_stage
    runner.run(items)
    return BatchResult(runner.outcomes, time.perf_counter() - start, engine.describe(),
                       runner.stats, runner.timings, engine.usage())


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
    from bilingual.run.lock import RUN_JSON

    target = out / RUN_JSON
    try:
        atomic_write_text(target,
                          json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:  # the articles are written and stamped: only the summary is lost
        raise BilingualError(f"cannot write the run summary ({exc.strerror or exc})",
                             str(target), "free some space; the articles themselves are done"
                             ) from exc
    return target
