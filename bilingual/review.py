"""Reviewed DOCX back into the pipeline: read the review column, apply it, remember it.

Rows are matched by ID; a row whose Chinese or source hash changed is reported, not applied.
Tracked changes in a review cell are read as accepted (insertions kept, deletions dropped).
python-docx parses with entity resolution off; archives are checked before it opens them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilingual.errors import BilingualError
from bilingual.ingest.archive import check_archive, check_parts
from bilingual.records import SEGMENT_STATES, Article, Segment
from bilingual.render.docx import COLUMNS, NOT_TRANSLATED, SUBJECT, source_hash

KNOWN_STATUS = {*SEGMENT_STATES, NOT_TRANSLATED}
FINDING_LINE = re.compile(r"^[a-z][a-z-]*: ")  # QA lines that Status cells of format 1 held
APPROVED_WORDS = {"approved", "approve", "ok", "okay", "yes", "✓", "✔", "通过", "同意", "确认"}


@dataclass
class ReviewRow:
    id: str
    hash: str
    zh: str
    mt: str
    review: str
    comment: str
    status: str
    row: int  # 1 is the header row
    table: int = 1  # review tables counted from 1 (a reviewer may have split or copied one)

    @property
    def where(self) -> str:
        return f"row {self.row}" if self.table == 1 else f"table {self.table} row {self.row}"


@dataclass
class ReviewResult:
    article: Article
    applied: list[str] = field(default_factory=list)  # reviewed ids
    approved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)  # Chinese or hash changed: not applied
    added: list[str] = field(default_factory=list)  # rows in the DOCX we never wrote
    deleted: list[str] = field(default_factory=list)  # our rows missing from the DOCX
    conflicting: list[tuple[str, str]] = field(default_factory=list)  # (id, where): repeated IDs
    unread: list[tuple[str, str, str]] = field(default_factory=list)  # (id, where, Status line)
    ignored: list[str] = field(default_factory=list)  # text typed into untranslated rows

    def problems(self) -> list[str]:
        out = [f"{i}: the Chinese or its hash changed; not applied" for i in self.mismatched]
        out += [f"{i} ({at}): duplicated ID: it stands in several rows that differ; none applied"
                for i, at in self.conflicting]
        out += [f"{i} ({at}): Status {line!r} not understood; write 'approved' to approve"
                for i, at, line in self.unread]
        out += [f"{i}: not translated (boilerplate); what was typed there is ignored"
                for i in self.ignored]
        out += [f"{i}: a row bilingual did not write; ignored" for i in self.added]
        out += [f"{i}: the row was deleted; the segment keeps its translation"
                for i in self.deleted]
        return out


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_KEPT = "[not(ancestor::w:del or ancestor::w:moveFrom)]"  # tracked changes, accepted
_PIECES = f".//w:r/w:t{_KEPT} | .//w:r/w:tab{_KEPT} | .//w:r/w:br{_KEPT} | .//w:r/w:cr{_KEPT}"


def _xpath(expression: str) -> Any:
    from lxml import etree

    return etree.XPath(expression, namespaces={"w": _W})


def _text_of(element: Any, pieces: Any = None) -> str:
    """Text of a cell with tracked changes accepted: w:ins kept, w:del and w:moveFrom dropped
    (their text is w:delText, and anything else inside them is skipped too)."""
    pieces = pieces or _xpath(_PIECES)
    t_tag, tab_tag = f"{{{_W}}}t", f"{{{_W}}}tab"
    paragraphs = []
    for p in element.iter(f"{{{_W}}}p"):
        paragraphs.append("".join(n.text or "" if n.tag == t_tag else "\t" if n.tag == tab_tag
                                  else "\n" for n in pieces(p)))
    return "\n".join(paragraphs)


def _stem(meta: Any, path: Path) -> str:
    """The article the DOCX says it belongs to. Never trusted as a path: a plain folder name
    or a one-line error (the folder itself must then exist in the output folder)."""
    stem = meta.get("stem") if isinstance(meta, dict) else None
    if not isinstance(stem, str) or not stem.strip() or stem in (".", "..") or \
            any(c in stem for c in "/\\\0:") or stem != stem.strip():
        raise BilingualError("is not a bilingual review DOCX (its properties name no article)",
                             str(path), "give the .bilingual.docx that `bilingual translate` wrote")
    return stem


def _review_tables(document: Any) -> list[tuple[Any, dict[str, int]]]:
    """Every table whose header row has our columns, with each column's position (found by
    its title, so that an older DOCX without the QA column still reads). Other tables (the
    glossary appendix, anything a reviewer added) are ignored."""
    found = []
    pieces = _xpath(_PIECES)
    for table in document.element.body.iter(f"{{{_W}}}tbl"):
        first = next(table.iterchildren(f"{{{_W}}}tr"), None)
        if first is None:
            continue
        titles = [_text_of(tc, pieces).strip() for tc in first.iterchildren(f"{{{_W}}}tc")]
        if all(c in titles for c in COLUMNS[:6]):
            found.append((table, {t: titles.index(t) for t in COLUMNS if t in titles}))
    return found


def read_review_docx(path: str | Path) -> tuple[dict[str, Any], list[ReviewRow]]:
    """The run metadata and the rows of one of our review DOCX files."""
    path = Path(path)
    check_archive(path)
    check_parts(path)
    from docx import Document

    try:
        document = Document(str(path))
    except Exception as exc:  # python-docx raises many types for broken packages
        raise BilingualError(f"cannot be read as .docx ({type(exc).__name__})", str(path),
                             "open it in Word or LibreOffice and save it as .docx") from exc
    props = document.core_properties
    try:
        meta = json.loads(props.comments or "{}")
    except ValueError:
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    if props.subject != SUBJECT:
        raise BilingualError("is not a bilingual review DOCX", str(path),
                             "give the .bilingual.docx that `bilingual translate` wrote")
    meta = {**meta, "stem": _stem(meta, path)}
    tables = _review_tables(document)
    if not tables:
        raise BilingualError("has no review table (its header row was changed?)", str(path),
                             "give the .bilingual.docx that `bilingual translate` wrote")
    return meta, _rows(tables)


def _rows(tables: list[tuple[Any, dict[str, int]]]) -> list[ReviewRow]:
    pieces = _xpath(_PIECES)
    rows = []
    for number_of_table, (table, at) in enumerate(tables, start=1):
        for number, tr in enumerate(list(table.iterchildren(f"{{{_W}}}tr"))[1:], start=2):
            cells = [_text_of(tc, pieces) for tc in tr.iterchildren(f"{{{_W}}}tc")]
            if len(cells) <= max(at.values()):
                continue
            id_lines = cells[at["ID"]].split("\n")
            seg_id = id_lines[0].strip()
            words = id_lines[1].split() if len(id_lines) > 1 else []
            digest = words[0].lstrip("#") if words else ""
            rows.append(ReviewRow(seg_id, digest, cells[at["Chinese"]], cells[at["English (MT)"]],
                                  cells[at["English (review)"]].strip(),
                                  cells[at["Comment"]].strip(), cells[at["Status"]].strip(),
                                  number, number_of_table))
    return rows


def load_aligned(out: Path, stem: str) -> Article:
    """The article as `translate` last wrote it (its aligned JSONL and report)."""
    folder = out / stem
    jsonl = folder / f"{stem}.aligned.jsonl"
    if not jsonl.exists():
        raise BilingualError(f"no {jsonl.name} for this review in {folder}", str(jsonl),
                             "run `bilingual translate` first, or give its output folder with -o")
    segments = [Segment.from_dict(json.loads(line))
                for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = folder / f"{stem}.report.json"
    info: dict[str, Any] = {}
    if report.exists():
        info = json.loads(report.read_text(encoding="utf-8")).get("article", {})
    script = info.get("script", "simplified")
    return Article(path=info.get("path", stem), stem=stem, encoding=info.get("encoding", ""),
                   format=info.get("format", ""), script=script, segments=segments,
                   meta=info.get("meta", {}))


def _bare(word: str) -> str:
    return "".join(c for c in word if not unicodedata.category(c).startswith("P"))


def read_status(text: str) -> tuple[bool, list[str]]:
    """(approved, the lines that could not be read) of a Status cell. An approval is a line
    made only of approval words, in any case, punctuation ignored (`Approved.`,
    `approved ✓`); our own status words and QA finding lines are known; anything else is
    reported rather than guessed at."""
    approved, unread = False, []
    for line in text.splitlines():
        words = [w for w in (_bare(w) for w in line.casefold().split()) if w]
        if not words:
            continue
        if all(w in APPROVED_WORDS for w in words):
            approved = True
        elif " ".join(words) not in KNOWN_STATUS and not FINDING_LINE.match(line.strip()):
            unread.append(line.strip())
    return approved, unread


def _distinct(rows: list[ReviewRow], result: ReviewResult) -> list[ReviewRow]:
    """One row per ID. A repeated row that says the same is read once; rows that disagree
    (another English, comment or status) are all reported and none applied."""
    by_id: dict[str, list[ReviewRow]] = {}
    for row in rows:
        by_id.setdefault(row.id, []).append(row)
    kept = []
    for seg_id, group in by_id.items():
        variants = {(r.review, r.comment, r.status) for r in group}
        if seg_id and len(variants) > 1:
            result.conflicting.extend((seg_id, r.where) for r in group)
        else:
            kept.append(group[0])
    return kept


def _apply_row(seg: Segment, row: ReviewRow, result: ReviewResult) -> None:
    mt = seg.en_mt if seg.en_mt is not None else (seg.en or "")
    if row.comment:
        seg.meta = {**seg.meta, "review_comment": row.comment}
    approved, unread = read_status(row.status)
    result.unread.extend((seg.id, row.where, line) for line in unread)
    if row.review != (seg.en or "").strip():
        seg.en_mt = mt
        seg.en, seg.state, seg.origin = row.review, "reviewed", "human"
        result.applied.append(seg.id)
    elif approved:
        seg.en_mt = mt
        seg.state, seg.origin = "approved", "human"
        result.approved.append(seg.id)
    else:
        result.unchanged.append(seg.id)


def apply_review(article: Article, rows: list[ReviewRow]) -> ReviewResult:
    result = ReviewResult(article)
    by_id = {s.id: s for s in article.segments}
    seen = set()
    for row in _distinct(rows, result):
        seg = by_id.get(row.id)
        if seg is None:
            result.added.append(row.id or row.where)
            continue
        seen.add(row.id)
        if not seg.translate:  # a greyed boilerplate row: shown, never read back
            if row.review or row.comment:
                result.ignored.append(seg.id)
            continue
        shown = (seg.zh_display or seg.zh).strip()
        if row.hash != source_hash(seg.zh) or row.zh.strip() != shown:
            result.mismatched.append(row.id)
            continue
        _apply_row(seg, row, result)
    conflicting = {i for i, _ in result.conflicting}
    for seg in article.segments:
        if seg.translate and seg.id not in seen and seg.id not in conflicting:
            result.deleted.append(seg.id)
    return result


def human_pairs(result: ReviewResult) -> list[tuple[str, str]]:
    """(source, target) pairs a reviewer wrote or approved: for the translation memory."""
    ids = set(result.applied) | set(result.approved)
    return [(s.zh_simplified, s.en or "") for s in result.article.segments
            if s.id in ids and s.en]


@dataclass
class Change:
    id: str
    zh: str
    mt: str
    review: str
    status: str
    comment: str
    unread: list[str] = field(default_factory=list)  # Status lines that could not be read


def diff_review(rows: list[ReviewRow]) -> list[Change]:
    """What the reviewer changed, row by row (the DOCX against its own MT column)."""
    changes = []
    for row in rows:
        approved, unread = read_status(row.status)
        if row.review != row.mt.strip() or row.comment or approved or unread:
            status = "approved" if approved else ""
            changes.append(Change(row.id, row.zh, row.mt.strip(), row.review, status, row.comment,
                                  unread))
    return changes


def previous_run(out: Path, stem: str) -> dict[str, Any]:
    report = out / stem / f"{stem}.report.json"
    try:
        return json.loads(report.read_text(encoding="utf-8")).get("run", {})
    except (OSError, ValueError):
        return {}
