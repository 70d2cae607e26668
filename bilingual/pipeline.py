"""Articles → output files: the stages wired together, for one article or many."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .article import load_article
from .engines.base import Engine
from .errors import BilingualError
from .outputs import FORMATS, check_docx_untouched, write_outputs
from .qa import run_qa
from .records import Article, RunInfo
from .review import ReviewResult
from .script import ScriptConverter
from .terms.annotate import TermTools, annotate
from .terms.names import AUTO
from .tm import TranslationMemory
from .translate import TERM_MISSING, TranslateStats, translate_segments


@dataclass
class ArticleResult:
    path: str
    outputs: list[Path] = field(default_factory=list)
    segments: int = 0
    translated: int = 0
    from_tm: int = 0
    terms_matched: int = 0  # glossary terms
    terms_enforced: int = 0  # term occurrences present in the English
    term_missing: int = 0  # segments flagged term-missing
    names: int = 0  # automatic names (distinct)


@dataclass
class RunResult:
    articles: list[ArticleResult]
    stats: TranslateStats
    seconds: float


def translate_files(
    paths: list[str | Path],
    out: Path,
    engine: Engine,
    tm: TranslationMemory | None = None,
    zh_script: str = "auto",
    terms: TermTools | None = None,
    scripts: ScriptConverter | None = None,
    formats: list[str] | None = None,
    force: bool = False,
) -> RunResult:
    """Read, segment, match terms and translate `paths` together, then write the outputs."""
    start = time.perf_counter()
    scripts = scripts or ScriptConverter()
    articles = [load_article(p, scripts, zh_script) for p in paths]
    _unique_stems(articles)
    formats = formats or list(FORMATS)
    if "docx" in formats:  # refuse before any work, not after the MT
        for article in articles:
            check_docx_untouched(out, article, force)
    segments = [s for a in articles for s in a.segments]
    if terms is not None:
        annotate(segments, terms)
    stats = translate_segments(segments, engine, tm,
                               terms.fingerprint if terms else "",
                               terms.glossary if terms else None)
    info = run_info(engine, terms)
    info.timings["translate"] = round(stats.seconds, 4)
    results = []
    for article in articles:
        findings = run_qa(article.segments)
        todo = [s for s in article.segments if s.translate]
        glossary_terms = [t for s in todo for t in s.terms if t.source != AUTO]
        results.append(ArticleResult(
            path=article.path,
            outputs=write_outputs(article, out, info, findings, formats, force=True),
            segments=len(article.segments),
            translated=sum(1 for s in todo if s.en),
            from_tm=sum(1 for s in todo if s.from_tm),
            terms_matched=len(glossary_terms),
            terms_enforced=sum(1 for s in todo for t in s.terms
                               if t.status and t.status != "missing"),
            term_missing=sum(1 for s in todo if any(f.startswith(TERM_MISSING) for f in s.flags)),
            names=len({t.zh for s in todo for t in s.terms if t.source == AUTO}),
        ))
    return RunResult(results, stats, time.perf_counter() - start)


def run_info(engine: Engine, terms: TermTools | None) -> RunInfo:
    return RunInfo(
        engine=engine.describe(), engine_name=engine.name, model=engine.version,
        glossary=terms.fingerprint if terms else "",
        glossary_sources=list(terms.glossary.sources) if terms else [],
        generated=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


def _unique_stems(articles: list[Article]) -> None:
    """Two inputs called a.txt and a.docx must not write into the same folder."""
    seen: dict[str, int] = {}
    for article in articles:
        n = seen.get(article.stem, 0)
        seen[article.stem] = n + 1
        if n:
            article.stem = f"{article.stem}-{n + 1}"


@dataclass
class ReviewImport:
    result: ReviewResult
    outputs: list[Path]
    docx_kept: Path | None  # the reviewer's DOCX left in place instead of regenerated


def import_review(docx: Path, out: Path, tm: TranslationMemory | None = None,
                  force: bool = False, formats: list[str] | None = None) -> ReviewImport:
    """Apply a reviewed DOCX: update the segments, the TM, and every output."""
    from .outputs import path_for
    from .review import apply_review, human_pairs, load_aligned, previous_run, read_review_docx

    meta, rows = read_review_docx(docx)
    article = load_aligned(out, meta["stem"])
    result = apply_review(article, rows)
    if tm is not None:
        tm.add_human(human_pairs(result))
    findings = run_qa(article.segments)
    info = RunInfo(**{k: v for k, v in previous_run(out, article.stem).items()
                      if k in RunInfo.__dataclass_fields__})
    info.generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    formats = list(formats or FORMATS)
    kept = None
    if "docx" in formats and not force:
        try:
            check_docx_untouched(out, article, force=False)
        except BilingualError:
            kept = path_for(out, article, "docx")  # the reviewer's copy stays as it is
            formats.remove("docx")
    review_summary = {"review": {"file": str(docx), "reviewed": result.applied,
                                 "approved": result.approved, "problems": result.problems()}}
    written = write_outputs(article, out, info, findings, formats, force=True,
                            extra=review_summary)
    return ReviewImport(result, written, kept)
