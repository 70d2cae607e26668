"""The review DOCX: a memoQ-style bilingual table that reviewers edit in Word or LibreOffice.

Columns: ID | Chinese | English (MT) | English (review) | Comment | Status. ID, Chinese and MT
cells are shaded grey (read-only by convention); the review column starts as a copy of the MT.
Glossary terms are highlighted in the same colour in both languages; automatic names in grey.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from bilingual.records import Article, RunInfo, Segment, Term
from bilingual.render.oxml import (
    drop_styles_with_effects,
    repeat_as_header,
    set_cell_fill,
    set_fonts,
    set_top_border,
)
from bilingual.render.text import english_date

COLUMNS = ("ID", "Chinese", "English (MT)", "English (review)", "Comment", "Status")
WIDTHS_CM = (1.7, 4.3, 3.7, 3.7, 2.0, 2.6)  # A4 portrait, 1.5 cm margins: 18 cm
GLOSSARY_WIDTHS_CM = (5.0, 7.0, 6.0)
LOCKED_FILL = "E7E6E6"
HEADER_FILL = "BDD7EE"
SUBJECT = "bilingual review table"
FORMAT_VERSION = 1
INSTRUCTION = ("Edit only the English (review) column, and the Comment and Status cells; "
               "do not change IDs or the Chinese. Status: write 'approved' to approve an "
               "unchanged translation.")
TERM_COLOURS = ("YELLOW", "BRIGHT_GREEN", "TURQUOISE", "PINK")
NAME_COLOUR = "GRAY_25"


def source_hash(zh: str) -> str:
    return hashlib.sha1(zh.encode("utf-8")).hexdigest()[:8]


def _spans(text: str, marks: list[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """Cut `text` into (piece, colour or None) by non-overlapping marked spans."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for start, end, colour in sorted(marks):
        if start < pos or end > len(text):
            continue
        if start > pos:
            out.append((text[pos:start], None))
        out.append((text[start:end], colour))
        pos = end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def english_marks(text: str, terms: list[Term],
                  colour_of: dict[str, str]) -> list[tuple[int, int, str]]:
    marks: list[tuple[int, int, str]] = []
    lowered = text.casefold()
    for term in sorted({t.en: t for t in terms if t.en}.values(), key=lambda t: -len(t.en)):
        needle = term.en.casefold()
        at = lowered.find(needle)
        while at >= 0:
            if all(at >= b or at + len(needle) <= a for a, b, _ in marks):
                marks.append((at, at + len(needle), colour_of[term.en]))
            at = lowered.find(needle, at + 1)
    return marks


def _write_runs(paragraph: Any, pieces: list[tuple[str, str | None]], bold: bool = False) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    for piece, colour in pieces:
        run = paragraph.add_run(piece)
        if bold:
            run.bold = True
        if colour:
            run.font.highlight_color = getattr(WD_COLOR_INDEX, colour)


STATUS_DETAIL = 60  # characters of a finding shown in the Status cell


def _status_text(seg: Segment) -> str:
    lines: list[str] = [seg.state]
    for finding in seg.flags:
        flag = finding.as_text()
        lines.append(flag if len(flag) <= STATUS_DETAIL else flag[:STATUS_DETAIL - 1] + "…")
    return "\n".join(lines)


def _page(document: Any) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))


def _properties(document: Any, article: Article, info: RunInfo) -> None:
    """Core properties: what the file is, for people and for `review import`."""
    props = document.core_properties
    props.subject = SUBJECT
    props.title = article.meta.get("title", article.stem)
    props.keywords = f"bilingual:{article.stem}"
    props.comments = json.dumps({"format": FORMAT_VERSION, "stem": article.stem,
                                 "engine": info.engine, "glossary": info.glossary})


def _header_block(document: Any, article: Article, info: RunInfo) -> None:
    """Title, English title, source, date, engine, glossary, time and file; the instruction."""
    from docx.shared import Pt, RGBColor

    meta = article.meta
    title_en = next((s.en for s in article.segments if s.kind == "title" and s.en), "")
    document.add_heading(meta.get("title", article.stem), level=1)
    if title_en:
        document.add_paragraph(title_en).runs[0].italic = True
    source_en = next((s.en for s in article.segments
                      if s.kind == "meta" and "source" in s.meta and s.en), "")
    lines = [
        ("Source", f"{meta.get('source', '')}" + (f" ({source_en})" if source_en else "")),
        ("Date", english_date(meta.get("date", ""), meta.get("time", ""))),
        ("Engine and model", info.engine or "none"),
        ("Glossary", f"{', '.join(info.glossary_sources) or 'none'} "
                     f"(fingerprint {info.glossary or '-'})"),
        ("Generated", info.generated),
        ("File", article.path),
    ]
    for label, value in lines:
        p = document.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    run = document.add_paragraph().add_run(INSTRUCTION)
    run.bold = True
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _colours(rows: list[Segment]) -> dict[str, str]:
    """One highlight colour per rendering, the same wherever it appears; names in grey."""
    colour_of: dict[str, str] = {}
    for seg in rows:
        for term in seg.terms:
            if term.en not in colour_of:
                used = len([c for c in colour_of.values() if c != NAME_COLOUR])
                colour_of[term.en] = NAME_COLOUR if term.source == "auto" else \
                    TERM_COLOURS[used % len(TERM_COLOURS)]
    return colour_of


def _table(document: Any, n_rows: int, widths: tuple[float, ...]) -> Any:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = document.add_table(rows=n_rows, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    return table


def _review_row(cells: Any, seg: Segment, colour_of: dict[str, str]) -> None:
    from docx.shared import Cm, Pt

    for cell, width in zip(cells, WIDTHS_CM, strict=True):
        cell.width = Cm(width)
    strong = seg.kind in ("title", "subtitle", "heading")
    cells[0].paragraphs[0].add_run(seg.id).bold = True
    cells[0].add_paragraph().add_run(f"#{source_hash(seg.zh)} {seg.kind}").font.size = Pt(7)
    zh_marks = [(t.start, t.end, colour_of[t.en]) for t in seg.terms]
    _write_runs(cells[1].paragraphs[0], _spans(seg.zh_display or seg.zh, zh_marks), strong)
    en = seg.en or ""
    mt = seg.en_mt if seg.en_mt is not None else en
    for cell, text in ((cells[2], mt), (cells[3], en)):
        _write_runs(cell.paragraphs[0], _spans(text, english_marks(text, seg.terms, colour_of)),
                    strong)
    if seg.meta.get("review_comment"):
        cells[4].paragraphs[0].add_run(seg.meta["review_comment"])
    cells[5].paragraphs[0].add_run(_status_text(seg)).font.size = Pt(7.5)
    if seg.index == 1:
        for cell in cells:
            set_top_border(cell)  # a new paragraph starts here
    for locked in (cells[0], cells[1], cells[2]):
        set_cell_fill(locked, LOCKED_FILL)


def _review_table(document: Any, rows: list[Segment], colour_of: dict[str, str]) -> None:
    from docx.shared import Cm

    table = _table(document, 1 + len(rows), WIDTHS_CM)
    header, *body = table.rows
    repeat_as_header(header)
    for cell, text, width in zip(header.cells, COLUMNS, WIDTHS_CM, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0].add_run(text).bold = True
        set_cell_fill(cell, HEADER_FILL)
    for row, seg in zip(body, rows, strict=True):
        _review_row(row.cells, seg, colour_of)


def _glossary_appendix(document: Any, rows: list[Segment], colour_of: dict[str, str]) -> None:
    used: dict[tuple[str, str], Term] = {}
    for seg in rows:
        for term in seg.terms:
            used.setdefault((term.zh, term.en), term)
    if not used:
        return
    document.add_heading("Glossary of this article", level=2)
    gloss = _table(document, 1 + len(used), GLOSSARY_WIDTHS_CM)
    for cell, text in zip(gloss.rows[0].cells, ("Chinese", "English", "Source"), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        set_cell_fill(cell, HEADER_FILL)
    for row, term in zip(gloss.rows[1:], sorted(used.values(), key=lambda t: t.zh),
                         strict=True):
        cells = row.cells
        colour = colour_of.get(term.en)
        _write_runs(cells[0].paragraphs[0], [(term.zh, colour)])
        _write_runs(cells[1].paragraphs[0], [(term.en, colour)])
        origin = "automatic name (rule)" if term.source == "auto" else \
            f"{term.source} glossary" + (f", {term.category}" if term.category else "")
        cells[2].paragraphs[0].add_run(origin)


def render_docx(article: Article, info: RunInfo) -> bytes:
    from docx import Document

    document = Document()
    drop_styles_with_effects(document)
    set_fonts(document, 9.5)
    _page(document)
    _properties(document, article, info)
    _header_block(document, article, info)
    rows = [s for s in article.segments if s.translate and s.kind != "boilerplate"]
    colour_of = _colours(rows)
    _review_table(document, rows, colour_of)
    _glossary_appendix(document, rows, colour_of)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
