"""The publishers' aligned formats built from one article: TSV and TMX."""

from __future__ import annotations

from bilingual.records import Article, RunInfo
from bilingual.render.tmx import TmxUnit, render_tmx
from bilingual.render.tsv import render_tsv

TSV_COLUMNS = ("id", "kind", "zh", "en", "state")


def render_aligned_tsv(article: Article) -> str:
    rows = ((s.id, s.kind, s.zh, s.en or "", s.state) for s in article.segments
            if s.kind != "boilerplate")
    return render_tsv(TSV_COLUMNS, rows)


def render_article_tmx(article: Article, info: RunInfo) -> bytes:
    units = (TmxUnit(s.zh_simplified, s.en or "",
                     {"x-segment-id": s.id, "x-kind": s.kind, "x-state": s.state,
                      "x-document": article.stem, "x-engine": s.engine or info.engine_name},
                     info.generated)
             for s in article.segments if s.translate and s.en)
    return render_tmx(units, info.generated)
