"""The output formats: one table of name, file suffix, renderer and what each is for.

`--formats` takes the names (or aliases); the README's outputs section describes each file.
Renderers are imported when used, so that `bilingual --help` does not load python-docx.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from bilingual.errors import BilingualError
from bilingual.records import Article, Finding, RunInfo


@dataclass
class RenderContext:
    """Everything a renderer may read; `written` and `extra` feed the report."""

    article: Article
    info: RunInfo
    findings: Iterable[Finding]  # re-iterable: a list, or a long article's spill
    extra: dict[str, Any] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)  # file names written so far
    timings: dict[str, float] = field(default_factory=dict)  # format → seconds to render


Rendered = str | bytes | Iterator[str]  # an iterator: text written piece by piece


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    render: Callable[[RenderContext], Rendered] | None
    help: str
    aliases: tuple[str, ...] = ()
    # formats too big to hold whole write themselves into a seekable binary file
    stream: Callable[[RenderContext, IO[bytes]], None] | None = None


def _docx(ctx: RenderContext, handle: IO[bytes]) -> None:
    from bilingual.render.docx import write_docx

    write_docx(ctx.article, ctx.info, handle)


def _jsonl(ctx: RenderContext) -> Iterator[str]:
    from bilingual.render.jsonl import ALIGNED_FIELDS, lines

    return lines(ctx.article.segments, ALIGNED_FIELDS)


def _tsv(ctx: RenderContext) -> Iterator[str]:
    from bilingual.render.aligned import aligned_tsv_lines

    return aligned_tsv_lines(ctx.article)


def _csv(ctx: RenderContext) -> Iterator[str]:
    from bilingual.render.aligned import aligned_csv_lines

    return aligned_csv_lines(ctx.article)


def _tmx(ctx: RenderContext) -> Iterator[str]:
    from bilingual.render.aligned import article_tmx_pieces

    return article_tmx_pieces(ctx.article, ctx.info)


def _xliff(ctx: RenderContext) -> Iterator[str]:
    from bilingual.render.xliff import xliff_pieces

    return xliff_pieces(ctx.article)


def _english(ctx: RenderContext) -> Iterator[str]:
    from bilingual.render.text import english_lines

    return english_lines(ctx.article)


def _bilingual(ctx: RenderContext) -> Iterator[str]:
    from bilingual.render.text import bilingual_lines

    return bilingual_lines(ctx.article)


def _report(ctx: RenderContext) -> Iterator[str]:
    from bilingual.render.report import report_pieces

    extra = {**ctx.extra, "outputs": {**ctx.extra.get("outputs", {}), "files": ctx.written},
             "render_seconds": ctx.timings}
    return report_pieces(ctx.article, ctx.info, ctx.findings, extra)


# Order matters: the report comes last, so that it can list the files written before it.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("docx", ".bilingual.docx", None, "review table for Word or LibreOffice",
           stream=_docx),
    Format("jsonl", ".aligned.jsonl", _jsonl, "every segment as a JSON record"),
    Format("tsv", ".aligned.tsv", _tsv, "aligned Chinese/English table for pipelines"),
    Format("csv", ".aligned.csv", _csv, "the same table for spreadsheets (Excel, Calc)"),
    Format("tmx", ".tmx", _tmx, "TMX 1.4b translation memory"),
    Format("xliff", ".xlf", _xliff, "XLIFF 2.1 for CAT tools", aliases=("xlf",)),
    Format("en", ".en.txt", _english, "the English article"),
    Format("bilingual", ".bilingual.txt", _bilingual, "Chinese and English paragraph pairs"),
    Format("report", ".report.json", _report, "QA findings, term counts, timings"),
)}
_BY_ALIAS = {alias: f.name for f in FORMATS.values() for alias in (f.name, *f.aliases)}


def parse_formats(value: str | None) -> list[str]:
    """`--formats a,b`: the names chosen, in table order (None means all)."""
    if value is None:
        return list(FORMATS)
    chosen = [v.strip().lower() for v in value.split(",") if v.strip()]
    if not chosen:
        raise BilingualError("no format named", "--formats",
                             f"choose from {', '.join(FORMATS)}, or leave the option out")
    unknown = [v for v in chosen if v not in _BY_ALIAS]
    if unknown:
        raise BilingualError(f"unknown format {', '.join(unknown)}", "--formats",
                             f"choose from {', '.join(FORMATS)}")
    names = {_BY_ALIAS[v] for v in chosen}
    return [name for name in FORMATS if name in names]
