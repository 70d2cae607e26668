"""Writing a glossary out: TSV (our columns) and TBX-Basic."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bilingual.render.tsv import render_tsv
from bilingual.terms.entries import Glossary

DEPRECATED = "deprecatedTerm-admn-sts"
FLAGS_DESCRIP = "x-bilingual-flags"
COLUMNS = ("zh", "en", "category", "note", "variants", "banned", "flags", "accepted", "source")


def to_tsv(glossary: Glossary) -> str:
    rows = ((e.zh, e.en, e.category, e.note, "|".join(e.variants), "|".join(e.banned),
             ",".join(sorted(e.flags)), "|".join(e.accepted), e.source)
            for e in glossary.entries.values())
    return render_tsv(COLUMNS, rows)


def to_tbx(glossary: Glossary) -> bytes:
    root = ET.Element("martif", {"type": "TBX-Basic", "xml:lang": "en"})
    header = ET.SubElement(root, "martifHeader")
    desc = ET.SubElement(ET.SubElement(header, "fileDesc"), "sourceDesc")
    ET.SubElement(desc, "p").text = "Exported by bilingual"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for i, e in enumerate(glossary.entries.values(), start=1):
        entry = ET.SubElement(body, "termEntry", id=f"t{i}")
        if e.category:
            ET.SubElement(entry, "descrip", type="subjectField").text = e.category
        if e.note:
            ET.SubElement(entry, "note").text = e.note
        if e.flags:  # our rules (suffix, keep) must survive a round trip
            ET.SubElement(entry, "descrip", type=FLAGS_DESCRIP).text = ",".join(sorted(e.flags))
        zh = ET.SubElement(entry, "langSet", {"xml:lang": "zh"})
        for term in (e.zh, *e.variants):
            ET.SubElement(ET.SubElement(zh, "tig"), "term").text = term
        en = ET.SubElement(entry, "langSet", {"xml:lang": "en"})
        for term in (e.en, *e.accepted):  # accepted forms follow the preferred one
            ET.SubElement(ET.SubElement(en, "tig"), "term").text = term
        for wrong in e.banned:  # known wrong renderings: deprecated terms, in TBX's words
            tig = ET.SubElement(en, "tig")
            ET.SubElement(tig, "term").text = wrong
            ET.SubElement(tig, "termNote", type="administrativeStatus").text = DEPRECATED
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
