"""XLIFF 2.1 (OASIS): one <unit> per paragraph, one <segment> per sentence.

Segment state follows the review status: new → initial, mt → translated,
reviewed → reviewed, approved → final. A reviewer's comment and the QA findings travel as
<notes> on the unit (category `comment` / `qa`, `appliesTo="target"`, the segment id in the
text, since XLIFF 2 notes belong to units). The source language follows the script of the
text (`source_lang`), and `original` is the input's file name, never its full path.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import PurePath

from bilingual.records import Article, Finding, Segment
from bilingual.render.text import shown
from bilingual.render.tmx import source_lang, xml_pieces

NS = "urn:oasis:names:tc:xliff:document:2.0"  # XLIFF 2.1 keeps the 2.0 core namespace
STATES = {"new": "initial", "mt": "translated", "reviewed": "reviewed", "approved": "final"}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
QA_PRIORITY = {"error": "1", "warning": "5", "info": "9"}  # notes' priority: 1 highest


def file_name(path: str) -> str:
    """The input's name only: a publisher's file does not carry a translator's folders."""
    return PurePath(path.replace("\\", "/")).name or path


def _notes(unit: ET.Element, segments: list[Segment]) -> None:
    notes: list[tuple[str, str, str]] = []
    for seg in segments:
        comment = seg.meta.get("review_comment", "")
        if comment:
            notes.append(("comment", "", f"{seg.id}: {comment}"))
        for finding in seg.flags:
            if isinstance(finding, Finding):
                notes.append(("qa", QA_PRIORITY.get(finding.severity, "5"),
                              f"{seg.id}: {finding.as_text()}"))
    if not notes:
        return
    holder = ET.SubElement(unit, "notes")
    for category, priority, text in notes:
        attrs = {"category": category, "appliesTo": "target"}
        if priority:
            attrs["priority"] = priority
        ET.SubElement(holder, "note", attrs).text = text


def _text(parent: ET.Element, tag: str, text: str) -> None:
    node = ET.SubElement(parent, tag)
    node.text = text
    if any(c in text for c in "\n\t\r") or text != text.strip(" "):
        node.set(XML_SPACE, "preserve")  # otherwise a CAT tool may collapse the whitespace


def _units(article: Article) -> Iterator[ET.Element]:
    """The units, one at a time. Their tags carry no namespace: they sit inside the root,
    whose default namespace is XLIFF's."""
    for para in shown(article):
        todo = [s for s in para if s.translate]
        if not todo:
            continue
        unit = ET.Element("unit", {"id": f"p{para[0].para}", "type": f"bilingual:{para[0].kind}"})
        _notes(unit, todo)
        for seg in todo:
            node = ET.SubElement(unit, "segment",
                                 {"id": seg.id, "state": STATES.get(seg.state, "initial")})
            _text(node, "source", seg.zh)
            if seg.en:
                _text(node, "target", seg.en)
        yield unit


def xliff_pieces(article: Article) -> Iterator[str]:
    root = ET.Element("xliff", {"xmlns": NS, "version": "2.1",
                                "srcLang": source_lang(article.script), "trgLang": "en"})
    file = ET.SubElement(root, "file", {"id": "f1", "original": file_name(article.path)})
    return xml_pieces(root, file, _units(article), 2)


def render_xliff(article: Article) -> bytes:
    return "".join(xliff_pieces(article)).encode("utf-8")
