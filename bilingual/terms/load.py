"""Reading glossaries: the shipped default, and users' TSV, CSV and TBX files.

Every problem names the file and line: a glossary is data people edit by hand.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from bilingual.chars import has_ideograph
from bilingual.errors import BilingualError
from bilingual.ingest.reading import decode_bytes
from bilingual.ingest.script import ScriptConverter
from bilingual.terms.entries import FLAGS, Entry, Glossary

DEFAULT_NAME = "default"
_LIST_SPLIT = re.compile(r"\s*[|;]\s*")
REQUIRED = ("zh", "en")
KNOWN_COLUMNS = ("zh", "en", "category", "note", "variants", "banned", "flags", "accepted")


def default_glossary_text() -> str:
    """The curated glossary: package data in an install, `glossary/` in a checkout."""
    return resources.files("bilingual.glossary_data").joinpath("default.tsv").read_text("utf-8")


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in _LIST_SPLIT.split(value.strip()) if v) if value else ()


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _read_rows(text: str, name: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The rows, and the line each starts on. A CSV quote left open swallows the lines after
    it into one field: that is reported where it was opened, not parsed as one odd entry."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter,
                        quoting=csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            # a quote open at the end of the file took the last line break into its field
            start = reader.line_num - sum(cell.rstrip("\r\n").count("\n") for cell in row)
            if any("\n" in cell or "\r" in cell for cell in row):
                raise BilingualError(
                    f"line {start}: a quote opened here runs over "
                    f"{reader.line_num - start + 1} lines", name,
                    "close the quote, or double a quote inside a field (\"\")")
            rows.append(row)
            lines.append(start)
    except csv.Error as exc:
        raise BilingualError(f"line {reader.line_num}: is not valid CSV ({exc})", name,
                             "fix the quoting") from exc
    return rows, lines


def _check_cells(row: list[str], header: list[str], where: str, delimiter: str) -> None:
    """What would load wrong without a word: extra cells, TSV quotes, control characters."""
    extra = [c for c in row[len(header):] if c.strip()]
    if extra:
        kind = "tab" if delimiter == "\t" else "comma"
        raise BilingualError(f"{len(row)} cells, the header has {len(header)} "
                             f"(extra: '{extra[0][:30]}')", where,
                             f"remove the stray {kind} or add a column to the header")
    for column, cell in zip(header, row, strict=False):
        value = cell.strip()
        if delimiter == "\t" and len(value) >= 2 and value[0] == value[-1] == '"':
            raise BilingualError(f"the {column} cell is in quotes: {value[:40]}", where,
                                 "TSV takes no quotes: remove them (they would be kept)")
        bad = _CONTROL.search(cell)
        if bad:
            raise BilingualError(f"the {column} cell holds a control character "
                                 f"U+{ord(bad.group()):04X}", where, "delete it")


def parse_table(text: str, name: str, delimiter: str) -> list[Entry]:
    rows, lines = _read_rows(text, name, delimiter)
    if not rows:
        raise BilingualError("is empty", name, "add a header row: zh, en, ...")
    header = [h.strip().lower().lstrip("\ufeff") for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BilingualError(f"line 1: missing column {', '.join(missing)}", name,
                             f"the header row needs {', '.join(REQUIRED)}; optional: "
                             f"{', '.join(KNOWN_COLUMNS[2:])}")
    entries: list[Entry] = []
    seen: dict[str, tuple[str, int]] = {}
    for number, row in zip(lines[1:], rows[1:], strict=True):
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        where = f"{name}: line {number}"
        _check_cells(row, header, where, delimiter)
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        zh, en = cells.get("zh", ""), cells.get("en", "")
        flags = frozenset(_split(cells.get("flags", "").replace(",", "|")))
        if not zh:
            raise BilingualError("empty Chinese term", where,
                                 "fill in the zh column or delete the line")
        if not has_ideograph(zh) and "keep" not in flags:
            raise BilingualError(f"'{zh}' is not Chinese", where,
                                 "put the Chinese term in the zh column")
        if not en and "keep" not in flags:
            raise BilingualError(f"no English for '{zh}'", where, "fill in the en column")
        unknown = flags - set(FLAGS)
        if unknown:
            raise BilingualError(f"unknown flag {', '.join(sorted(unknown))}", where,
                                 f"use {', '.join(FLAGS)}")
        if zh in seen and seen[zh][0] != en:
            raise BilingualError(f"'{zh}' is already on line {seen[zh][1]} as '{seen[zh][0]}', "
                                 f"here as '{en}'", where, "keep one rendering")
        seen[zh] = (en, number)
        entries.append(Entry(zh=zh, en=en, category=cells.get("category", ""),
                             note=cells.get("note", ""), variants=_split(cells.get("variants", "")),
                             banned=_split(cells.get("banned", "")),
                             accepted=_split(cells.get("accepted", "")), flags=flags, source=name,
                             line=number))
    return entries


TBX_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse_xml(data: bytes, name: str) -> Any:
    from lxml import etree

    # No entity expansion, no DTD, no network: glossary files come from anywhere.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, dtd_validation=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BilingualError(f"is not valid XML ({exc})", name, "check the TBX file") from exc
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise BilingualError("uses XML entities", name, "expand them before importing")
    return root


def _concept_info(concept: Any) -> tuple[str, str, frozenset[str]]:
    """(category, note, flags) of one TBX concept."""
    note = category = ""
    flags: frozenset[str] = frozenset()
    for el in concept.iter():
        kind, kind_type = _local(el.tag), el.get("type")
        if kind == "descrip" and kind_type == "subjectField":
            category = (el.text or "").strip()
        elif kind == "descrip" and kind_type == "x-bilingual-flags":
            flags = frozenset(f for f in _split((el.text or "").replace(",", "|"))
                              if f in FLAGS)
        elif kind in ("note", "descrip") and kind_type in (None, "definition", "note"):
            note = note or (el.text or "").strip()
    return category, note, flags


def _concept_terms(concept: Any) -> tuple[list[str], list[str], list[str]]:
    """(Chinese terms, English terms, deprecated English terms) of one TBX concept."""
    zh_terms: list[str] = []
    en_terms: list[str] = []
    banned: list[str] = []
    for lang_set in concept:
        if _local(lang_set.tag) not in ("langSet", "langSec"):
            continue
        lang = (lang_set.get(TBX_LANG) or lang_set.get("lang") or "").lower()
        for holder in lang_set.iter():
            if _local(holder.tag) not in ("tig", "ntig", "termSec"):
                continue
            text = next(((t.text or "").strip() for t in holder.iter()
                         if _local(t.tag) == "term"), "")
            deprecated = any(_local(n.tag) == "termNote" and "deprecated" in (n.text or "")
                             for n in holder.iter())
            if text and lang.startswith("zh"):
                zh_terms.append(text)
            elif text and lang.startswith("en"):
                (banned if deprecated else en_terms).append(text)
    return zh_terms, en_terms, banned


def parse_tbx(data: bytes, name: str) -> list[Entry]:
    """TBX (ISO 30042): TBX-Basic/2008 (termEntry/langSet/tig) and TBX v3 (conceptEntry/langSec)."""
    root = _parse_xml(data, name)
    entries: list[Entry] = []
    seen: dict[str, tuple[str, int]] = {}
    for concept in root.iter():
        if _local(concept.tag) not in ("termEntry", "conceptEntry"):
            continue
        line = concept.sourceline or 0
        where = f"{name}: line {line}"
        zh_terms, en_terms, banned = _concept_terms(concept)
        if not zh_terms:
            raise BilingualError("entry without a Chinese term", where, "add a zh langSet")
        if not en_terms:
            raise BilingualError(f"no English for '{zh_terms[0]}'", where, "add an en langSet")
        zh, en = zh_terms[0], en_terms[0]
        if zh in seen and seen[zh][0] != en:
            raise BilingualError(f"'{zh}' is already on line {seen[zh][1]} as '{seen[zh][0]}', "
                                 f"here as '{en}'", where, "keep one rendering")
        seen[zh] = (en, line)
        category, note, flags = _concept_info(concept)
        entries.append(Entry(zh=zh, en=en, category=category, note=note,
                             variants=tuple(dict.fromkeys(zh_terms[1:])), banned=tuple(banned),
                             accepted=tuple(en_terms[1:]), flags=flags, source=name, line=line))
    if not entries:
        raise BilingualError("holds no termEntry or conceptEntry", name, "check the TBX file")
    return entries


def read_glossary_file(path: str | Path) -> list[Entry]:
    p = Path(path)
    name = str(path)
    if not p.is_file():
        raise BilingualError("no such glossary file", name, "check the --glossary path")
    suffix = p.suffix.lower()
    data = p.read_bytes()
    if suffix in (".tbx", ".xml"):
        return parse_tbx(data, name)
    if suffix not in (".tsv", ".csv", ".txt"):
        raise BilingualError(f"unsupported glossary type '{suffix}'", name,
                             "use .tsv, .csv or .tbx")
    try:
        text, _ = decode_bytes(data, name)
    except BilingualError as exc:
        raise BilingualError(exc.problem, name, "save the glossary as UTF-8") from exc
    return parse_table(text, name, "," if suffix == ".csv" else "\t")


def derive_traditional_forms(glossary: Glossary, scripts: ScriptConverter) -> None:
    """Forms that Traditional input takes after t2s, where they differ from the entry.

    Input is matched after t2s; regional vocabulary (tw/hk) can survive t2s in forms the
    glossary does not list, so round-trip each term through the regional configs.
    """
    terms = [zh for zh, e in glossary.entries.items() if "suffix" not in e.flags]
    if not terms:
        return
    joined = "\n".join(terms)
    for to_trad, back in (("s2t", "t2s"), ("s2tw", "tw2s"), ("s2hk", "hk2s"), ("s2twp", "t2s")):
        trad = scripts.convert(to_trad, joined).split("\n")
        if len(trad) != len(terms):
            continue
        simplified = scripts.convert("t2s", "\n".join(trad)).split("\n")
        regional = scripts.convert(back, "\n".join(trad)).split("\n")
        for zh, form_a, form_b in zip(terms, simplified, regional, strict=True):
            for form in (form_a, form_b):
                if form and form != zh and form not in glossary.entries:
                    glossary.derived.setdefault(form, zh)


def carry_overrides(glossary: Glossary) -> None:
    """An override reaches the longer entries of earlier glossaries that contain its term.

    A user who renders 疫情防控 "COVID-19 control" means it in 疫情防控工作 too, where the
    default's "epidemic prevention and control work" would otherwise win (longest match).
    Such an entry takes the new rendering in place of the old one, is credited to the
    override's file and line, and is recorded as shadowed, so `glossary check` lists it.
    An entry whose English does not hold the old rendering is left as it is."""
    changed = {new.zh: (old, new) for old, new in glossary.shadowed
               if old.en and old.en != new.en}
    if not changed:
        return
    longest = max(map(len, changed))
    for zh, entry in list(glossary.entries.items()):
        inner = [changed[zh[i:j]] for i in range(len(zh))
                 for j in range(i + 1, min(len(zh), i + longest) + 1)
                 if zh[i:j] != zh and zh[i:j] in changed]
        en, source, line = entry.en, entry.source, entry.line
        for old, new in inner:
            if entry.source != new.source and old.en.casefold() in en.casefold():
                en = re.sub(re.escape(old.en), new.en.replace("\\", "\\\\"), en, flags=re.I)
                source, line = new.source, new.line
        if en != entry.en:
            updated = replace(entry, en=en, source=source, line=line)
            glossary.entries[zh] = updated
            glossary.shadowed.append((entry, updated))


def load_glossary(paths: Sequence[str | Path] | None = None, include_default: bool = True,
                  scripts: ScriptConverter | None = None) -> Glossary:
    """The default glossary, then each user file in order (later files win, also inside the
    longer entries that contain an overridden term: `carry_overrides`)."""
    glossary = Glossary()
    if include_default:
        glossary.add(parse_table(default_glossary_text(), DEFAULT_NAME, "\t"), DEFAULT_NAME)
    for path in paths or []:
        glossary.add(read_glossary_file(path), str(path))
    carry_overrides(glossary)
    derive_traditional_forms(glossary, scripts or ScriptConverter())
    return glossary
