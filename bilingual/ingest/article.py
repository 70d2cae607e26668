"""Source text → Article: normalise lines, recognise structure, split into segments.

This is the first half of the pipeline; every later stage takes the `Segment`s made here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
# A paragraph longer than this many sentences (a whole article pasted as one line, say) is
# carried as several: every output and the LLM's requests work a paragraph at a time, and a
# news paragraph has a few sentences, not hundreds.
MAX_SENTENCES = 400
NO_TRANSLATE_KINDS = {"boilerplate"}


def simplified_form(text: str, scripts: ScriptConverter, input_script: str) -> str:
    """What the glossary, structure rules and MT see: normalised, and Simplified."""
    text = normalize(text)
    return scripts.to_simplified(text) if input_script == "traditional" else text


def _same(form: str, piece: str) -> str:
    return piece if form == piece else form


def _block_segments(
    para: int, block: Block, scripts: ScriptConverter, input_script: str, zh_script: str
) -> Iterator[Segment]:
    """The block's segments; past `MAX_SENTENCES` a new paragraph starts (`para` is the
    first paragraph's number; the caller goes on from the last segment's `para`)."""
    pieces = split_sentences(block.text) if block.kind in SPLIT_KINDS else [block.text]
    translate = block.kind not in NO_TRANSLATE_KINDS
    if block.kind == "meta" and set(block.meta) <= {"date", "time"}:
        translate = False  # a bare date line is rendered from its fields
    for n, piece in enumerate(pieces):
        index = n % MAX_SENTENCES + 1
        # one string where the forms agree (most articles): a long article holds each
        # sentence once, not three times
        simplified = _same(simplified_form(piece, scripts, input_script), piece)
        display = _same(scripts.display(piece, input_script, zh_script), piece)
        number = para + n // MAX_SENTENCES
        yield Segment(
            id=f"p{number}.s{index}",
            kind=block.kind,
            para=number,
            index=index,
            zh=piece,
            zh_simplified=simplified,
            translate=translate,
            line=block.line,
            zh_display=display,
            meta=dict(block.meta) if n == 0 else {},
        )


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


def open_article(
    source: Source, scripts: ScriptConverter | None = None, zh_script: str = "auto"
) -> tuple[Article, Iterator[Segment]]:
    """The article's structure now, its segments one at a time: the returned
    `Article` has no segments yet; the iterator makes them, with their reading findings.
    A long article is never held as segment records whole (run/parts.py)."""
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
    del lines
    article = Article(
        path=source.name,
        stem=source.stem,
        encoding=source.encoding,
        format=source.format,
        script=input_script,
        segments=[],
        meta=article_meta(blocks, scripts, input_script),
    )
    no_body = not any(block.kind == "body" for block in blocks)
    return article, _segments(blocks, scripts, input_script, zh_script, cleaned,
                              source.format if no_body else "")


def _segments(blocks: list[Block], scripts: ScriptConverter, input_script: str,
              zh_script: str, cleaned: dict[int, list[Removal]], no_body: str
              ) -> Iterator[Segment]:
    """Segments one at a time, with their reading findings: even one paragraph the size of
    the article is never held as records. The cleaning findings of a line go to the segments
    that start on it (a line the structure step merged into another paragraph reports on
    that paragraph)."""
    starts = sorted({block.line for block in blocks})
    by_line: dict[int, list[list[Removal]]] = {}
    for number in sorted(cleaned) if starts else ():
        by_line.setdefault(_at_or_before(starts, number), []).append(
            sorted(cleaned[number], key=lambda r: r.at))

    def made() -> Iterator[Segment]:
        blocks.reverse()  # taken from the end as they are used: their text is freed as we go
        para = 1
        while blocks:
            for seg in _block_segments(para, blocks.pop(), scripts, input_script, zh_script):
                para = seg.para
                yield seg
            para += 1

    segments = _flag_cleaned(made(), by_line) if by_line else made()
    first = next(segments, None)
    if first is None:
        return
    if no_body:
        _flag_no_body(first, no_body)
    yield first
    yield from segments


def _at_or_before(starts: list[int], number: int) -> int:
    """The last of the sorted `starts` at or before `number` (else the first)."""
    import bisect

    at = bisect.bisect_right(starts, number)
    return starts[at - 1] if at else starts[0]


def build_article(
    source: Source, scripts: ScriptConverter | None = None, zh_script: str = "auto"
) -> Article:
    """Structure and segments of one read document."""
    article, segments = open_article(source, scripts, zh_script)
    article.segments = list(segments)
    return article


def _flag_no_body(first: Segment, fmt: str) -> None:
    """Text but no body paragraph: most often a page whose article was not found, which must
    not pass for a translated article unremarked."""
    where = ("the page's article may not have been found: save the article's own page, "
             "or paste its text into a .txt file") if fmt == "html" else \
        "check that the file holds the article's text"
    first.flags.append(Finding("no-body", f"no body paragraph recognised; {where}",
                               "warning", first.id))


def _flag_cleaned(segments: Iterator[Segment], by_line: dict[int, list[list[Removal]]]
                  ) -> Iterator[Segment]:
    """An `input-cleaned` finding on each segment whose text lost characters in cleaning.
    `by_line`: the removals (each input line's, sorted) that fall to the segments starting on
    a line, at offsets into their joined text; what lies past the end goes to the last."""
    seg = next(segments, None)
    line, start = -1, 0
    lists: list[list[Removal]] = []  # the line's removals
    taken: list[int] = []  # how many of each are reported already
    while seg is not None:
        following = next(segments, None)  # one ahead: is `seg` the last of its line?
        if seg.line != line:
            line, start = seg.line, 0
            lists = by_line.pop(line, [])
            taken = [0] * len(lists)
        end = start + len(seg.zh)
        last = following is None or following.line != line
        for n, removals in enumerate(lists):
            upto = len(removals) if last else taken[n]
            while not last and upto < len(removals) and removals[upto].at < end:
                upto += 1
            if upto > taken[n]:
                seg.flags.append(Finding("input-cleaned",
                                         describe_removals(removals[taken[n]:upto]),
                                         "warning", seg.id))
                taken[n] = upto
        start = end
        yield seg
        seg = following


def load_article(
    path: str | Path, scripts: ScriptConverter | None = None, zh_script: str = "auto"
) -> Article:
    """Read and segment one article file ("-" for standard input)."""
    return build_article(read_source(path), scripts, zh_script)
