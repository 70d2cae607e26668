"""The whole translation memory as TMX 1.4b or TSV (`bilingual tm export`)."""

from __future__ import annotations

from collections.abc import Iterable

from bilingual.chars import XML_ILLEGAL_RE, now_utc
from bilingual.render.tmx import TmxUnit, render_tmx
from bilingual.render.tsv import render_tsv
from bilingual.tm import Unit

TSV_HEADER = ("source", "target", "origin", "engine", "model", "glossary", "created", "updated")


def _x(text: str) -> str:
    """What XML cannot carry is dropped: a TM filled by an older version (or another tool)
    may hold control characters, and the export must still be well-formed."""
    return XML_ILLEGAL_RE.sub("", text)


def tm_to_tmx(units: Iterable[Unit]) -> bytes:
    return render_tmx((TmxUnit(_x(u.source), _x(u.target),
                               {"x-origin": _x(u.origin), "x-engine": _x(u.engine),
                                "x-model": _x(u.model)}, _x(u.created))
                       for u in units), now_utc())


def tm_to_tsv(units: Iterable[Unit]) -> str:
    return render_tsv(TSV_HEADER, (tuple(_x(v) for v in (
        u.source, u.target, u.origin, u.engine, u.model, u.glossary, u.created, u.updated))
        for u in units))
