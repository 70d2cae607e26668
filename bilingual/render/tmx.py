"""TMX 1.4b (the translation-memory exchange format CAT tools read)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from bilingual import __version__

SRC_LANG = "zh-CN"
TGT_LANG = "en"


@dataclass
class TmxUnit:
    source: str
    target: str
    props: dict[str, str] = field(default_factory=dict)
    created: str = ""  # ISO 8601; converted to TMX's basic format


def tmx_date(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def render_tmx(units: Iterable[TmxUnit], created: str) -> bytes:
    """`created`: the ISO 8601 time the header states (the run's, so outputs are reproducible
    from their records)."""
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(root, "header", {
        "creationtool": "bilingual", "creationtoolversion": __version__,
        "segtype": "sentence", "o-tmf": "bilingual", "adminlang": "en",
        "srclang": SRC_LANG, "datatype": "plaintext", "creationdate": tmx_date(created),
    })
    body = ET.SubElement(root, "body")
    for unit in units:
        attrs = {"creationdate": tmx_date(unit.created)} if unit.created else {}
        tu = ET.SubElement(body, "tu", attrs)
        for name, value in unit.props.items():
            prop = ET.SubElement(tu, "prop", type=name)
            prop.text = value
        for lang, text in ((SRC_LANG, unit.source), (TGT_LANG, unit.target)):
            tuv = ET.SubElement(tu, "tuv", {"xml:lang": lang})
            ET.SubElement(tuv, "seg").text = text
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' \
        b'<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n' + ET.tostring(root, encoding="utf-8") + b"\n"
