"""Whole folders of articles: streamed in chunks, resumable, one bad article never stops a run.

Per chunk: read, segment and match terms (in `jobs` worker processes); translate every
segment of the chunk in one batch in this process (the model is loaded once); then QA and
render (in the workers again). Memory holds one chunk, however many articles there are.
An article is skipped when a stamp beside its outputs records the same input, glossary,
engine and options; the stamp is written last, so a killed run redoes only unfinished work.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bilingual.engines.base import Engine
from bilingual.errors import BilingualError
from bilingual.fileio import atomic_write_text
from bilingual.ingest.reading import SUPPORTED_SUFFIXES
from bilingual.records import Article, RunInfo
from bilingual.tm import TranslationMemory
from bilingual.translate import TranslateStats

CHUNK = 16  # articles translated together: big enough to batch well, small in memory
INPUT_SUFFIXES = sorted(s for s in SUPPORTED_SUFFIXES if s and s != ".md")


@dataclass(frozen=True)
class Item:
    path: Path
    stem: str


@dataclass
class Outcome:
    path: str
    stem: str
    status: str  # done, skipped, failed
    reason: str = ""
    segments: int = 0
    terms_matched: int = 0
    names: int = 0
    terms_enforced: int = 0
    term_missing: int = 0
    flags: int = 0
    seconds: float = 0.0


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


def collect_inputs(paths: list[str | Path], out: Path | None = None) -> list[Path]:
    """Files as given, and every article file below the folders given (sorted, deduplicated);
    the output folder is never read as input."""
    found: list[Path] = []
    out_resolved = out.resolve() if out is not None else None
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if not candidate.is_file() or candidate.suffix.lower() not in INPUT_SUFFIXES:
                    continue
                if any(part.startswith(".") for part in candidate.relative_to(path).parts):
                    continue
                if out_resolved is not None and out_resolved in candidate.resolve().parents:
                    continue
                found.append(candidate)
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def plan(paths: list[Path]) -> list[Item]:
    """Stable, unique output names: a second a.txt elsewhere becomes a-2, in sorted order."""
    seen: dict[str, int] = {}
    items = []
    for path in paths:
        stem = path.stem if str(path) != "-" else "stdin"
        n = seen.get(stem, 0) + 1
        seen[stem] = n
        items.append(Item(path, stem if n == 1 else f"{stem}-{n}"))
    return items


def settings_key(engine: Engine, glossary_fingerprint: str, options: BatchOptions) -> str:
    """What, besides the input, decides the outputs."""
    return json.dumps({"engine": engine.name, "model": engine.version,
                       "glossary": glossary_fingerprint, "formats": sorted(options.formats),
                       "zh_script": options.zh_script}, sort_keys=True)


def stamp_path(out: Path, stem: str) -> Path:
    return out / stem / f".{stem}.done"


def input_digest(path: Path) -> str:
    if str(path) == "-":
        return ""  # standard input: never "up to date"
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def up_to_date(item: Item, out: Path, key: str) -> bool:
    try:
        stamp = json.loads(stamp_path(out, item.stem).read_text(encoding="utf-8"))
        digest = input_digest(item.path)
        return bool(digest) and stamp["key"] == key and stamp["input"] == digest
    except (OSError, ValueError, KeyError):
        return False


# -- work done in worker processes -------------------------------------------------------
# Each worker loads the glossary, OpenCC and jieba once, in its initializer, and keeps them
# for its life: loading them per article would cost more than the article.
_worker: dict[str, Any] = {}


def _load_state(glossaries: list[str], default_glossary: bool, names: bool) -> dict[str, Any]:
    from bilingual.ingest.script import ScriptConverter
    from bilingual.terms.annotate import load_term_tools

    scripts = ScriptConverter()
    return {"scripts": scripts,
            "terms": load_term_tools(glossaries, default_glossary, names, scripts)}


def _init_worker(glossaries: list[str], default_glossary: bool, names: bool) -> None:
    _worker.update(_load_state(glossaries, default_glossary, names))


def _prepare(item: Item, zh_script: str, out: Path, force: bool, check_docx: bool,
             state: dict[str, Any] | None = None) -> Article | Outcome:
    from bilingual.ingest.article import load_article
    from bilingual.render.write import check_docx_untouched
    from bilingual.terms.annotate import annotate

    state = state if state is not None else _worker
    start = time.perf_counter()
    try:
        article = load_article(item.path, state["scripts"], zh_script)
        article.stem = item.stem
        if check_docx:
            check_docx_untouched(out, article, force)
        annotate(article.segments, state["terms"])
        return article
    except BilingualError as exc:
        return Outcome(str(item.path), item.stem, "failed", str(exc),
                       seconds=time.perf_counter() - start)


def _finish(article: Article, item: Item, out: Path, info: RunInfo, formats: list[str],
            key: str) -> Outcome:
    from bilingual.qa import run_qa
    from bilingual.render.write import write_outputs
    from bilingual.translate import TERM_MISSING

    start = time.perf_counter()
    findings = run_qa(article.segments)
    write_outputs(article, out, info, findings, formats, force=True)
    atomic_write_text(stamp_path(out, item.stem),
                      json.dumps({"key": key, "input": input_digest(item.path)}) + "\n")
    todo = [s for s in article.segments if s.translate]
    if _worker:  # a worker lives for the whole run: trim it now and then
        _worker["finished"] = _worker.get("finished", 0) + 1
        if _worker["finished"] % CHUNK == 0:
            _release_memory()
    return Outcome(
        path=str(item.path), stem=item.stem, status="done", segments=len(article.segments),
        terms_matched=sum(1 for s in todo for t in s.terms if t.source != "auto"),
        names=len({t.zh for s in todo for t in s.terms if t.source == "auto"}),
        terms_enforced=sum(1 for s in todo for t in s.terms if t.status and t.status != "missing"),
        term_missing=sum(1 for s in todo if any(f.startswith(TERM_MISSING) for f in s.flags)),
        flags=len(findings), seconds=time.perf_counter() - start,
    )


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

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def to_json(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return {"engine": self.engine, "seconds": round(self.seconds, 3), "counts": counts,
                "articles": [asdict(o) for o in self.outcomes]}


def run_batch(items: list[Item], engine: Engine, tm: TranslationMemory | None,
              options: BatchOptions, progress: Progress | None = None,
              state: dict[str, Any] | None = None) -> BatchResult:
    """Translate every item, writing outputs as each chunk finishes.

    `state` ({"scripts": ScriptConverter, "terms": TermTools}) reuses tools already loaded;
    without it they are loaded here from `options`."""
    from bilingual.pipeline import run_info
    from bilingual.translate import translate_segments

    start = time.perf_counter()
    local = state or _load_state(options.glossaries, options.default_glossary, options.names)
    terms = local["terms"]
    info = run_info(engine, terms)
    key = settings_key(engine, terms.fingerprint, options)
    check_docx = "docx" in options.formats
    outcomes: list[Outcome] = []
    stats = TranslateStats()
    segments_done = 0
    pool = None
    if options.jobs > 1:
        pool = ProcessPoolExecutor(options.jobs, initializer=_init_worker,
                                   initargs=(options.glossaries, options.default_glossary,
                                             options.names))
    try:
        for chunk in _chunks(items, options.chunk):
            todo = []
            for item in chunk:
                if not options.force and up_to_date(item, options.out, key):
                    outcome = Outcome(str(item.path), item.stem, "skipped", "up to date")
                    outcomes.append(outcome)
                    if progress:
                        progress(outcome, segments_done)
                else:
                    todo.append(item)
            if pool is not None:
                prepared = list(pool.map(_prepare, todo, *_repeat(len(todo), options.zh_script,
                                                                   options.out, options.force,
                                                                   check_docx)))
            else:
                prepared = [_prepare(i, options.zh_script, options.out, options.force,
                                     check_docx, local) for i in todo]
            ready = [(a, i) for a, i in zip(prepared, todo) if isinstance(a, Article)]
            for result in prepared:
                if isinstance(result, Outcome):
                    outcomes.append(result)
                    if progress:
                        progress(result, segments_done)
            segments = [s for a, _ in ready for s in a.segments]
            chunk_stats = translate_segments(segments, engine, tm, terms.fingerprint,
                                             terms.glossary)
            stats.merge(chunk_stats)
            args = [(a, i, options.out, info, options.formats, key) for a, i in ready]
            if pool is not None:
                finished = pool.map(_finish_args, args)
            else:
                finished = map(_finish_args, args)
            for outcome in finished:
                segments_done += outcome.segments
                outcomes.append(outcome)
                if progress:
                    progress(outcome, segments_done)
            del prepared, ready, segments, args
            _release_memory()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return BatchResult(outcomes, time.perf_counter() - start, engine.describe(), stats)


def _release_memory() -> None:
    """Give freed memory back after each chunk.

    Measured here: without this, glibc's arenas kept growing by ~0.1 MB an article (the
    Python heap itself stayed flat), so a run of thousands of articles would creep upwards.
    """
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to trim


def _repeat(n: int, *values: Any) -> list[list[Any]]:
    return [[v] * n for v in values]


def _finish_args(args: tuple[Any, ...]) -> Outcome:
    return _finish(*args)


def write_run_json(result: BatchResult, out: Path) -> Path:
    target = out / "run.json"
    atomic_write_text(target, json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    return target
