"""Articles → output files: the stages wired together, for one article or many."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .article import load_article
from .engines.base import Engine
from .fileio import atomic_write_text
from .records import Article
from .render.jsonl import ALIGNED_FIELDS, dumps
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


def output_dir(out: Path, article: Article) -> Path:
    return out / article.stem


def write_aligned(article: Article, out: Path) -> Path:
    target = output_dir(out, article) / f"{article.stem}.aligned.jsonl"
    atomic_write_text(target, dumps(article.segments, ALIGNED_FIELDS))
    return target


def translate_files(
    paths: list[str | Path],
    out: Path,
    engine: Engine,
    tm: TranslationMemory | None = None,
    zh_script: str = "auto",
    terms: TermTools | None = None,
    scripts: ScriptConverter | None = None,
) -> RunResult:
    """Read, segment, match terms and translate `paths` together, then write the outputs."""
    start = time.perf_counter()
    scripts = scripts or ScriptConverter()
    articles = [load_article(p, scripts, zh_script) for p in paths]
    _unique_stems(articles)
    segments = [s for a in articles for s in a.segments]
    if terms is not None:
        annotate(segments, terms)
    stats = translate_segments(segments, engine, tm,
                               terms.fingerprint if terms else "",
                               terms.glossary if terms else None)
    results = []
    for article in articles:
        todo = [s for s in article.segments if s.translate]
        glossary_terms = [t for s in todo for t in s.terms if t.source != AUTO]
        results.append(ArticleResult(
            path=article.path,
            outputs=[write_aligned(article, out)],
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


def _unique_stems(articles: list[Article]) -> None:
    """Two inputs called a.txt and a.docx must not write into the same folder."""
    seen: dict[str, int] = {}
    for article in articles:
        n = seen.get(article.stem, 0)
        seen[article.stem] = n + 1
        if n:
            article.stem = f"{article.stem}-{n + 1}"
