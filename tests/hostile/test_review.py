"""Hostile reviewed DOCX files through `bilingual review import` (built by running
`translate --engine none` and editing its review DOCX with python-docx)."""

from __future__ import annotations

import copy
import json
import re
import shutil

import pytest

from .conftest import FAST, Snapshot, assert_no_crash, assert_one_line_error, jsonl_rows

HEADER = ("ID", "Chinese", "English (MT)", "English (review)", "Comment", "Status", "QA")


@pytest.fixture
def review(cli, tmp_path, article):
    """(output folder, a copy of the review DOCX to edit)."""
    out = tmp_path / "out"
    result = cli("translate", article, "-o", out, "--engine", "none", "--no-tm", *FAST,
                 timeout=60)
    assert result.returncode == 0, result
    reviewed = tmp_path / "reviewed.docx"
    shutil.copy(out / "article" / "article.bilingual.docx", reviewed)
    return out, reviewed


def _doc(path):
    import docx

    return docx.Document(str(path))


def _table(document):
    return next(t for t in document.tables
                if tuple(c.text.strip() for c in t.rows[0].cells) == HEADER)


def _row_for(table, seg_id):
    return next(r for r in table.rows[1:] if r.cells[0].text.split("\n")[0].strip() == seg_id)


def _first_body_id(out) -> str:
    rows = jsonl_rows(out / "article" / "article.aligned.jsonl")
    return next(r["id"] for r in rows if r["kind"] == "body" and r["translate"])


def _set_comment(path, value: str) -> None:
    document = _doc(path)
    document.core_properties.comments = value
    document.save(str(path))


def _import(cli, reviewed, out):
    return cli("review", "import", reviewed, "-o", out, "--no-tm", timeout=60)


COMMENTS = {
    "json-list": lambda tmp: '["stem"]',
    "integer": lambda tmp: "5",
    "stem-integer": lambda tmp: '{"format": 1, "stem": 5}',
    "stem-null": lambda tmp: '{"format": 1, "stem": null}',
    "stem-empty": lambda tmp: '{"format": 1, "stem": ""}',
}

@pytest.mark.parametrize("kind", list(COMMENTS))
def test_hostile_core_properties_comment(cli, tmp_path, review, kind):
    out, reviewed = review
    _set_comment(reviewed, COMMENTS[kind](tmp_path))
    snap = Snapshot(tmp_path)
    result = _import(cli, reviewed, out)
    assert_one_line_error(result, whole_stderr=True)
    assert snap.changed_outside() == []


@pytest.mark.parametrize("kind", [
    "absolute-stem",
    "dotdot-stem",
])
def test_stem_escaping_output_folder(cli, tmp_path, review, kind):
    """The comment's stem points at another output (planted beside -o): import must refuse,
    and nothing outside -o may change."""
    out, reviewed = review
    jsonl = out / "article" / "article.aligned.jsonl"
    if kind == "absolute-stem":
        victim = tmp_path / "victim" / "v"
        stem = str(victim)
        victim.mkdir(parents=True)
        shutil.copy(jsonl, victim.parent / "v.aligned.jsonl")
    else:
        stem = "../v"
        (tmp_path / "v").mkdir()
        shutil.copy(jsonl, tmp_path / "v.aligned.jsonl")
    _set_comment(reviewed, json.dumps({"format": 1, "stem": stem}))
    snap = Snapshot(tmp_path, ignore=(out,))
    result = _import(cli, reviewed, out)
    changed = snap.changed_outside()
    assert changed == [], changed
    assert_one_line_error(result, whole_stderr=True)


def test_duplicated_row_reported_not_applied(cli, review):
    out, reviewed = review
    seg = _first_body_id(out)
    document = _doc(reviewed)
    table = _table(document)
    row = _row_for(table, seg)
    twin = copy.deepcopy(row._tr)
    row._tr.addnext(twin)
    document.save(str(reviewed))
    document = _doc(reviewed)
    table = _table(document)
    rows = [r for r in table.rows[1:] if r.cells[0].text.split("\n")[0].strip() == seg]
    assert len(rows) == 2
    rows[0].cells[3].text = "English A."
    rows[1].cells[3].text = "English B."
    document.save(str(reviewed))
    result = _import(cli, reviewed, out)
    assert_no_crash(result)
    assert re.search(rf"{re.escape(seg)}.*(duplicat|twice|more than once)", result.stdout +
                     result.stderr, re.I), result
    en = {r["id"]: r["en"] for r in jsonl_rows(out / "article" / "article.aligned.jsonl")}
    assert en[seg] not in ("English A.", "English B."), en[seg]


def test_id_cell_second_line_space(cli, review):
    out, reviewed = review
    seg = _first_body_id(out)
    document = _doc(reviewed)
    row = _row_for(_table(document), seg)
    cell = row.cells[0]
    for p in cell.paragraphs[1:]:
        p._p.getparent().remove(p._p)
    cell.paragraphs[0].text = seg
    cell.add_paragraph(" ")
    row.cells[3].text = "Reviewed English."
    document.save(str(reviewed))
    result = _import(cli, reviewed, out)
    assert_no_crash(result)
    assert "Traceback" not in result.stderr


def test_second_table_rows_not_deleted(cli, review):
    out, reviewed = review
    document = _doc(reviewed)
    table = _table(document)
    tbl = table._tbl
    second = copy.deepcopy(tbl)
    rows = tbl.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr")
    half = 1 + (len(rows) - 1) // 2
    for tr in rows[half:]:
        tbl.remove(tr)
    rows2 = second.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr")
    for tr in rows2[1:half]:
        second.remove(tr)
    spacer = copy.deepcopy(document.paragraphs[-1]._p)
    tbl.addnext(spacer)
    spacer.addnext(second)
    document.save(str(reviewed))
    result = _import(cli, reviewed, out)
    assert_no_crash(result)
    assert result.returncode == 0, result
    assert re.search(r"\b0 deleted", result.stdout), result
    assert "was deleted" not in result.stdout


def test_review_import_sanity(cli, review):
    """The unedited review DOCX imports cleanly (baseline for the cases above)."""
    out, reviewed = review
    result = _import(cli, reviewed, out)
    assert result.returncode == 0, result
    assert re.search(r"\b0 deleted", result.stdout), result


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_line_separators_a_reviewer_types_survive_a_second_import(cli, review, separator):
    """JSON carries U+2028/U+2029/U+0085 raw: the aligned JSONL is split on "\\n" only, so
    the next import still reads what the first wrote."""
    out, reviewed = review
    seg_id = _first_body_id(out)
    document = _doc(reviewed)
    _row_for(_table(document), seg_id).cells[3].text = f"Party{separator}members act."
    document.save(str(reviewed))
    first = _import(cli, reviewed, out)
    assert first.returncode == 0, first
    again = cli("review", "import", reviewed, "-o", out, "--no-tm", "--force", timeout=60)
    assert_no_crash(again)
    assert again.returncode == 0, again
    rows = {r["id"]: r for r in jsonl_rows(out / "article" / "article.aligned.jsonl")}
    assert rows[seg_id]["en"].startswith("Party") and rows[seg_id]["en"].endswith("act.")
