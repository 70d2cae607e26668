"""Reviewed DOCX back into the pipeline: read the review column, apply it, remember it.

Rows are matched by ID; a row whose Chinese or source hash changed is reported, not applied.
Tracked changes in a review cell are read as accepted (insertions kept, deletions dropped).
python-docx parses with entity resolution off; archives are checked before it opens them.
"""

from __future__ import annotations

import json
import posixpath
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


def read_review_docx(path: str | Path) -> tuple[dict[str, Any], list[ReviewRow]]:
    """The run metadata and the rows of one of our review DOCX files.

    Read as a stream (the package's parts found through its relationships, the document
    parsed row by row and each row freed once read), so memory stays small whatever the
    table's length; python-docx would hold the whole document as objects."""
    import zipfile

    from lxml import etree

    path = Path(path)
    check_archive(path)
    check_parts(path)
    try:
        with zipfile.ZipFile(path) as package:
            main, core = _package_parts(package)
            props = _core_properties(package, core)
            if props.get("subject") != SUBJECT:
                raise BilingualError("is not a bilingual review DOCX", str(path),
                                     "give the .bilingual.docx that `bilingual translate` wrote")
            try:
                meta = json.loads(props.get("description") or "{}")
            except ValueError:
                meta = {}
            meta = {**(meta if isinstance(meta, dict) else {}), "stem": _stem(meta, path)}
            with package.open(main) as stream:
                rows, tables = _stream_rows(stream)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError, ValueError) as exc:
        if isinstance(exc, BilingualError):
            raise
        raise BilingualError(f"cannot be read as .docx ({type(exc).__name__})", str(path),
                             "open it in Word or LibreOffice and save it as .docx") from exc
    if not tables:
        raise BilingualError("has no review table (its header row was changed?)", str(path),
                             "give the .bilingual.docx that `bilingual translate` wrote")
    return meta, rows


_PACKAGE_RELS = "_rels/.rels"
_MAIN_REL = "/officeDocument"
_CORE_REL = "/metadata/core-properties"


def _xml(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def _package_parts(package: Any) -> tuple[str, str]:
    """(main document part, core properties part) named by the package's relationships."""
    found = {"main": "", "core": ""}
    for rel in _xml(package.read(_PACKAGE_RELS)):
        # targets are relative to the package root: "./word/document.xml" and
        # "word/../word/document.xml" name the same part
        kind = rel.get("Type", "")
        target = posixpath.normpath(rel.get("Target", "").lstrip("/")) \
            if rel.get("Target") else ""
        if kind.endswith(_MAIN_REL):
            found["main"] = target
        elif kind.endswith(_CORE_REL):
            found["core"] = target
    if not found["main"]:
        raise KeyError("no main document part")
    return found["main"], found["core"]


_DC = "{http://purl.org/dc/elements/1.1/}"


def _core_properties(package: Any, part: str) -> dict[str, str]:
    """The Dublin Core properties (subject; description, python-docx's `comments`) by name;
    elements of other namespaces are not ours to read."""
    if not part:
        return {}
    return {el.tag[len(_DC):]: el.text or "" for el in _xml(package.read(part))
            if isinstance(el.tag, str) and el.tag.startswith(_DC)}


def _stream_rows(stream: Any) -> tuple[list[ReviewRow], int]:
    """The rows of every table whose header row has our columns (found by title, so that an
    older DOCX without the QA column still reads), and how many such tables there were.
    Other tables (the glossary appendix, anything a reviewer added) are ignored."""
    from lxml import etree

    w = f"{{{_W}}}"
    pieces = _xpath(_PIECES)
    rows: list[ReviewRow] = []
    open_tables: list[dict[str, Any]] = []
    found = 0
    for event, el in etree.iterparse(stream, events=("start", "end"), tag=(w + "tbl", w + "tr"),
                                     resolve_entities=False, no_network=True, huge_tree=True):
        if el.tag == w + "tbl":
            if event == "start":
                open_tables.append({"el": el, "at": None, "row": 0, "number": 0})
            else:
                open_tables.pop()
            continue
        if event != "end" or not open_tables or el.getparent() is not open_tables[-1]["el"]:
            continue
        table = open_tables[-1]
        table["row"] += 1
        cells = [_text_of(tc, pieces) for tc in el.iterchildren(w + "tc")]
        if table["row"] == 1:
            titles = [c.strip() for c in cells]
            if all(c in titles for c in COLUMNS[:6]):
                found += 1
                table["at"], table["number"] = {t: titles.index(t) for t in COLUMNS
                                                if t in titles}, found
        elif table["at"] and len(cells) > max(table["at"].values()):
            rows.append(_row(cells, table["at"], table["row"], table["number"]))
        if len(open_tables) == 1:  # a row of a top-level table, read: free it
            el.clear(keep_tail=True)
            while el.getprevious() is not None:
                del el.getparent()[0]
    return rows, found


def _row(cells: list[str], at: dict[str, int], number: int, table: int) -> ReviewRow:
    id_lines = cells[at["ID"]].split("\n")
    words = id_lines[1].split() if len(id_lines) > 1 else []
    return ReviewRow(id_lines[0].strip(), words[0].lstrip("#") if words else "",
                     cells[at["Chinese"]], cells[at["English (MT)"]],
                     cells[at["English (review)"]].strip(), cells[at["Comment"]].strip(),
                     cells[at["Status"]].strip(), number, table)


def load_aligned(out: Path, stem: str) -> Article:
    """The article as `translate` last wrote it (its aligned JSONL and report)."""
    folder = out / stem
    jsonl = folder / f"{stem}.aligned.jsonl"
    if not jsonl.exists():
        raise BilingualError(f"no {jsonl.name} for this review in {folder}", str(jsonl),
                             "run `bilingual translate` first, or give its output folder with -o")
    segments = [Segment.from_dict(json.loads(line))
                # "\n" only: str.splitlines also breaks at U+2028, U+2029 and U+0085, which
                # JSON carries raw inside strings (a reviewer's line separator)
                for line in jsonl.read_text(encoding="utf-8").split("\n") if line.strip()]
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
