"""TMX 1.4b (the translation-memory exchange format CAT tools read)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from bilingual import __version__

TGT_LANG = "en"
# The language tag of the Chinese follows the script the article is written in. Region tags
# rather than script subtags (zh-Hans, zh-Hant): they are what CAT tools offer as project
# languages. The text does not tell Taiwan from Hong Kong usage; Traditional is labelled zh-TW.
SOURCE_LANGS = {"simplified": "zh-CN", "traditional": "zh-TW", "tw": "zh-TW", "hk": "zh-HK"}


def source_lang(script: str) -> str:
    """The BCP 47 tag of an article's Chinese, from its script."""
    return SOURCE_LANGS.get(script, "zh-CN")


@dataclass
class TmxUnit:
    source: str
    target: str
    props: dict[str, str] = field(default_factory=dict)
    created: str = ""  # ISO 8601; converted to TMX's basic format


def tmx_date(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def xml_pieces(root: ET.Element, holder: ET.Element, children: Iterable[ET.Element],
               level: int, prolog: str = "") -> Iterator[str]:
    """An XML document as text, its many children made and serialised one at a time, so a
    long article is never one tree: `root` is serialised around `holder`, which receives
    `children` (indented for depth `level`)."""
    mark = "\x00children\x00"  # XML cannot carry NUL, so no text can contain it
    holder.text = mark
    ET.indent(root)
    head, tail = ET.tostring(root, encoding="unicode").split(mark)
    yield '<?xml version="1.0" encoding="UTF-8"?>\n' + prolog + head + "\n"
    pad = "  " * level
    for child in children:
        ET.indent(child, level=level)
        child.tail = None
        yield pad + ET.tostring(child, encoding="unicode") + "\n"
    yield "  " * (level - 1) + tail + "\n"


def tmx_pieces(units: Iterable[TmxUnit], created: str, src_lang: str = "zh-CN") -> Iterator[str]:
    """`created`: the ISO 8601 time the header states (the run's, so outputs are reproducible
    from their records); `src_lang`: the tag of the sources (`source_lang`)."""
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(root, "header", {
        "creationtool": "bilingual", "creationtoolversion": __version__,
        "segtype": "sentence", "o-tmf": "bilingual", "adminlang": "en",
        "srclang": src_lang, "datatype": "plaintext", "creationdate": tmx_date(created),
    })
    body = ET.SubElement(root, "body")
    return xml_pieces(root, body, (_tu(unit, src_lang) for unit in units), 2,
                      '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')


def _tu(unit: TmxUnit, src_lang: str) -> ET.Element:
    tu = ET.Element("tu", {"creationdate": tmx_date(unit.created)} if unit.created else {})
    for name, value in unit.props.items():
        prop = ET.SubElement(tu, "prop", type=name)
        prop.text = value
    for lang, text in ((src_lang, unit.source), (TGT_LANG, unit.target)):
        tuv = ET.SubElement(tu, "tuv", {"xml:lang": lang})
        ET.SubElement(tuv, "seg").text = text
    return tu


def render_tmx(units: Iterable[TmxUnit], created: str, src_lang: str = "zh-CN") -> bytes:
    return "".join(tmx_pieces(units, created, src_lang)).encode("utf-8")
