"""OOXML helpers for the review DOCX: the few WordprocessingML details python-docx has no API
for, each written where the schema's element order wants it (Word is strict about order)."""

from __future__ import annotations

from typing import Any

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
    """Shading; `w:shd` follows `w:tcBorders` in `w:tcPr` (CT_TcPr's sequence)."""
    cell._tc.get_or_add_tcPr().append(_element("w:shd", val="clear", color="auto", fill=fill))


def set_top_border(cell: Any) -> None:
    """A thicker rule above the cell, placed before any shading as the schema requires."""
    from docx.oxml.ns import qn

    borders = _element("w:tcBorders")
    borders.append(_element("w:top", val="single", sz="12", color="808080"))
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = tc_pr.find(qn("w:shd"))
    if shd is not None:
        shd.addprevious(borders)
    else:
        tc_pr.append(borders)


def repeat_as_header(row: Any) -> None:
    """The row repeats at the top of every page (`<w:tblHeader/>`: on by its presence; the
    Open XML SDK rejects the value "true")."""
    row._tr.get_or_add_trPr().append(_element("w:tblHeader"))


def keep_row_together(row: Any) -> None:
    """The row is not split across pages (`<w:cantSplit/>`): a reviewer sees a segment's
    Chinese and English side by side, and `pdftotext` reads each cell whole."""
    row._tr.get_or_add_trPr().append(_element("w:cantSplit"))


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
