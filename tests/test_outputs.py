"""Every output format of an article: written, valid, and consistent with the segments."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.dom import XML_NAMESPACE

import pytest
from helpers import translate_files
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.qa import check_segment, expected_numbers, run_qa
from bilingual.records import Segment
from bilingual.render.docx import source_hash
from bilingual.render.formats import FORMATS, parse_formats
from bilingual.render.tsv import unescape
from bilingual.terms.annotate import load_term_tools
from bilingual.testing import ScriptedEngine

XML_LANG = f"{{{XML_NAMESPACE}}}lang"
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture(scope="module")
def tools():
    return load_term_tools()


@pytest.fixture(scope="module")
def written(tools, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    example = Path(__file__).resolve().parent.parent / "examples" / "county-epidemic-notice.txt"
    translate_files([example], out, ScriptedEngine("copy"), None, tools)
    return out / "county-epidemic-notice"


def stem_file(folder: Path, suffix: str) -> Path:
    return folder / f"{folder.name}{suffix}"


def test_all_files_written(written: Path) -> None:
    for fmt in FORMATS.values():
        assert stem_file(written, fmt.suffix).stat().st_size > 0, fmt.name
    assert not list(written.glob("*.part"))


def test_aligned_jsonl_and_tsv(written: Path) -> None:
    records = [json.loads(x) for x in stem_file(written, ".aligned.jsonl").read_text().splitlines()]
    assert {"id", "kind", "zh", "en", "terms", "flags", "state", "engine", "from_tm"} <= set(records[0])
    lines = stem_file(written, ".aligned.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id\tkind\tzh\ten\tstate"
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(r) == 5 for r in rows)
    by_id = {r["id"]: r for r in records}
    for r in rows:
        assert unescape(r[2]) == by_id[r[0]]["zh"]
        assert unescape(r[3]) == (by_id[r[0]]["en"] or "")
    assert not any(r[1] == "boilerplate" for r in rows)


def test_tmx_structure(written: Path) -> None:
    root = ET.parse(stem_file(written, ".tmx")).getroot()
    header = root.find("header")
    assert root.get("version") == "1.4" and header.get("srclang") == "zh-CN"
    assert header.get("creationtool") == "bilingual" and header.get("creationdate")
    tus = root.findall("body/tu")
    assert tus
    records = {r["id"]: r for r in map(json.loads, stem_file(written, ".aligned.jsonl")
                                       .read_text(encoding="utf-8").splitlines())}
    for tu in tus:
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props["x-segment-id"].startswith("p") and props["x-kind"]
        langs = [tuv.get(XML_LANG) for tuv in tu.findall("tuv")]
        assert langs == ["zh-CN", "en"]
        assert all(tuv.find("seg").text for tuv in tu.findall("tuv"))
        # the source is the article's text, as CAT tools see it; the normalised form a prop
        record = records[props["x-segment-id"]]
        assert tu.find("tuv/seg").text == record["zh"].strip()
        assert props.get("x-normalised", record["zh"].strip()) == record["zh_simplified"].strip()


def test_aligned_formats_carry_the_same_rows(written: Path) -> None:
    """TSV, CSV and XLIFF carry the translated segments; the TMX those with English."""
    records = [json.loads(x) for x in stem_file(written, ".aligned.jsonl").read_text().splitlines()]
    carried = [r["id"] for r in records if r["translate"]]
    assert any(r["kind"] == "meta" and not r["translate"] for r in records)  # the date line
    tsv = [line.split("\t")[0] for line in
           stem_file(written, ".aligned.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    with stem_file(written, ".aligned.csv").open(encoding="utf-8-sig", newline="") as handle:
        csv_ids = [row[0] for row in list(csv.reader(handle))[1:]]
    xliff = [s.get("id") for s in ET.parse(stem_file(written, ".xlf")).getroot().iter(
        f"{XLIFF}segment")]
    tmx = [p.text for p in ET.parse(stem_file(written, ".tmx")).getroot().iter("prop")
           if p.get("type") == "x-segment-id"]
    assert tsv == csv_ids == xliff == carried
    assert tmx == [r["id"] for r in records if r["translate"] and r["en"]]


def test_csv_for_spreadsheets(tmp_path: Path) -> None:
    """A field that starts with a quote (Chinese quotations, in English) or holds a comma, a
    tab or a line break stays one field in Excel-style readers; Chinese survives the BOM."""
    from bilingual.ingest.article import load_article
    from bilingual.render.aligned import render_aligned_csv, render_aligned_tsv

    example = Path(__file__).resolve().parent.parent / "examples" / "county-epidemic-notice.txt"
    article = load_article(example)
    tricky = ['"We must hold the line," he said.', "one, two\tthree", "line one\nline two",
              'a "quoted" word', "back\\slash"]
    todo = [s for s in article.segments if s.translate]
    for n, s in enumerate(todo):
        s.en, s.state = tricky[n % len(tricky)], "mt"
    data = render_aligned_csv(article)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))  # the excel dialect, as spreadsheets read it
    assert rows[0] == ["id", "kind", "zh", "en", "state"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [(s.id, s.zh, s.en) for s in todo]
    # the pipeline TSV: one line a record, never quoted, escapes undone by unescape
    lines = render_aligned_tsv(article).splitlines()
    assert len(lines) == 1 + len(todo)
    fields = [line.split("\t") for line in lines[1:]]
    assert [unescape(f[3]) for f in fields] == [s.en for s in todo]


def test_xliff_notes_whitespace_and_file_name(tmp_path: Path) -> None:
    from bilingual.ingest.article import load_article
    from bilingual.records import Finding
    from bilingual.render.xliff import render_xliff

    example = Path(__file__).resolve().parent.parent / "examples" / "county-epidemic-notice.txt"
    article = load_article(example)
    article.path = str(example)  # as given on the command line: a full path
    first, second = [s for s in article.segments if s.translate][:2]
    first.en, first.meta = "Line one\nline two", {"review_comment": "check the title"}
    first.flags = [Finding("number", "9 missing", "error", first.id)]
    second.en = "Plain."
    root = ET.fromstring(render_xliff(article))
    assert root.find(f"{XLIFF}file").get("original") == example.name
    assert str(example.parent) not in render_xliff(article).decode()
    unit = root.find(f"{XLIFF}file/{XLIFF}unit")
    notes = [(n.get("category"), n.get("priority"), n.text)
             for n in unit.findall(f"{XLIFF}notes/{XLIFF}note")]
    assert notes == [("comment", None, f"{first.id}: check the title"),
                     ("qa", "1", f"{first.id}: number: 9 missing")]
    space = "{http://www.w3.org/XML/1998/namespace}space"
    targets = {t.text: t.get(space) for t in root.iter(f"{XLIFF}target")}
    assert targets == {"Line one\nline two": "preserve", "Plain.": None}
    out = tmp_path / "a.xlf"
    out.write_bytes(render_xliff(article))
    from clients import schemas

    if schemas.XLIFF_XSD.exists():
        assert schemas.validate_xliff(out) == []


def test_xliff_structure(written: Path) -> None:
    root = ET.parse(stem_file(written, ".xlf")).getroot()
    assert root.tag == f"{XLIFF}xliff" and root.get("version") == "2.1"
    assert root.get("srcLang") == "zh-CN" and root.get("trgLang") == "en"
    units = root.findall(f"{XLIFF}file/{XLIFF}unit")
    ids = [u.get("id") for u in units]
    assert len(ids) == len(set(ids))
    for unit in units:
        for seg in unit.findall(f"{XLIFF}segment"):
            assert seg.get("id").startswith(unit.get("id") + ".")
            assert seg.get("state") == "translated"
            assert seg.find(f"{XLIFF}source").text
            assert seg.find(f"{XLIFF}target").text


def test_english_and_bilingual_text(written: Path) -> None:
    english = stem_file(written, ".en.txt").read_text(encoding="utf-8")
    paragraphs = english.strip().split("\n\n")
    assert paragraphs[0].startswith("The report mentions")  # the title comes first
    assert any(p.startswith("February 3, 2020 09:15") for p in paragraphs)  # the metadata line
    assert not any("\u4e00" <= c <= "\u9fff" for c in english)
    bilingual = stem_file(written, ".bilingual.txt").read_text(encoding="utf-8").strip()
    blocks = bilingual.split("\n\n")
    assert blocks[0].startswith("某某县：党员先锋岗筑牢疫情防控线\n")
    assert all(len(b.split("\n")) == 2 for b in blocks)
    assert "热门推荐" not in bilingual and "中共某某市委员会主办" not in bilingual


def test_report(written: Path) -> None:
    report = json.loads(stem_file(written, ".report.json").read_text(encoding="utf-8"))
    assert report["run"]["engine"] == "scripted"
    assert report["run"]["glossary"]
    assert report["terms"]["matched"] > 10 and report["terms"]["names"] >= 4
    assert report["segments"]["translatable"] > 10
    assert "docx" in report["render_seconds"]
    assert "summary" in report["qa"] and isinstance(report["qa"]["findings"], list)


def test_formats_subset_and_unknown(tools, tmp_path: Path, fixtures: Path) -> None:
    assert parse_formats("tmx,en") == ["tmx", "en"]
    translate_files([fixtures / "traditional_tw.txt"], tmp_path, ScriptedEngine("copy"), None,
                    tools, formats=["tmx", "en"])
    assert sorted(p.name for p in (tmp_path / "traditional_tw").iterdir()
                  if not p.name.startswith(".")) == \
        ["traditional_tw.en.txt", "traditional_tw.tmx"]
    result = CliRunner().invoke(app, ["translate", str(fixtures / "traditional_tw.txt"),
                                      "--engine", "none", "--formats", "tmx,pdf", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "unknown format pdf" in result.stderr


def test_reviewers_docx_is_not_overwritten(tools, tmp_path: Path, fixtures: Path) -> None:
    src = fixtures / "traditional_tw.txt"
    translate_files([src], tmp_path, ScriptedEngine("copy"), None, tools)
    translate_files([src], tmp_path, ScriptedEngine("copy"), None, tools)  # ours: fine
    docx = tmp_path / "traditional_tw" / "traditional_tw.bilingual.docx"
    docx.write_bytes(docx.read_bytes() + b"\0")  # a reviewer saved it
    before = docx.read_bytes()
    result = CliRunner().invoke(app, ["translate", str(src), "-o", str(tmp_path), "--engine",
                                      "none", "--no-tm"])
    assert result.exit_code == 2 and "was changed after bilingual wrote it" in result.stderr
    assert docx.read_bytes() == before
    forced = CliRunner().invoke(app, ["translate", str(src), "-o", str(tmp_path), "--engine",
                                      "none", "--no-tm", "--force"])
    assert forced.exit_code == 0, forced.output
    assert docx.read_bytes() != before


def seg(zh: str, en: str) -> Segment:
    return Segment("p1.s1", "body", 1, 1, zh, zh, True, en=en, state="mt")


@pytest.mark.parametrize(("zh", "en", "check"), [
    ("党员冲在前。", "Party members 冲 ahead.", "untranslated"),
    ("党员冲在前。", "Party members charge ahead。", "cjk-punctuation"),
    ("共征集志愿者317名。", "A total of 371 volunteers were recruited.", "number"),
    ("拥有9万多群众。", "It has more than 9 people.", "number"),
    ("截至1月27日下午3时。", "As of 3 p.m. on January 28.", "number"),
    ("截至1月27日下午3时。", "As of 4 p.m. on January 27.", "number"),
    ("党员冲在前。", "", "empty"),
    ("党员冲在前，群众跟上来，大家一起努力。", "Go.", "length"),
    ("党员冲在前。", "the party the party the party the party members", "repetition"),
])
def test_qa_checks(zh: str, en: str, check: str) -> None:
    assert check in {f.check for f in check_segment(seg(zh, en))}


@pytest.mark.parametrize(("zh", "en"), [
    ("共征集志愿者317名，其中党员256名。", "A total of 317 volunteers, 256 of them Party members."),
    ("拥有9万多群众。", "It has more than 90,000 residents."),
    ("截至1月27日下午3时。", "As of 3 p.m. on January 27."),
    ("1月28日晚8时。", "At 8 p.m. on January 28."),
])
def test_qa_clean(zh: str, en: str) -> None:
    assert check_segment(seg(zh, en)) == []


def test_numbers_parsed() -> None:
    forms = dict(expected_numbers("距县城45公里，9万多群众，1月27日下午3时"))
    assert forms["9万"][0] == "90,000"
    assert forms["1月27日"][0] == "January 27"
    assert forms["下午3时"][0] == "3 p.m."
    assert forms["45"] == ("45",)


def test_same_target_and_flags() -> None:
    a, b = seg("党员冲在前。", "Members lead the way."), seg("群众跟上来。", "Members lead the way.")
    b.id = "p1.s2"
    findings = run_qa([a, b])
    assert {f.check for f in findings} == {"same-target"}
    assert [f.as_text() for f in a.flags] == [
        "same-target: the same English as a different Chinese sentence"]


def pdf_tools() -> bool:
    return all(shutil.which(t) for t in ("soffice", "pdftotext", "pdffonts"))


@pytest.mark.skipif(not pdf_tools(), reason="LibreOffice or poppler-utils not installed")
def test_docx_renders_in_libreoffice(written: Path, tmp_path: Path) -> None:
    docx = stem_file(written, ".bilingual.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / docx.with_suffix(".pdf").name
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = "".join(text.split())
    records = [json.loads(x) for x in stem_file(written, ".aligned.jsonl").read_text().splitlines()]
    for r in records:
        if r["translate"] and r["kind"] != "boilerplate":
            assert "".join(r["zh"].split()) in flat, r["id"]
            assert r["id"] in flat
    # no missing-glyph boxes: the Chinese was set in a CJK font, and no .notdef glyphs
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    assert "CJK" in fonts or "Han" in fonts or "Ming" in fonts or "Song" in fonts, fonts
    assert "\ufffd" not in text and "\u25a1" not in text
    # layout: IDs, hashes and the column titles never wrap; QA findings are shown whole
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                            capture_output=True, text=True).stdout
    words = set(layout.split())
    for r in records:
        if r["translate"]:
            assert r["id"] in words, r["id"]
            assert f"#{source_hash(r['zh'])}" in words, r["id"]
    assert {"Comment", "Status", "QA", "ID"} <= words
    findings = [f"{f['check']}: {f['message']}" for r in records for f in r["flags"]]
    assert findings and all("".join(f.split()) in flat for f in findings)
    size = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", size).groups())
    assert round(width) == 842 and round(height) == 595  # A4 landscape: 7 columns


def test_docx_properties_and_layout(written: Path) -> None:
    from docx import Document

    from bilingual.render.docx import CELL_PADDING_CM, layout, review_rows, text_width_cm
    from bilingual.review import load_aligned

    document = Document(str(stem_file(written, ".bilingual.docx")))
    props = document.core_properties
    report = json.loads(stem_file(written, ".report.json").read_text(encoding="utf-8"))
    assert props.title == "某某县：党员先锋岗筑牢疫情防控线"
    assert (props.author, props.last_modified_by, props.language) == \
        ("bilingual", "bilingual", "zh-CN")
    generated = report["run"]["generated"]
    assert props.created.isoformat()[:19] == generated[:19]
    header = "\n".join(p.text for p in document.paragraphs)
    assert "File: county-epidemic-notice.txt" in header and "/" not in header.split("File: ")[1]
    rows = review_rows(load_aligned(written.parent, written.name))
    landscape, widths = layout(rows)
    assert landscape and abs(sum(widths) - 26.7) < 0.05
    assert all(text_width_cm(s.id, 9.5, True) + CELL_PADDING_CM <= widths[0] for s in rows)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["ID", "Chinese", "English (MT)",
                                                    "English (review)", "Comment", "Status", "QA"]
    by_id = {r.cells[0].paragraphs[0].text: r for r in table.rows[1:]}
    records = [json.loads(x) for x in stem_file(written, ".aligned.jsonl").read_text().splitlines()]
    for r in records:
        if r["translate"]:
            cells = by_id[r["id"]].cells
            assert cells[5].text == r["state"]  # the Status cell has one job
            shown = [f"{f['check']}: {f['message']}" for f in r["flags"]]
            assert cells[6].text.split("\n") == (shown or [""])


def test_omegat_project_of_translated_articles(tmp_path: Path) -> None:
    """`bilingual omegat`: sources, TMX in tm/auto, our segmentation and filter settings, the
    TMX's language; a page's text as read; no TMX yet or an existing project → one line."""
    from typer.testing import CliRunner

    from bilingual.cli import app

    runner = CliRunner()
    txt = tmp_path / "notice.txt"
    txt.write_text("县委召开疫情防控工作会议\n\n党员干部要把疫情当作命令。\n", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<html><head><meta charset='utf-8'></head><body><h1>县委召开乡村振兴会议</h1>"
                    "<p>会议要求，各级党组织要压实责任，确保各项任务落地见效。</p></body></html>",
                    encoding="utf-8")
    out = tmp_path / "out"
    project = tmp_path / "project"
    missing = runner.invoke(app, ["omegat", str(project), str(txt), "-o", str(out)])
    assert missing.exit_code == 2 and "no notice.tmx" in missing.output
    assert not (project / "omegat.project").exists()
    done = runner.invoke(app, ["translate", str(txt), str(page), "-o", str(out), "--no-tm",
                               "--engine", "none", "--formats", "tmx,jsonl", "--quiet"])
    assert done.exit_code == 0, done.output
    made = runner.invoke(app, ["omegat", str(project), str(txt), str(page), "-o", str(out)])
    assert made.exit_code == 0, made.output
    assert (project / "source" / "notice.txt").read_bytes() == txt.read_bytes()
    assert (project / "source" / "page.txt").read_text(encoding="utf-8").splitlines() == [
        "县委召开乡村振兴会议", "会议要求，各级党组织要压实责任，确保各项任务落地见效。"]
    assert sorted(p.name for p in (project / "tm" / "auto").iterdir()) == ["notice.tmx",
                                                                          "page.tmx"]
    assert "<source_lang>zh-CN</source_lang>" in (project / "omegat.project").read_text("utf-8")
    assert "segmentOn" in (project / "omegat" / "filters.xml").read_text("utf-8")
    assert "ZH.*" in (project / "omegat" / "segmentation.conf").read_text("utf-8")
    again = runner.invoke(app, ["omegat", str(project), str(txt), "-o", str(out)])
    assert again.exit_code == 2 and "already holds an OmegaT project" in again.output
