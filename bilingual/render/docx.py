"""The review DOCX: a memoQ-style bilingual table that reviewers edit in Word or LibreOffice.

Columns: ID | Chinese | English (MT) | English (review) | Comment | Status | QA. ID, Chinese, MT
and QA cells are shaded grey (read-only by convention); the review column starts as a copy of
the MT. The Status cell holds the status word only, so that a reviewer's `approved` is the one
thing written there; QA findings have their own column. Glossary terms are highlighted in the
same colour in both languages; automatic names in grey. Boilerplate lines between body
paragraphs are shown as greyed rows (not translated), so that nothing disappears unseen.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import IO, Any

from bilingual.chars import is_ideograph
from bilingual.errors import BilingualError
from bilingual.ingest.archive import MAX_UNPACKED
from bilingual.records import Article, RunInfo, Segment, Term
from bilingual.render.oxml import (
    PLAIN,
    PartTooLarge,
    RowXml,
    RunStyle,
    append_rows,
    drop_styles_with_effects,
    repeat_as_header,
    run_xml,
    set_cell_fill,
    set_fonts,
    stream_package,
)
from bilingual.render.text import english_date
from bilingual.render.tmx import source_lang
from bilingual.render.xliff import file_name
from bilingual.terms.stats import TermCounts

COLUMNS = ("ID", "Chinese", "English (MT)", "English (review)", "Comment", "Status", "QA")
GLOSSARY_WIDTHS_CM = (5.0, 7.0, 6.0)
LOCKED_FILL = "E7E6E6"
HEADER_FILL = "BDD7EE"
SUBJECT = "bilingual review table"
FORMAT_VERSION = 2  # 2: the QA column; Status holds the status word only
INSTRUCTION = ("Edit only the English (review) column, and the Comment and Status cells; "
               "do not change IDs or the Chinese. To approve a translation as it stands, "
               "write 'approved' in its Status cell (in place of the status or on a line of "
               "its own). Grey rows marked 'not translated' are shown for context only.")
TERM_COLOURS = ("yellow", "green", "cyan", "magenta")  # w:highlight values
NAME_COLOUR = "lightGray"
GREY_HEX = "808080"
NOT_TRANSLATED = "not translated"
BODY_PT, SMALL_PT, CAPTION_PT = 9.5, 7.0, 8.5
MARGIN_CM = 1.5
PAGE_CM = (21.0, 29.7)  # A4
CELL_PADDING_CM = 0.45  # the Table Grid style's 0.19 cm each side, and a little slack
TEXT_MIN_CM = 3.5  # narrowest useful Chinese / English column
QA_MIN_CM = 2.5  # narrowest useful QA column


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
    from bilingual.terms.match import Coverage

    marks: list[tuple[int, int, str]] = []
    lowered = text.casefold()
    taken = Coverage(len(lowered))
    for term in sorted({t.en: t for t in terms if t.en}.values(), key=lambda t: -len(t.en)):
        needle = term.en.casefold()
        at = lowered.find(needle)
        while at >= 0:
            if taken.free(at, at + len(needle)):
                marks.append((at, at + len(needle), colour_of[term.en]))
                taken.take(at, at + len(needle))
            at = lowered.find(needle, at + 1)
    return marks


def _runs(pieces: list[tuple[str, str | None]], style: RunStyle = PLAIN) -> list[str]:
    """Runs (as text), each marked piece highlighted in its colour."""
    return [run_xml(piece, replace(style, highlight=colour or "")) for piece, colour in pieces]


def text_width_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """A generous estimate of a line's width. Word sets it in Times New Roman; LibreOffice
    without Times or Liberation Serif falls back to DejaVu Serif, which is wider, so the
    widths here are DejaVu Serif's (ideographs and full-width forms 1 em, capitals 0.8 em,
    narrow punctuation 0.4 em, the rest 0.64 em; bold 10 % wider)."""
    ems = 0.0
    for c in text:
        if is_ideograph(c) or "\u3000" <= c <= "\u30ff" or "\uff00" <= c <= "\uffef":
            ems += 1.0
        elif c.isupper() or c in "mwMW@%#":
            ems += 0.85
        elif c in ".,:;'!|()[] ijlrt-":
            ems += 0.4
        else:
            ems += 0.64
    return ems * size_pt * (1.1 if bold else 1.0) * 2.54 / 72


def _id_lines(seg: Segment) -> tuple[str, str, str]:
    return seg.id, f"#{source_hash(seg.zh)}", seg.kind


def _id_width(seg: Segment) -> float:
    first, digest, kind = _id_lines(seg)
    return max(text_width_cm(first, BODY_PT, True), text_width_cm(digest, SMALL_PT),
               text_width_cm(kind, SMALL_PT))


def layout(rows: Iterable[Segment]) -> tuple[bool, tuple[float, ...]]:
    """(landscape, column widths in cm) from the content: the ID, Comment and Status columns
    as wide as their longest line, so nothing there wraps; the text columns share the rest;
    landscape when portrait leaves them too narrow."""
    return _layout(max(map(_id_width, rows), default=0.0))


def _layout(widest_id_cm: float) -> tuple[bool, tuple[float, ...]]:
    id_cm = max(text_width_cm("ID", BODY_PT, True), widest_id_cm)
    status_cm = max(text_width_cm(w, BODY_PT, True) for w in ("Status", "approved", "reviewed"))
    comment_cm = max(text_width_cm("Comment", BODY_PT, True), 1.6)
    fixed = [id_cm + CELL_PADDING_CM, comment_cm + CELL_PADDING_CM,
             status_cm + CELL_PADDING_CM]
    portrait = PAGE_CM[0] - 2 * MARGIN_CM
    landscape = sum(fixed) + 3 * TEXT_MIN_CM + QA_MIN_CM > portrait
    usable = (PAGE_CM[1] if landscape else PAGE_CM[0]) - 2 * MARGIN_CM
    rest = usable - sum(fixed)
    qa_cm = round(max(QA_MIN_CM, rest * 0.16), 2)
    text_cm = round((rest - qa_cm) / 3, 2)
    id_w, comment_w, status_w = (round(w, 2) for w in fixed)
    return landscape, (id_w, text_cm, text_cm, text_cm, comment_w, status_w, qa_cm)


def _page(document: Any, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section = document.sections[0]
    short, long = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = long, short
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = short, long
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))


def _properties(document: Any, article: Article, info: RunInfo) -> None:
    """Core properties: what the file is, for people and for `review import`."""
    props = document.core_properties
    props.subject = SUBJECT
    props.title = article.meta.get("title", article.stem)
    props.language = source_lang(article.script)
    props.author = props.last_modified_by = "bilingual"
    try:
        made = datetime.fromisoformat(info.generated)
    except ValueError:
        made = datetime.now(timezone.utc)
    props.created = props.modified = made.astimezone(timezone.utc).replace(tzinfo=None)
    props.revision = 1
    props.keywords = f"bilingual:{article.stem}"
    props.comments = json.dumps({"format": FORMAT_VERSION, "stem": article.stem,
                                 "engine": info.engine, "glossary": info.glossary})


def _header_block(document: Any, article: Article, info: RunInfo, rows: ReviewRows) -> None:
    """Title, English title, source, date, engine, glossary, time and file; the instruction."""
    from docx.shared import Pt, RGBColor

    meta = article.meta
    document.add_heading(meta.get("title", article.stem), level=1)
    if rows.title_en:
        document.add_paragraph(rows.title_en).runs[0].italic = True
    source_en = rows.source_en
    lines = [
        ("Source", f"{meta.get('source', '')}" + (f" ({source_en})" if source_en else "")),
        ("Date", english_date(meta.get("date", ""), meta.get("time", ""))),
        ("Engine and model", info.engine or "none"),
        ("Terms", rows.terms.describe()),
        ("Glossary", f"{', '.join(info.glossary_sources) or 'none'} "
                     f"(fingerprint {info.glossary or '-'})"),
        ("Generated", info.generated),
        ("File", file_name(article.path)),
    ]
    for label, value in lines:
        p = document.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    run = document.add_paragraph().add_run(INSTRUCTION)
    run.bold = True
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _colour(colour_of: dict[str, str], term: Term, terms_seen: int) -> int:
    """One highlight colour per rendering, the same wherever it appears; names in grey.
    Returns how many renderings of the glossary have a colour now."""
    if term.en in colour_of:
        return terms_seen
    if term.source == "auto":
        colour_of[term.en] = NAME_COLOUR
        return terms_seen
    colour_of[term.en] = TERM_COLOURS[terms_seen % len(TERM_COLOURS)]
    return terms_seen + 1


@dataclass
class _Facts:
    """What the package around the rows needs from them."""

    widest_id_cm: float = 0.0
    colour_of: dict[str, str] = field(default_factory=dict)
    used: dict[tuple[str, str], Term] = field(default_factory=dict)  # for the appendix
    size_hint: int = 0
    coloured: int = 0  # glossary renderings with a colour

    def add(self, seg: Segment) -> None:
        self.widest_id_cm = max(self.widest_id_cm, _id_width(seg))
        self.size_hint += _size_hint(seg)
        for term in seg.terms if seg.translate else ():
            self.coloured = _colour(self.colour_of, term, self.coloured)
            self.used.setdefault((term.zh, term.en), term)

    def merge(self, other: _Facts) -> None:
        """Add the facts of boilerplate rows (which have no terms)."""
        self.widest_id_cm = max(self.widest_id_cm, other.widest_id_cm)
        self.size_hint += other.size_hint


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


def _id_cell(row: RowXml, seg: Segment) -> None:
    seg_id, digest, kind = _id_lines(seg)
    row.run(0, seg_id, RunStyle(bold=True))
    for line in (digest, kind):
        row.paragraph(0)
        row.run(0, line, RunStyle(size_pt=SMALL_PT))


def _review_row(row: RowXml, seg: Segment, colour_of: dict[str, str]) -> None:
    style = RunStyle(bold=seg.kind in ("title", "subtitle", "heading"))
    if seg.kind == "caption":  # photo captions: set apart from the running text
        style = replace(style, italic=True, size_pt=CAPTION_PT)
    _id_cell(row, seg)
    zh_marks = [(t.start, t.end, colour_of[t.en]) for t in seg.terms]
    row.cells[1][-1] += _runs(_spans(seg.zh_display or seg.zh, zh_marks), style)
    en = seg.en or ""
    mt = seg.en_mt if seg.en_mt is not None else en
    for cell, text in ((2, mt), (3, en)):
        row.cells[cell][-1] += _runs(_spans(text, english_marks(text, seg.terms, colour_of)),
                                     style)
    if seg.meta.get("review_comment"):
        row.run(4, seg.meta["review_comment"])
    row.run(5, seg.state)
    for n, finding in enumerate(seg.flags):
        if n:
            row.paragraph(6)
        row.run(6, finding.as_text(), RunStyle(size_pt=SMALL_PT + 0.5))


def _boilerplate_row(row: RowXml, seg: Segment) -> None:
    """Site chrome between body paragraphs: shown greyed so the reviewer sees it, but not
    translated and not read back."""
    _id_cell(row, seg)
    row.run(1, seg.zh_display or seg.zh, RunStyle(color=GREY_HEX))
    row.run(5, NOT_TRANSLATED, RunStyle(color=GREY_HEX, size_pt=SMALL_PT))


class ReviewRows:
    """The segments the table shows: every translated one, and boilerplate that sits between
    translated paragraphs (banners above the title and chrome after the end stay out).
    Re-iterable, each pass reading the article again: a long article is never held whole."""

    def __init__(self, article: Article) -> None:
        """One pass: where the rows begin and end, the header's facts, and the rows' facts
        (boilerplate counts once a translated paragraph follows it)."""
        self.article = article
        self.first = self.last = -1  # the first and last paragraphs with a translated segment
        self.terms = TermCounts()
        self.title_en = self.source_en = ""  # for the header block
        self.facts = _Facts()
        pending = _Facts()  # boilerplate since the last translated paragraph
        for n, para in enumerate(article.paragraphs()):
            if any(s.translate for s in para):
                self.first = n if self.first < 0 else self.first
                self.last = n
                self.facts.merge(pending)
                pending = _Facts()
            for seg in para:
                self.terms.add(seg)
                if seg.en and not self.title_en and seg.kind == "title":
                    self.title_en = seg.en
                if seg.en and not self.source_en and seg.kind == "meta" and "source" in seg.meta:
                    self.source_en = seg.en
                if seg.translate:
                    self.facts.add(seg)
                elif seg.kind == "boilerplate" and self.first >= 0:
                    pending.add(seg)

    def __iter__(self) -> Iterator[Segment]:
        if self.first < 0:
            return
        for n, para in enumerate(self.article.paragraphs()):
            for seg in para:
                if seg.translate or (seg.kind == "boilerplate" and self.first < n < self.last):
                    yield seg


def review_rows(article: Article) -> list[Segment]:
    return list(ReviewRows(article))


ROWS_MARK = "bilingual-rows"  # a comment where the body rows are streamed in


def _review_table(document: Any, widths: tuple[float, ...]) -> None:
    """The table with its header row; the body rows are streamed in at `ROWS_MARK` when the
    package is written, so a long article is never held as one XML tree."""
    from docx.shared import Cm
    from lxml import etree

    table = _table(document, 1, widths)
    header = table.rows[0]
    repeat_as_header(header)
    for cell, text, width in zip(header.cells, COLUMNS, widths, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0].add_run(text).bold = True
        set_cell_fill(cell, HEADER_FILL)
    table._tbl.append(etree.Comment(ROWS_MARK))


def _rows_xml(rows: Iterable[Segment], colour_of: dict[str, str],
              widths: tuple[float, ...]) -> Iterator[str]:
    from docx.shared import Cm

    twips = [int(Cm(w).twips) for w in widths]
    locked = dict.fromkeys((0, 1, 2, 6), LOCKED_FILL)
    greyed = dict.fromkeys(range(len(COLUMNS)), LOCKED_FILL)
    for seg in rows:
        row = RowXml(twips, locked if seg.translate else greyed,
                     top_border=seg.index == 1)  # a thicker rule: a paragraph starts
        if seg.translate:
            _review_row(row, seg, colour_of)
        else:
            _boilerplate_row(row, seg)
        yield row.xml()


def _glossary_appendix(document: Any, used: dict[tuple[str, str], Term],
                       colour_of: dict[str, str]) -> None:
    if not used:
        return
    from docx.shared import Cm

    document.add_heading("Glossary of this article", level=2)
    gloss = _table(document, 1, GLOSSARY_WIDTHS_CM)
    for cell, text in zip(gloss.rows[0].cells, ("Chinese", "English", "Source"), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        set_cell_fill(cell, HEADER_FILL)
    twips = [int(Cm(w).twips) for w in GLOSSARY_WIDTHS_CM]
    built = []
    for term in sorted(used.values(), key=lambda t: t.zh):
        row = RowXml(twips, {}, top_border=False)
        colour = colour_of.get(term.en)
        row.cells[0][-1] += _runs([(term.zh, colour)])
        row.cells[1][-1] += _runs([(term.en, colour)])
        row.run(2, "automatic name (rule)" if term.source == "auto" else
                f"{term.source} glossary" + (f", {term.category}" if term.category else ""))
        built.append(row)
    append_rows(gloss, built)  # as text, parsed once: python-docx builds a run in ~0.2 ms


def _size_hint(s: Segment) -> int:
    """Bytes of a row's XML, over-estimated: markup per row and run, text three times (Chinese,
    MT, review) at up to three bytes a character."""
    return 4096 + 9 * (len(s.zh) + len(s.en or "") + len(s.en_mt or "")) + 400 * len(s.terms)


def write_docx(article: Article, info: RunInfo, handle: IO[bytes]) -> None:
    """The review DOCX into a seekable binary file. The package around the table is built
    with python-docx (small); the body rows are written as text straight into the zip, so
    memory holds one row at a time whatever the article's length."""
    from docx import Document

    document = Document()
    drop_styles_with_effects(document)
    set_fonts(document, BODY_PT)
    rows = ReviewRows(article)  # two passes over the article in all: a long one is read
    facts = rows.facts          # back from disk for each
    landscape, widths = _layout(facts.widest_id_cm)
    _page(document, landscape)
    _properties(document, article, info)
    _header_block(document, article, info, rows)
    colour_of = facts.colour_of
    _review_table(document, widths)
    _glossary_appendix(document, facts.used, colour_of)
    skeleton = io.BytesIO()
    document.save(skeleton)
    try:
        stream_package(skeleton, handle, "word/document.xml", f"<!--{ROWS_MARK}-->",
                       _rows_xml(rows, colour_of, widths), size_hint=facts.size_hint,
                       limit=MAX_UNPACKED)
    except PartTooLarge as exc:
        # every review DOCX we write can be imported back (review import refuses packages
        # over MAX_UNPACKED as implausible), and no word processor edits one this size
        raise BilingualError(
            f"its review DOCX would unpack to over {MAX_UNPACKED // 2**20} MB, more than "
            "review import reads", article.path,
            "split the article, or leave the DOCX out with --formats") from exc


def render_docx(article: Article, info: RunInfo) -> bytes:
    buffer = io.BytesIO()
    write_docx(article, info, buffer)
    return buffer.getvalue()
