"""TMX 1.4b (the translation-memory exchange format CAT tools read)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
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


def render_tmx(units: Iterable[TmxUnit], created: str, src_lang: str = "zh-CN") -> bytes:
    """`created`: the ISO 8601 time the header states (the run's, so outputs are reproducible
    from their records); `src_lang`: the tag of the sources (`source_lang`)."""
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(root, "header", {
        "creationtool": "bilingual", "creationtoolversion": __version__,
        "segtype": "sentence", "o-tmf": "bilingual", "adminlang": "en",
        "srclang": src_lang, "datatype": "plaintext", "creationdate": tmx_date(created),
    })
    body = ET.SubElement(root, "body")
    for unit in units:
        attrs = {"creationdate": tmx_date(unit.created)} if unit.created else {}
        tu = ET.SubElement(body, "tu", attrs)
        for name, value in unit.props.items():
            prop = ET.SubElement(tu, "prop", type=name)
            prop.text = value
        for lang, text in ((src_lang, unit.source), (TGT_LANG, unit.target)):
            tuv = ET.SubElement(tu, "tuv", {"xml:lang": lang})
            ET.SubElement(tuv, "seg").text = text
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' \
        b'<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n' + ET.tostring(root, encoding="utf-8") + b"\n"
