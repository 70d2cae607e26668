"""Reviewed DOCX back into the pipeline: read the review column, apply it, remember it.

Rows are matched by ID; a row whose Chinese or source hash changed is reported, not applied.
Tracked changes in a review cell are read as accepted (insertions kept, deletions dropped).
python-docx parses with entity resolution off; archives are checked before it opens them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilingual.errors import BilingualError
from bilingual.ingest.archive import check_archive, check_parts
from bilingual.records import Article, Segment
from bilingual.render.docx import COLUMNS, SUBJECT, source_hash

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
    row: int


@dataclass
class ReviewResult:
    article: Article
    applied: list[str] = field(default_factory=list)  # reviewed ids
    approved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)  # Chinese or hash changed: not applied
    added: list[str] = field(default_factory=list)  # rows in the DOCX we never wrote
    deleted: list[str] = field(default_factory=list)  # our rows missing from the DOCX

    def problems(self) -> list[str]:
        out = [f"{i}: the Chinese or its hash changed; not applied" for i in self.mismatched]
        out += [f"{i}: a row bilingual did not write; ignored" for i in self.added]
        out += [f"{i}: the row was deleted; the segment keeps its translation"
                for i in self.deleted]
        return out


def _text_of(element: Any) -> str:
    """Text of a cell with tracked changes accepted: w:ins kept, w:del and w:moveFrom dropped."""
    from docx.oxml.ns import qn

    dropped = {qn("w:del"), qn("w:moveFrom")}
    paragraphs = []
    for p in element.iter(qn("w:p")):
        parts = []
        for node in p.iter():
            if node.tag in (qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
                ancestor = node.getparent()
                skip = False
                while ancestor is not None and ancestor is not p:
                    if ancestor.tag in dropped:
                        skip = True
                        break
                    ancestor = ancestor.getparent()
                if skip:
                    continue
                parts.append(node.text or "" if node.tag == qn("w:t") else
                             "\t" if node.tag == qn("w:tab") else "\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


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
    if props.subject != SUBJECT or "stem" not in meta:
        raise BilingualError("is not a bilingual review DOCX", str(path),
                             "give the .bilingual.docx that `bilingual translate` wrote")
    table = next((t for t in document.tables if t.rows and
                  tuple(_text_of(c._tc).strip() for c in t.rows[0].cells) == COLUMNS), None)
    if table is None:
        raise BilingualError("has no review table (its header row was changed?)", str(path),
                             "give the .bilingual.docx that `bilingual translate` wrote")
    rows = []
    for number, row in enumerate(table.rows[1:], start=2):
        cells = [_text_of(c._tc) for c in row.cells]
        if len(cells) != len(COLUMNS):
            continue
        id_lines = cells[0].split("\n")
        seg_id = id_lines[0].strip()
        digest = id_lines[1].split()[0].lstrip("#") if len(id_lines) > 1 and id_lines[1] else ""
        rows.append(ReviewRow(seg_id, digest, cells[1], cells[2], cells[3].strip(),
                              cells[4].strip(), cells[5].strip(), number))
    return meta, rows


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


def apply_review(article: Article, rows: list[ReviewRow]) -> ReviewResult:
    result = ReviewResult(article)
    by_id = {s.id: s for s in article.segments}
    seen = set()
    for row in rows:
        seg = by_id.get(row.id)
        if seg is None or not seg.translate:
            result.added.append(row.id or f"row {row.row}")
            continue
        seen.add(row.id)
        shown = (seg.zh_display or seg.zh).strip()
        if row.hash != source_hash(seg.zh) or row.zh.strip() != shown:
            result.mismatched.append(row.id)
            continue
        mt = seg.en_mt if seg.en_mt is not None else (seg.en or "")
        if row.comment:
            seg.meta = {**seg.meta, "review_comment": row.comment}
        status_word = row.status.split("\n")[0].strip().casefold()
        if row.review != (seg.en or "").strip():
            seg.en_mt = mt
            seg.en, seg.state, seg.origin = row.review, "reviewed", "human"
            result.applied.append(seg.id)
        elif status_word in APPROVED_WORDS:
            seg.en_mt = mt
            seg.state, seg.origin = "approved", "human"
            result.approved.append(seg.id)
        else:
            result.unchanged.append(seg.id)
    for seg in article.segments:
        if seg.translate and seg.kind != "boilerplate" and seg.id not in seen \
                and seg.id not in result.added:
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


def diff_review(rows: list[ReviewRow]) -> list[Change]:
    """What the reviewer changed, row by row (the DOCX against its own MT column)."""
    changes = []
    for row in rows:
        status = row.status.split("\n")[0].strip()
        if row.review != row.mt.strip() or row.comment or \
                status.casefold() in APPROVED_WORDS:
            changes.append(Change(row.id, row.zh, row.mt.strip(), row.review, status, row.comment))
    return changes


def previous_run(out: Path, stem: str) -> dict[str, Any]:
    report = out / stem / f"{stem}.report.json"
    try:
        return json.loads(report.read_text(encoding="utf-8")).get("run", {})
    except (OSError, ValueError):
        return {}
