"""Review round trip: a reviewer edits the DOCX (python-docx, tracked changes included)."""

from __future__ import annotations

import copy
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


def add_line(cell, text: str) -> None:
    """A new paragraph in the cell, as a reviewer pressing Enter and typing does."""
    cell.add_paragraph().add_run(text)


def import_cli(docx: Path, out: Path):
    result = runner.invoke(app, ["review", "import", str(docx), "-o", str(out), "--no-tm"])
    assert result.exit_code == 0, result.output
    return result.stdout


def aligned(out: Path) -> dict:
    return {r["id"]: r for r in map(json.loads, (out / STEM / f"{STEM}.aligned.jsonl")
                                    .read_text(encoding="utf-8").splitlines())}


def test_status_cell_approval_on_any_line(translated: Path, tmp_path: Path) -> None:
    document = Document(str(docx_path(translated)))
    rows = rows_by_id(document)
    status = document.tables[0].rows[0].cells[5]
    assert status.text == "Status" and rows["p6.s1"].cells[5].text == "mt"  # one job: the status
    add_line(rows["p6.s1"].cells[5], "approved")  # under the status word, on a new line
    set_text(rows["p6.s2"].cells[5], "Approved.")
    set_text(rows["p8.s1"].cells[5], "Approved ✓")
    add_line(rows["p9.s1"].cells[5], "OK!")
    add_line(rows["p9.s2"].cells[5], "not sure about this one")
    set_text(rows["p10.s1"].cells[5], "approved by Li")
    reviewed = tmp_path / "reviewed.docx"
    document.save(str(reviewed))

    diff = runner.invoke(app, ["review", "diff", str(reviewed)])
    assert diff.exit_code == 0, diff.output
    assert diff.stdout.count("status: approved") == 4
    assert "status not understood: 'not sure about this one'" in diff.stdout
    assert "status not understood: 'approved by Li'" in diff.stdout

    said = import_cli(reviewed, translated)
    assert "0 reviewed, 4 approved" in said and "2 Status texts not understood" in said
    assert "p9.s2 (row 14): Status 'not sure about this one' not understood" in said
    assert "p10.s1 (row 15): Status 'approved by Li' not understood" in said
    states = {i: r["state"] for i, r in aligned(translated).items()}
    assert [i for i, s in states.items() if s == "approved"] == ["p6.s1", "p6.s2", "p8.s1",
                                                                 "p9.s1"]
    assert states["p9.s2"] == states["p10.s1"] == "mt"


def with_comments(docx: Path, target: Path, comments: str) -> Path:
    document = Document(str(docx))
    document.core_properties.comments = comments
    document.save(str(target))
    return target


@pytest.mark.parametrize("comments", [
    json.dumps({"format": 2, "stem": "/etc"}),
    json.dumps({"format": 2, "stem": "../long_article"}),
    json.dumps({"format": 2, "stem": ["long_article"]}),
    json.dumps({"format": 2, "stem": 7}),
    json.dumps(["long_article"]),
    "12",
])
def test_stem_in_the_properties_is_never_a_path(translated: Path, tmp_path: Path,
                                                comments: str) -> None:
    bad = with_comments(docx_path(translated), tmp_path / "bad.docx", comments)
    before = sorted(p.name for p in (translated / STEM).iterdir())
    result = runner.invoke(app, ["review", "import", str(bad), "-o", str(translated), "--no-tm"])
    assert result.exit_code == 2, result.output
    assert "is not a bilingual review DOCX" in result.stderr and result.stderr.count("\n") == 1
    assert sorted(p.name for p in (translated / STEM).iterdir()) == before


def test_stem_of_another_article_needs_its_folder(translated: Path, tmp_path: Path) -> None:
    other = with_comments(docx_path(translated), tmp_path / "other.docx",
                          json.dumps({"format": 2, "stem": "no_such_article"}))
    result = runner.invoke(app, ["review", "import", str(other), "-o", str(translated), "--no-tm"])
    assert result.exit_code == 2 and "run `bilingual translate` first" in result.stderr


def copy_row(table, tr) -> None:
    table._tbl.append(copy.deepcopy(tr))


def test_hostile_tables(translated: Path, tmp_path: Path) -> None:
    """Repeated rows that disagree are reported and not applied; a second copy of the table,
    another table, and an ID cell whose hash line is a space do no harm."""
    document = Document(str(docx_path(translated)))
    table = document.tables[0]
    rows = rows_by_id(document)
    set_text(rows["p1.s1"].cells[3], "First version")
    copy_row(table, rows["p1.s1"]._tr)
    twin = table.rows[-1]
    set_text(twin.cells[3], "Second version")  # the same ID, another English
    copy_row(table, rows["p6.s1"]._tr)  # the same row twice, the same text: harmless
    id_cell = rows["p5.s2"].cells[0]
    for extra in id_cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    id_cell.add_paragraph(" ")  # a hash line that is a space
    body = document.element.body
    body.append(copy.deepcopy(table._tbl))  # a second copy of the whole review table
    other = document.add_table(rows=2, cols=2)  # and an unrelated table
    other.cell(0, 0).text, other.cell(1, 0).text = "Notes", "p3.s1"
    reviewed = tmp_path / "reviewed.docx"
    document.save(str(reviewed))

    said = import_cli(reviewed, translated)
    assert "p1.s1 (row 2): duplicated ID: it stands in several rows that differ; none applied" in said
    assert "p1.s1 (row 30): duplicated ID: it stands in several rows that differ; none applied" in said
    assert "p1.s1 (table 2 row 30): duplicated ID" in said
    assert "p5.s2: the Chinese or its hash changed; not applied" in said
    assert "deleted" not in said.replace("0 deleted rows", "")
    assert "added" not in said.replace("0 added", "")
    records = aligned(translated)
    assert records["p1.s1"]["state"] == "mt" and records["p6.s1"]["state"] == "mt"


def test_qa_recomputed_on_the_reviewed_text(translated: Path, tmp_path: Path) -> None:
    """term-missing follows the reviewer's English: raised where a term was dropped, and
    gone again once the reviewer puts it back."""
    term = "presidium of the congress"
    before = aligned(translated)["p6.s1"]
    assert term in before["en"] and not before["flags"]
    document = Document(str(docx_path(translated)))
    set_text(rows_by_id(document)["p6.s1"].cells[3], "The meeting was chaired by a committee.")
    reviewed = tmp_path / "reviewed.docx"
    document.save(str(reviewed))
    import_cli(reviewed, translated)
    flags = aligned(translated)["p6.s1"]["flags"]
    assert [f["check"] for f in flags] == ["term-missing"]
    regenerated = rows_by_id(Document(str(docx_path(translated))))["p6.s1"]
    assert regenerated.cells[6].text.startswith("term-missing")

    document = Document(str(docx_path(translated)))
    set_text(rows_by_id(document)["p6.s1"].cells[3],
             f"The meeting was chaired by the standing committee of the {term}.")
    document.save(str(reviewed))
    import_cli(reviewed, translated)
    after = aligned(translated)["p6.s1"]
    assert after["flags"] == [] and after["state"] == "reviewed"
    assert rows_by_id(Document(str(docx_path(translated))))["p6.s1"].cells[6].text == ""


def test_boilerplate_between_paragraphs_shown_greyed(tools, tmp_path: Path,
                                                     fixtures: Path) -> None:
    lines = (fixtures / f"{STEM}.txt").read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("生态环境"))
    lines.insert(at, "分享到：")
    source = tmp_path / f"{STEM}.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    translate_files([source], out, ScriptedEngine("copy"), None, tools)
    records = aligned(out)
    chrome = next(r for r in records.values() if r["zh"] == "分享到：")
    assert chrome["kind"] == "boilerplate" and not chrome["translate"]
    document = Document(str(docx_path(out)))
    rows = rows_by_id(document)
    assert "热门推荐" not in rows and "p22.s1" not in rows  # chrome after the end stays out
    row = rows[chrome["id"]]
    assert row.cells[1].text == "分享到：" and row.cells[3].text == ""
    assert row.cells[5].text == "not translated"
    assert str(row.cells[1].paragraphs[0].runs[0].font.color.rgb) == "808080"
    set_text(row.cells[3], "Share to:")  # typed into a row that is not translated
    reviewed = tmp_path / "reviewed.docx"
    document.save(str(reviewed))
    said = import_cli(reviewed, out)
    assert f"{chrome['id']}: not translated (boilerplate); what was typed there is ignored" in said
    assert "0 mismatched, 0 added, 0 deleted rows" in said


def test_captions_styled_and_kept_out_of_the_running_text(tools, tmp_path: Path,
                                                           fixtures: Path) -> None:
    from bilingual.records import RunInfo
    from bilingual.render.docx import render_docx
    from bilingual.render.text import render_english

    article = load_article(fixtures / f"{STEM}.txt")
    annotate(article.segments, tools)
    translate_segments(article.segments, ScriptedEngine("copy"), None, tools.fingerprint,
                       tools.glossary)
    caption = next(s for s in article.segments if s.id == "p9.s2")
    for seg in article.segments:
        if seg.para == caption.para:
            seg.kind = "caption"  # a photo caption, as the structure stage marks them
    caption.en = "A model village in the county."
    english = render_english(article)
    running, _, block = english.partition("\n\nCaptions\n\n")
    assert caption.en not in running and block.strip().endswith(caption.en)
    target = tmp_path / "captions.docx"
    target.write_bytes(render_docx(article, RunInfo(generated="2026-01-01T00:00:00+00:00")))
    row = rows_by_id(Document(str(target)))["p9.s2"]
    runs = [r for cell in row.cells[1:4] for r in cell.paragraphs[0].runs]
    assert runs and all(r.italic and r.font.size.pt == 8.5 for r in runs)


def test_a_package_naming_its_parts_with_dot_segments_reads(tmp_path) -> None:
    """`./word/document.xml` and `word/../word/document.xml` in the package relationships
    name the usual part; a foreign namespace's <description> in core.xml is not ours."""
    import zipfile

    from bilingual.records import Article, RunInfo, Segment
    from bilingual.render.docx import render_docx
    from bilingual.review import read_review_docx

    seg = Segment("p1.s1", "body", 1, 1, "县委召开会议。", "县委召开会议。", True, en="The meeting.")
    article = Article("a.txt", "a", "utf-8", "txt", "simplified", [seg])
    plain = tmp_path / "plain.docx"
    plain.write_bytes(render_docx(article, RunInfo(generated="2026-01-01T00:00:00+00:00")))
    for target in ("./word/document.xml", "word/../word/document.xml"):
        moved = tmp_path / "moved.docx"
        with zipfile.ZipFile(plain) as src, zipfile.ZipFile(moved, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "_rels/.rels":
                    data = data.replace(b'Target="word/document.xml"', f'Target="{target}"'.encode())
                if info.filename == "docProps/core.xml":
                    data = data.replace(b"</cp:coreProperties>",
                                        b'<x:description xmlns:x="urn:x">junk</x:description>'
                                        b"</cp:coreProperties>")
                dst.writestr(info, data)
        meta, rows = read_review_docx(moved)
        assert meta["stem"] == "a" and [r.id for r in rows] == ["p1.s1"], target
