"""Source text → Article: normalise lines, recognise structure, split into segments.

This is the first half of the pipeline; every later stage takes the `Segment`s made here.
"""

from __future__ import annotations

import re
from pathlib import Path

from bilingual.ingest.normalize import (
    SPACES,
    ZERO_WIDTH,
    Removal,
    clean_text,
    describe_removals,
    normalize,
)
from bilingual.ingest.reading import Source, read_source
from bilingual.ingest.script import ScriptConverter
from bilingual.ingest.segment import split_sentences
from bilingual.ingest.structure import Block, classify
from bilingual.records import Article, Finding, Segment

_STRIP = " \r\n" + SPACES + ZERO_WIDTH
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c|\x85")

# Kinds cut into sentences; the others are one segment each.
SPLIT_KINDS = {"body"}
NO_TRANSLATE_KINDS = {"boilerplate"}


def simplified_form(text: str, scripts: ScriptConverter, input_script: str) -> str:
    """What the glossary, structure rules and MT see: normalised, and Simplified."""
    text = normalize(text)
    return scripts.to_simplified(text) if input_script == "traditional" else text


def _same(form: str, piece: str) -> str:
    return piece if form == piece else form


def segments_from_blocks(
    blocks: list[Block], scripts: ScriptConverter, input_script: str, zh_script: str
) -> list[Segment]:
    segments: list[Segment] = []
    for para, block in enumerate(blocks, start=1):
        pieces = split_sentences(block.text) if block.kind in SPLIT_KINDS else [block.text]
        for index, piece in enumerate(pieces, start=1):
            # one string where the forms agree (most articles): a long article holds each
            # sentence once, not three times
            simplified = _same(simplified_form(piece, scripts, input_script), piece)
            display = _same(scripts.display(piece, input_script, zh_script), piece)
            translate = block.kind not in NO_TRANSLATE_KINDS
            if block.kind == "meta" and set(block.meta) <= {"date", "time"}:
                translate = False  # a bare date line is rendered from its fields
            segments.append(Segment(
                id=f"p{para}.s{index}",
                kind=block.kind,
                para=para,
                index=index,
                zh=piece,
                zh_simplified=simplified,
                translate=translate,
                line=block.line,
                zh_display=display,
                meta=dict(block.meta) if index == 1 else {},
            ))
    return segments


def article_meta(
    blocks: list[Block], scripts: ScriptConverter, input_script: str
) -> dict[str, str]:
    meta: dict[str, str] = {}

    for block in blocks:
        if block.kind == "title" and "title" not in meta:
            meta["title"] = simplified_form(block.text, scripts, input_script)
        elif block.kind == "subtitle" and "subtitle" not in meta:
            meta["subtitle"] = simplified_form(block.text, scripts, input_script)
        elif block.kind in ("meta", "editor", "byline") or block.meta.get("dateline"):
            for key, value in block.meta.items():
                meta.setdefault(key, simplified_form(value, scripts, input_script))
    return meta


def build_article(
    source: Source, scripts: ScriptConverter | None = None, zh_script: str = "auto"
) -> Article:
    """Structure and segments of one read document."""
    scripts = scripts or ScriptConverter()
    input_script = scripts.detect(source.text)
    lines = []
    cleaned: dict[int, list[Removal]] = {}
    for number, raw in enumerate(_LINE_BREAK.split(source.text), start=1):
        raw, removals = clean_text(raw)  # the cleaned line is the article's text from here on
        text = raw.strip(_STRIP)
        if not text:
            continue
        if removals:
            lead = len(raw) - len(raw.lstrip(_STRIP))
            cleaned[number] = [Removal(max(r.at - lead, 0), r.kind) for r in removals]
        lines.append((number, text, simplified_form(text, scripts, input_script)))
    blocks = classify(lines, source.headline)
    segments = segments_from_blocks(blocks, scripts, input_script, zh_script)
    _flag_cleaned(segments, cleaned)
    _flag_no_body(segments, source.format)
    return Article(
        path=source.name,
        stem=source.stem,
        encoding=source.encoding,
        format=source.format,
        script=input_script,
        segments=segments,
        meta=article_meta(blocks, scripts, input_script),
    )


def _flag_no_body(segments: list[Segment], fmt: str) -> None:
    """Text but no body paragraph: most often a page whose article was not found, which must
    not pass for a translated article unremarked."""
    if segments and not any(seg.kind == "body" for seg in segments):
        where = ("the page's article may not have been found: save the article's own page, "
                 "or paste its text into a .txt file") if fmt == "html" else \
            "check that the file holds the article's text"
        segments[0].flags.append(Finding("no-body", f"no body paragraph recognised; {where}",
                                         "warning", segments[0].id))


def _flag_cleaned(segments: list[Segment], cleaned: dict[int, list[Removal]]) -> None:
    """An `input-cleaned` finding on each segment whose text lost characters in cleaning."""
    if not cleaned:
        return
    by_line: dict[int, list[Segment]] = {}
    for seg in segments:
        by_line.setdefault(seg.line, []).append(seg)
    for number, removals in cleaned.items():
        # a line the structure step merged into another paragraph reports on that paragraph
        line = max((n for n in by_line if n <= number), default=min(by_line, default=0))
        pieces = by_line.get(line, [])
        start = 0
        for i, seg in enumerate(pieces):
            end = start + len(seg.zh)
            last = i == len(pieces) - 1
            mine = [r for r in removals if start <= r.at < end or (last and r.at >= end)]
            if mine:
                seg.flags.append(Finding("input-cleaned", describe_removals(mine), "warning",
                                         seg.id))
            start = end


def load_article(
    path: str | Path, scripts: ScriptConverter | None = None, zh_script: str = "auto"
) -> Article:
    """Read and segment one article file ("-" for standard input)."""
    return build_article(read_source(path), scripts, zh_script)
