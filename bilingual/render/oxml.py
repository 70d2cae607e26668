"""OOXML helpers for the review DOCX: the few WordprocessingML details python-docx has no API
for, each written where the schema's element order wants it (Word is strict about order)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape

from bilingual.chars import XML_ILLEGAL_RE

LATIN_FONT = "Times New Roman"  # LibreOffice substitutes metric-compatible Liberation Serif
# Word and LibreOffice take the East Asian font from w:eastAsia. Noto Serif CJK SC has the
# Simplified Chinese glyph forms; measured here, naming SimSun made LibreOffice fall back to
# the Japanese Noto variant. Where the font is missing, Word falls back to its default font
# for the zh-CN language set below, so Chinese never shows as boxes.
EAST_ASIAN_FONT = "Noto Serif CJK SC"


def _element(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def set_cell_fill(cell: Any, fill: str) -> None:
    """Shading (header and glossary cells; the body rows are written by `append_row`)."""
    cell._tc.get_or_add_tcPr().append(_element("w:shd", val="clear", color="auto", fill=fill))


def repeat_as_header(row: Any) -> None:
    """The row repeats at the top of every page (`<w:tblHeader/>`: on by its presence; the
    Open XML SDK rejects the value "true")."""
    row._tr.get_or_add_trPr().append(_element("w:tblHeader"))


def set_fonts(document: Any, size_pt: float) -> None:
    """Explicit Latin and East Asian fonts everywhere.

    The default template names theme fonts (w:eastAsiaTheme...), which win over explicit
    names; they are removed so that every style uses the fonts named here.
    """
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
            rfonts = _element("w:rFonts")
            rpr.insert(0, rfonts)
        for attr, font in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT),
                           ("w:eastAsia", EAST_ASIAN_FONT)):
            rfonts.set(qn(attr), font)
        # the language picks Simplified Chinese glyph forms where a family covers CJK
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = _element("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    document.styles["Normal"].font.size = Pt(size_pt)


def drop_styles_with_effects(document: Any) -> None:
    """python-docx's template carries Word 2010's `stylesWithEffects.xml`, a second copy of
    the styles that disagrees with `styles.xml` (the Open XML SDK validator reports it);
    Word rebuilds it when it needs it, so the package goes without."""
    part = document.part
    for r_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(r_id)


# --- the body rows, written as text --------------------------------------------------------
# python-docx builds every run through several layers of element-class lookups (about 0.2 ms a
# run, and a 500-row table has some 10,000 runs); review import regenerates the DOCX. So the
# body rows are written as WordprocessingML text, children in the schema's order, and parsed
# once into the table.

ZIP64_FROM = 1 << 30  # zipfile refuses to grow a plain member past 2 GB
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BREAKS = re.compile(r"(\n|\t)")


@dataclass(frozen=True)
class RunStyle:
    bold: bool = False
    italic: bool = False
    color: str = ""  # RRGGBB
    size_pt: float = 0.0
    highlight: str = ""  # ST_HighlightColor: yellow, green, cyan, magenta, lightGray...


PLAIN = RunStyle()


def _rpr(style: RunStyle) -> str:
    """w:rPr, children in CT_RPr's order (b, i, color, sz, szCs, highlight)."""
    if style == PLAIN:
        return ""
    parts = ["<w:b/>" if style.bold else "", "<w:i/>" if style.italic else ""]
    if style.color:
        parts.append(f'<w:color w:val="{style.color}"/>')
    if style.size_pt:
        half_points = round(style.size_pt * 2)
        parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    if style.highlight:
        parts.append(f'<w:highlight w:val="{style.highlight}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>"


def run_xml(text: str, style: RunStyle = PLAIN) -> str:
    """One w:r; line breaks and tabs become w:br / w:tab, as Word writes them."""
    content = []
    for piece in _BREAKS.split(XML_ILLEGAL_RE.sub("", text)):
        if piece == "\n":
            content.append("<w:br/>")
        elif piece == "\t":
            content.append("<w:tab/>")
        elif piece:
            space = ' xml:space="preserve"' if piece != piece.strip() else ""
            content.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r>{_rpr(style)}{''.join(content)}</w:r>"


class RowXml:
    """One body row: kept on one page (w:cantSplit), cells of the given widths, some shaded,
    a thicker rule above when `top_border`. Runs go into the current paragraph of a cell."""

    def __init__(self, widths_twips: list[int], fill: dict[int, str], top_border: bool) -> None:
        self.widths, self.fill, self.top_border = widths_twips, fill, top_border
        self.cells: list[list[list[str]]] = [[[]] for _ in widths_twips]

    def run(self, cell: int, text: str, style: RunStyle = PLAIN) -> None:
        self.cells[cell][-1].append(run_xml(text, style))

    def paragraph(self, cell: int) -> None:
        self.cells[cell].append([])

    def xml(self) -> str:
        border = ('<w:tcBorders><w:top w:val="single" w:sz="12" w:color="808080"/>'
                  "</w:tcBorders>") if self.top_border else ""
        cells = []
        for n, (width, paragraphs) in enumerate(zip(self.widths, self.cells, strict=True)):
            shade = (f'<w:shd w:val="clear" w:color="auto" w:fill="{self.fill[n]}"/>'
                     if n in self.fill else "")
            body = "".join(f"<w:p>{''.join(runs)}</w:p>" for runs in paragraphs)
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{border}{shade}'
                         f"</w:tcPr>{body}</w:tc>")
        return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>"


def _parse(inner: str, wrapper: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(f'<w:{wrapper} xmlns:w="{W_NS}">{inner}</w:{wrapper}>', parser)


class PartTooLarge(ValueError):
    """The streamed part passed the limit it was given."""


def stream_package(skeleton: IO[bytes], handle: IO[bytes], part: str, mark: str,
                   pieces: Iterable[str], size_hint: int = 0, limit: int = 0) -> None:
    """Copy the zip package `skeleton` into `handle`, with `pieces` streamed into `part` where
    its XML has `mark` (the mark itself dropped). Members keep their order ([Content_Types]
    first, as Word expects), names, times and compression. `size_hint`: a generous guess at
    the streamed part's size, which must say beforehand whether it needs a zip64 record;
    `limit`: PartTooLarge when the whole package would unpack to more (0: none)."""
    import zipfile

    with zipfile.ZipFile(skeleton) as source, \
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as target:
        others = sum(i.file_size for i in source.infolist() if i.filename != part)
        for info in source.infolist():
            data = source.read(info)
            if info.filename != part:
                target.writestr(info, data)
                continue
            head, tail = data.decode("utf-8").split(mark, 1)
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            # a zip64 record only where the part could pass 2 GB: Word wants plain zip
            with target.open(member, "w", force_zip64=size_hint > ZIP64_FROM) as out:
                written = others + out.write(head.encode("utf-8"))
                for piece in pieces:
                    written += out.write(piece.encode("utf-8"))
                    if limit and written > limit:
                        raise PartTooLarge(part)
                written += out.write(tail.encode("utf-8"))
                if limit and written > limit:
                    raise PartTooLarge(part)


def append_rows(table: Any, rows: list[RowXml]) -> None:
    """Rows at the end of a python-docx table, parsed in one go."""
    table._tbl.extend(list(_parse("".join(r.xml() for r in rows), "tbl")))
