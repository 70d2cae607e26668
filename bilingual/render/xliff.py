"""XLIFF 2.1 (OASIS): one <unit> per paragraph, one <segment> per sentence.

Segment state follows the review status: new → initial, mt → translated,
reviewed → reviewed, approved → final.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bilingual.records import Article
from bilingual.render.text import shown

NS = "urn:oasis:names:tc:xliff:document:2.0"  # XLIFF 2.1 keeps the 2.0 core namespace
STATES = {"new": "initial", "mt": "translated", "reviewed": "reviewed", "approved": "final"}


def render_xliff(article: Article) -> bytes:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}xliff", {"version": "2.1", "srcLang": "zh-CN", "trgLang": "en"})
    file = ET.SubElement(root, f"{{{NS}}}file", {"id": "f1", "original": article.path})
    for para in shown(article):
        todo = [s for s in para if s.translate]
        if not todo:
            continue
        unit = ET.SubElement(file, f"{{{NS}}}unit", {"id": f"p{para[0].para}",
                                                      "type": f"bilingual:{para[0].kind}"})
        for seg in todo:
            node = ET.SubElement(unit, f"{{{NS}}}segment",
                                 {"id": seg.id, "state": STATES.get(seg.state, "initial")})
            ET.SubElement(node, f"{{{NS}}}source").text = seg.zh
            if seg.en:
                ET.SubElement(node, f"{{{NS}}}target").text = seg.en
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
