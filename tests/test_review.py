"""Review round trip: a reviewer edits the DOCX (python-docx, tracked changes included)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from helpers import translate_files
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.ingest.article import load_article
from bilingual.terms.annotate import annotate, load_term_tools
from bilingual.testing import ScriptedEngine
from bilingual.tm import TranslationMemory
from bilingual.translate import translate_segments

runner = CliRunner()
STEM = "long_article"


@pytest.fixture(scope="module")
def tools():
    return load_term_tools()


@pytest.fixture
def translated(tools, tmp_path: Path, fixtures: Path) -> Path:
    out = tmp_path / "out"
    translate_files([fixtures / f"{STEM}.txt"], out, ScriptedEngine("copy"), None, tools)
    return out


def docx_path(out: Path) -> Path:
    return out / STEM / f"{STEM}.bilingual.docx"


def rows_by_id(document) -> dict:
    table = document.tables[0]
    return {row.cells[0].paragraphs[0].text: row for row in table.rows[1:]}


def set_text(cell, text: str) -> None:
    paragraph = cell.paragraphs[0]
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    paragraph.add_run(text)


def tracked_change(cell, new_text: str) -> None:
    """Replace the cell's text as Word does with Track Changes on."""
    p = cell.paragraphs[0]._p
    old = cell.paragraphs[0].text
    for r in list(p.findall(qn("w:r"))):
        p.remove(r)
    deletion = OxmlElement("w:del")
    deletion.set(qn("w:id"), "901")
    deletion.set(qn("w:author"), "Reviewer")
    run = OxmlElement("w:r")
    deleted = OxmlElement("w:delText")
    deleted.text = old
    run.append(deleted)
    deletion.append(run)
    insertion = OxmlElement("w:ins")
    insertion.set(qn("w:id"), "902")
    insertion.set(qn("w:author"), "Reviewer")
    run2 = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = new_text
    run2.append(text)
    insertion.append(run2)
    p.append(deletion)
    p.append(insertion)


def review(out: Path, target: Path) -> None:
    document = Document(str(docx_path(out)))
    rows = rows_by_id(document)
    set_text(rows["p1.s1"].cells[3], "Moumou County CPC Congress Closes")
    rows["p1.s1"].cells[4].paragraphs[0].add_run("headline style")
    tracked_change(rows["p5.s2"].cells[3], "Quorum: 275 of 280 delegates attended.")
    set_text(rows["p6.s1"].cells[5], "approved")
    set_text(rows["p9.s1"].cells[1], "篡改的中文")  # the Chinese must not change
    table = document.tables[0]
    table._tbl.remove(rows["p10.s1"]._tr)  # a deleted row
    extra = table.add_row()
    extra.cells[0].paragraphs[0].add_run("p99.s1")
    document.save(str(target))


def test_round_trip(translated: Path, tmp_path: Path, fixtures: Path, tools) -> None:
    reviewed = tmp_path / "reviewed.docx"
    review(translated, reviewed)
    tm = tmp_path / "tm.sqlite"

    diff = runner.invoke(app, ["review", "diff", str(reviewed)])
    assert diff.exit_code == 0, diff.output
    assert "+ Moumou County CPC Congress Closes" in diff.stdout
    assert "+ Quorum: 275 of 280 delegates attended." in diff.stdout
    assert "status: approved" in diff.stdout and "comment: headline style" in diff.stdout

    result = runner.invoke(app, ["review", "import", str(reviewed), "-o", str(translated),
                                 "--tm", str(tm)])
    assert result.exit_code == 0, result.output
    assert "2 reviewed, 1 approved" in result.stdout
    assert "p9.s1: the Chinese or its hash changed; not applied" in result.stdout
    assert "p99.s1: a row bilingual did not write; ignored" in result.stdout
    assert "p10.s1: the row was deleted" in result.stdout

    records = {r["id"]: r for r in map(json.loads, (translated / STEM / f"{STEM}.aligned.jsonl")
                                       .read_text(encoding="utf-8").splitlines())}
    assert records["p1.s1"]["en"] == "Moumou County CPC Congress Closes"
    assert records["p1.s1"]["state"] == "reviewed" and records["p1.s1"]["origin"] == "human"
    assert records["p1.s1"]["en_mt"].startswith("The report mentions")
    assert records["p5.s2"]["en"] == "Quorum: 275 of 280 delegates attended."
    assert records["p6.s1"]["state"] == "approved"
    assert records["p9.s1"]["state"] == "mt"
    english = (translated / STEM / f"{STEM}.en.txt").read_text(encoding="utf-8")
    assert english.startswith("Moumou County CPC Congress Closes")
    xliff = (translated / STEM / f"{STEM}.xlf").read_text(encoding="utf-8")
    assert 'id="p1.s1" state="reviewed"' in xliff and 'id="p6.s1" state="final"' in xliff
    report = json.loads((translated / STEM / f"{STEM}.report.json").read_text(encoding="utf-8"))
    assert report["review"]["reviewed"] == ["p1.s1", "p5.s2"]

    # the regenerated DOCX shows the review next to the MT
    again = rows_by_id(Document(str(docx_path(translated))))
    assert again["p1.s1"].cells[3].text == "Moumou County CPC Congress Closes"
    assert again["p1.s1"].cells[2].text.startswith("The report mentions")
    assert again["p1.s1"].cells[4].text == "headline style"

    # the next translation of the same sentences reuses the human translations
    article = load_article(fixtures / f"{STEM}.txt")
    annotate(article.segments, tools)
    with TranslationMemory(tm) as memory:
        translate_segments(article.segments, ScriptedEngine("copy"), memory, tools.fingerprint,
                           tools.glossary)
    title = article.segments[0]
    assert (title.en, title.state, title.from_tm) == ("Moumou County CPC Congress Closes",
                                                      "reviewed", True)


def test_reviewer_saved_over_the_output(translated: Path, tmp_path: Path) -> None:
    target = docx_path(translated)
    review(translated, target)
    before = target.read_bytes()
    result = runner.invoke(app, ["review", "import", str(target), "-o", str(translated), "--no-tm"])
    assert result.exit_code == 0, result.output
    assert "kept" in result.stdout and target.read_bytes() == before
    forced = runner.invoke(app, ["review", "import", str(target), "-o", str(translated),
                                 "--no-tm", "--force"])
    assert forced.exit_code == 0 and target.read_bytes() != before


def zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_bytes(b"not a zip at all"), "is not a .docx file"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "password-protected"),
    (lambda p: Document().save(str(p)), "is not a bilingual review DOCX"),
    (zip_bomb, "zip bomb"),
    (lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * 100), "is not a .docx file"),
])
def test_bad_review_files(translated: Path, tmp_path: Path, make, message: str) -> None:
    bad = tmp_path / "bad.docx"
    make(bad)
    before = sorted(p.name for p in (translated / STEM).iterdir())
    result = runner.invoke(app, ["review", "import", str(bad), "-o", str(translated), "--no-tm"])
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert sorted(p.name for p in (translated / STEM).iterdir()) == before


def test_review_needs_the_translate_outputs(translated: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["review", "import", str(docx_path(translated)), "-o",
                                 str(tmp_path / "elsewhere"), "--no-tm"])
    assert result.exit_code == 2 and "run `bilingual translate` first" in result.stderr
