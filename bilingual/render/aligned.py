"""The publishers' aligned formats built from one article: TSV, CSV and TMX.

All three carry the same rows as the XLIFF: the segments that are translated (`translate`
true), in order. Boilerplate and the bare date line are not translated and so not carried.
The TMX leaves out, in addition, segments that have no English yet (a TM entry needs both
sides). The source is the article's own text (`zh`, outer whitespace stripped), because CAT
tools match on the text of the document they open.
"""

from __future__ import annotations

from collections.abc import Iterator

from bilingual.records import Article, RunInfo, Segment
from bilingual.render.tmx import TmxUnit, source_lang, tmx_pieces
from bilingual.render.tsv import csv_lines, render_csv, tsv_lines

TSV_COLUMNS = ("id", "kind", "zh", "en", "state")


def carried(article: Article) -> Iterator[Segment]:
    """The rows every aligned format carries."""
    return (s for s in article.segments if s.translate)


def _rows(article: Article) -> Iterator[tuple[str, ...]]:
    return ((s.id, s.kind, s.zh, s.en or "", s.state) for s in carried(article))


def aligned_tsv_lines(article: Article) -> Iterator[str]:
    return tsv_lines(TSV_COLUMNS, _rows(article))


def render_aligned_tsv(article: Article) -> str:
    return "".join(aligned_tsv_lines(article))


def aligned_csv_lines(article: Article) -> Iterator[str]:
    return csv_lines(TSV_COLUMNS, _rows(article))


def render_aligned_csv(article: Article) -> bytes:
    return render_csv(TSV_COLUMNS, _rows(article))


def _tmx_units(article: Article, info: RunInfo) -> Iterator[TmxUnit]:
    for s in carried(article):
        if not s.en:
            continue
        props = {"x-segment-id": s.id, "x-kind": s.kind, "x-state": s.state,
                 "x-document": article.stem, "x-engine": s.engine or info.engine_name}
        source = s.zh.strip()
        if s.zh_simplified.strip() != source:
            props["x-normalised"] = s.zh_simplified.strip()
        yield TmxUnit(source, s.en, props, info.generated)


def article_tmx_pieces(article: Article, info: RunInfo) -> Iterator[str]:
    return tmx_pieces(_tmx_units(article, info), info.generated, source_lang(article.script))


def render_article_tmx(article: Article, info: RunInfo) -> bytes:
    return "".join(article_tmx_pieces(article, info)).encode("utf-8")
