"""The whole translation memory as TMX 1.4b or TSV (`bilingual tm export`)."""

from __future__ import annotations

from collections.abc import Iterable

from bilingual.chars import now_utc
from bilingual.render.tmx import TmxUnit, render_tmx
from bilingual.render.tsv import render_tsv
from bilingual.tm import Unit

TSV_HEADER = ("source", "target", "origin", "engine", "model", "glossary", "created", "updated")


def tm_to_tmx(units: Iterable[Unit]) -> bytes:
    return render_tmx((TmxUnit(u.source, u.target, {"x-origin": u.origin, "x-engine": u.engine,
                                                    "x-model": u.model}, u.created)
                       for u in units), now_utc())


def tm_to_tsv(units: Iterable[Unit]) -> str:
    return render_tsv(TSV_HEADER, ((u.source, u.target, u.origin, u.engine, u.model, u.glossary,
                                    u.created, u.updated) for u in units))
