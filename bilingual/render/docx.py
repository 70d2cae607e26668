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
from bilingual.render.text import english_date

COLUMNS = ("ID", "Chinese", "English (MT)", "English (review)", "Comment", "Status")
WIDTHS_CM = (1.7, 4.3, 3.7, 3.7, 2.0, 2.6)  # A4 portrait, 1.5 cm margins: 18 cm
LOCKED_FILL = "E7E6E6"
HEADER_FILL = "BDD7EE"
SUBJECT = "bilingual review table"
FORMAT_VERSION = 1
INSTRUCTION = ("Edit only the English (review) column, and the Comment and Status cells; "
               "do not change IDs or the Chinese. Status: write 'approved' to approve an "
               "unchanged translation.")
LATIN_FONT = "Times New Roman"  # LibreOffice substitutes metric-compatible Liberation Serif
# Word and LibreOffice take the East Asian font from w:eastAsia. Noto Serif CJK SC has the
# Simplified Chinese glyph forms; measured here, naming SimSun made LibreOffice fall back to
# the Japanese Noto variant. Where the font is missing, Word falls back to its default font
# for the zh-CN language set below, so Chinese never shows as boxes.
EAST_ASIAN_FONT = "Noto Serif CJK SC"
TERM_COLOURS = ("YELLOW", "BRIGHT_GREEN", "TURQUOISE", "PINK")
NAME_COLOUR = "GRAY_25"


def source_hash(zh: str) -> str:
    return hashlib.sha1(zh.encode("utf-8")).hexdigest()[:8]


def _set_cell_fill(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _set_top_border(cell: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tcBorders")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:color", "808080")):
        top.set(qn(key), value)
    borders.append(top)
    cell._tc.get_or_add_tcPr().append(borders)


def _fonts(document: Any) -> None:
    """Explicit Latin and East Asian fonts everywhere.

    The default template names theme fonts (w:eastAsiaTheme...), which win over explicit
    names; they are removed so that every style uses the fonts named here.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    theme_attrs = [qn(f"w:{a}Theme") for a in ("ascii", "hAnsi", "eastAsia")] + [qn("w:cstheme")]
    root = document.styles.element
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in theme_attrs:
            rfonts.attrib.pop(attr, None)
    defaults = root.find(qn("w:docDefaults"))
    rpr_default = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    targets = [rpr_default] + [document.styles[name].element.get_or_add_rPr()
                               for name in ("Normal", "Title", "Heading 1", "Heading 2")]
    for rpr in targets:
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.insert(0, rfonts)
        for attr, font in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT),
                           ("w:eastAsia", EAST_ASIAN_FONT)):
            rfonts.set(qn(attr), font)
        # the language picks Simplified Chinese glyph forms where a family covers CJK
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    document.styles["Normal"].font.size = Pt(9.5)


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
    lines = [seg.status]
    for flag in seg.flags:
        lines.append(flag if len(flag) <= STATUS_DETAIL else flag[:STATUS_DETAIL - 1] + "…")
    return "\n".join(lines)


def render_docx(article: Article, info: RunInfo) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    _fonts(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))

    props = document.core_properties
    props.subject = SUBJECT
    props.title = article.meta.get("title", article.stem)
    props.keywords = f"bilingual:{article.stem}"
    props.comments = json.dumps({"format": FORMAT_VERSION, "stem": article.stem,
                                 "engine": info.engine, "glossary": info.glossary})

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
    note = document.add_paragraph()
    run = note.add_run(INSTRUCTION)
    run.bold = True
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    rows = [s for s in article.segments if s.translate and s.kind != "boilerplate"]
    table = document.add_table(rows=1 + len(rows), cols=len(COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), WIDTHS_CM):
        col.set(qn("w:w"), str(int(Cm(width).twips)))

    colour_of: dict[str, str] = {}
    for seg in rows:
        for term in seg.terms:
            if term.en not in colour_of:
                colour_of[term.en] = NAME_COLOUR if term.source == "auto" else \
                    TERM_COLOURS[len([c for c in colour_of.values() if c != NAME_COLOUR])
                                 % len(TERM_COLOURS)]

    all_rows = table.rows
    header = all_rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text, width in zip(header.cells, COLUMNS, WIDTHS_CM):
        cell.width = Cm(width)
        cell.paragraphs[0].add_run(text).bold = True
        _set_cell_fill(cell, HEADER_FILL)

    for row, seg in zip(all_rows[1:], rows):
        cells = row.cells
        for cell, width in zip(cells, WIDTHS_CM):
            cell.width = Cm(width)
        strong = seg.kind in ("title", "subtitle", "heading")
        id_cell = cells[0]
        id_cell.paragraphs[0].add_run(seg.id).bold = True
        tag = id_cell.add_paragraph()
        small = tag.add_run(f"#{source_hash(seg.zh)} {seg.kind}")
        small.font.size = Pt(7)
        zh_text = seg.zh_display or seg.zh
        zh_marks = [(t.start, t.end, colour_of[t.en]) for t in seg.terms]
        _write_runs(cells[1].paragraphs[0], _spans(zh_text, zh_marks), strong)
        en = seg.en or ""
        mt = seg.en_mt if seg.en_mt is not None else en
        _write_runs(cells[2].paragraphs[0], _spans(mt, english_marks(mt, seg.terms, colour_of)),
                    strong)
        _write_runs(cells[3].paragraphs[0], _spans(en, english_marks(en, seg.terms, colour_of)),
                    strong)
        if seg.meta.get("review_comment"):
            cells[4].paragraphs[0].add_run(seg.meta["review_comment"])
        cells[5].paragraphs[0].add_run(_status_text(seg)).font.size = Pt(7.5)
        for locked in (cells[0], cells[1], cells[2]):
            _set_cell_fill(locked, LOCKED_FILL)
        if seg.index == 1:
            for cell in cells:
                _set_top_border(cell)  # a new paragraph starts here

    used = {}
    for seg in rows:
        for term in seg.terms:
            used.setdefault((term.zh, term.en), term)
    if used:
        document.add_heading("Glossary of this article", level=2)
        gloss = document.add_table(rows=1 + len(used), cols=3)
        gloss.style = document.styles["Table Grid"]
        for cell, text in zip(gloss.rows[0].cells, ("Chinese", "English", "Source")):
            cell.paragraphs[0].add_run(text).bold = True
            _set_cell_fill(cell, HEADER_FILL)
        for row, term in zip(gloss.rows[1:], sorted(used.values(), key=lambda t: t.zh)):
            cells = row.cells
            colour = colour_of.get(term.en)
            _write_runs(cells[0].paragraphs[0], [(term.zh, colour)])
            _write_runs(cells[1].paragraphs[0], [(term.en, colour)])
            origin = "automatic name (rule)" if term.source == "auto" else \
                f"{term.source} glossary" + (f", {term.category}" if term.category else "")
            cells[2].paragraphs[0].add_run(origin)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

