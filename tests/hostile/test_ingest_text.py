"""Hostile bytes and characters in article text (issues 10 and 16): every output stays
well-formed and agrees, each removal is reported, nothing else is lost, no traceback.

Every input is generated in tmp_path. `CASES` lists the hostile characters tried.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from helpers import translate_files
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from bilingual.chars import UNSAFE_CHAR_RE, XML_ILLEGAL_RE
from bilingual.cli import app
from bilingual.ingest.article import build_article
from bilingual.ingest.normalize import clean_text
from bilingual.ingest.reading import MAX_SIZE_ENV, Source, decode_bytes, read_source
from bilingual.qa import run_qa
from bilingual.render.tsv import unescape
from bilingual.terms.annotate import load_term_tools
from bilingual.testing import ScriptedEngine

runner = CliRunner()

TITLE = "县委召开疫情防控工作会议"
BODY = "县委书记李公乐说，党支部和共产党员就是群众的主心骨。我们要把疫情当作命令，把基层当作前线。"

# (case name, what is inserted into the body, how many removals the finding reports)
CASES = [
    ("soh", "\x01", "1 control character"),
    ("nul", "\x00", "1 control character"),
    ("bel-bs", "\x07\x08", "2 control characters"),
    ("esc-colour", "\x1b[31m", "1 terminal escape code"),
    ("esc-reset-bold", "\x1b[0;1m", "1 terminal escape code"),
    ("esc-osc-title", "\x1b]0;title\x07", "1 terminal escape code"),
    ("esc-two-char", "\x1bM", "1 terminal escape code"),
    ("csi-8bit", "\x9b2J", "1 terminal escape code"),
    ("lone-esc", "\x1b", "1 control character"),
    ("del", "\x7f", "1 control character"),
    ("c1", "\x80\x9f", "2 control characters"),
    ("unit-sep", "\x1f", "1 control character"),
    ("noncharacter-fffe", "\ufffe", "1 invalid character"),
    ("noncharacter-ffff", "\uffff", "1 invalid character"),
    ("mixed", "\x01\x1b[1m\x02", "2 control characters and 1 terminal escape code"),
]


def hostile_text(insert: str) -> str:
    body = BODY.replace("主心骨", f"主心{insert}骨")
    return f"{TITLE}\n\n{body}\n"


def _outputs(folder: Path) -> dict[str, Path]:
    return {p.name.split(".", 1)[1]: p for p in folder.iterdir() if not p.name.startswith(".")}


def check_outputs(folder: Path, expected_zh: list[str]) -> list[dict]:
    """Every output well-formed, free of what XML cannot carry, and holding the same Chinese."""
    files = _outputs(folder)
    records = [json.loads(line) for line in files["aligned.jsonl"].read_text().splitlines()]
    assert [r["zh"] for r in records] == expected_zh
    for name, path in files.items():
        if name.endswith("docx"):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.endswith(".xml"):
                        etree.fromstring(archive.read(member))  # raises if not well-formed
            from docx import Document

            cells = "".join(c.text for t in Document(str(path)).tables for r in t.rows
                            for c in r.cells)
            assert all(zh in cells for zh in expected_zh)
            continue
        text = path.read_text(encoding="utf-8")
        assert not UNSAFE_CHAR_RE.search(text), name
        if name in ("tmx", "xlf"):
            etree.fromstring(path.read_bytes())
            if name == "xlf" or records[0]["en"]:  # a TMX holds translated pairs only
                assert all(zh in text for zh in expected_zh), name
    with files["aligned.tsv"].open(encoding="utf-8", newline="") as handle:
        cells = {unescape(cell) for row in csv.reader(handle, delimiter="\t") for cell in row}
    assert set(expected_zh) <= cells
    return records


@pytest.fixture(scope="module")
def tools():
    return load_term_tools()


@pytest.mark.parametrize(("case", "insert", "message"), CASES, ids=[c[0] for c in CASES])
def test_every_output_well_formed_and_reported(tools, tmp_path: Path, case: str, insert: str,
                                               message: str) -> None:
    article = tmp_path / f"{case}.txt"
    article.write_text(hostile_text(insert), encoding="utf-8")
    translate_files([article], tmp_path / "out", ScriptedEngine("copy"), None, tools)
    sentences = BODY.split("。")
    expected = [TITLE, sentences[0] + "。", sentences[1] + "。"]
    records = check_outputs(tmp_path / "out" / case, expected)
    assert all(r["en"] for r in records)
    flags = [f for r in records for f in r["flags"] if f["check"] == "input-cleaned"]
    assert flags == [{"check": "input-cleaned", "message": f"removed {message}",
                      "severity": "warning", "segment": "p2.s1"}]


def test_a_folder_with_one_hostile_article_finishes(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-bad.txt").write_text(hostile_text("\x01\x1b[31m"), encoding="utf-8")
    (folder / "b-good.txt").write_text(hostile_text(""), encoding="utf-8")
    result = runner.invoke(app, ["translate", str(folder), "-o", str(tmp_path / "out"),
                                 "--engine", "none", "--no-tm", "--quiet",
                                 "--formats", "docx,tmx,xliff,jsonl,tsv,en,bilingual"])
    assert result.exit_code == 0, result.output
    for stem in ("a-bad", "b-good"):
        assert (tmp_path / "out" / stem / f"{stem}.bilingual.docx").exists()
    first = check_outputs(tmp_path / "out" / "a-bad", [TITLE, *[s + "。" for s in
                                                                BODY.split("。")[:2]]])
    second = check_outputs(tmp_path / "out" / "b-good", [r["zh"] for r in first])
    assert not any(f["check"] == "input-cleaned" for r in second for f in r["flags"])


def test_lone_surrogate_and_line_break_controls() -> None:
    # A surrogate cannot come from strict decoding, but a Source can be built by any caller.
    text = f"{TITLE}\x0c\n{BODY[:10]}\ud800{BODY[10:]}\x0b尾段。"
    article = build_article(Source("s.txt", "s", text, "utf-8", "txt"))
    assert article.segments[0].zh == TITLE
    assert not any(XML_ILLEGAL_RE.search(s.zh) for s in article.segments)
    # form feed and vertical tab are line breaks: the lines keep their numbers
    assert [s.line for s in article.segments if s.index == 1] == [1, 3, 4]
    flagged = [(s.id, f.message) for s in article.segments for f in s.flags]
    assert flagged == [("p2.s1", "removed 1 invalid character")]


def test_finding_survives_qa() -> None:
    article = build_article(Source("q.txt", "q", hostile_text("\x01"), "utf-8", "txt"))
    for seg in article.segments:
        seg.en = "The county party secretary spoke."
    run_qa(article.segments)
    assert any(f.check == "input-cleaned" for s in article.segments for f in s.flags)


def test_finding_lands_on_the_sentence_holding_the_character() -> None:
    text = f"{TITLE}\n\n　　{BODY}\x01\n第三段\x02。第三段第二句\x03。\n"
    article = build_article(Source("w.txt", "w", text, "utf-8", "txt"))
    flagged = {s.id: f.message for s in article.segments for f in s.flags}
    assert flagged == {"p2.s2": "removed 1 control character",
                       "p3.s1": "removed 1 control character",
                       "p3.s2": "removed 1 control character"}


HOSTILE = st.sampled_from(["\x00", "\x01", "\x1b[31m", "\x1b", "\x7f", "\x85", "\ufffe",
                           "\x0c", "\x0b", "\t", "\r", "\n", " ", "\u3000"])
CHINESE = st.sampled_from([*"党员干部县委会议。！？，“”《》", "……", "3月5日", "ok"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(HOSTILE, CHINESE), max_size=40))
def test_segments_lossless_against_the_cleaned_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    article = build_article(Source("h.txt", "h", text, "utf-8", "txt"))
    cleaned, _ = clean_text(text)
    joined = "".join(s.zh for s in article.segments)
    for seg in article.segments:
        assert not UNSAFE_CHAR_RE.search(seg.zh)
    # what the segments hold is the cleaned text minus line breaks and outer whitespace
    squeezed = "".join(ch for ch in cleaned if not ch.isspace())
    assert "".join(ch for ch in joined if not ch.isspace()) == squeezed


@given(st.text(max_size=80))
def test_clean_text_leaves_nothing_xml_cannot_carry(text: str) -> None:
    cleaned, removals = clean_text(text)
    assert not XML_ILLEGAL_RE.search(cleaned)
    assert all(0 <= r.at <= len(cleaned) for r in removals)
    assert (not removals) == (cleaned == text)


# ---- NUL bytes, byte-order marks, and encodings told apart without them ----------------------

ARTICLE = f"{TITLE}\n\n{BODY}\n2022年3月5日 来源：县融媒体中心\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_without_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    source = read_source(path)
    assert source.encoding == encoding
    assert source.text == ARTICLE


def test_utf16_without_bom_or_any_ascii() -> None:
    text, encoding = decode_bytes((TITLE + BODY).encode("utf-16-le"), "x.txt")
    assert (text, encoding) == (TITLE + BODY, "utf-16-le")


def test_few_nuls_in_utf8_are_cleaned_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(ARTICLE.replace("主心骨", "主心\0\0骨").encode())
    result = runner.invoke(app, ["segment", str(path), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    assert "主心骨" in result.stdout and "\\u0000" not in result.stdout
    article = build_article(read_source(path))
    assert [f.message for s in article.segments for f in s.flags] == ["removed 2 control characters"]


@pytest.mark.parametrize("content", [
    b"\0" * 4096,
    bytes(range(256)) * 16,
    ("县委" * 10).encode() + b"\0" * 200,  # valid UTF-8, but a fifth of it NULs
    b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + bytes(range(200)),
])
def test_binary_still_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bin.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["segment", str(path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "binary" in result.output


# ---- size limit ------------------------------------------------------------------------------

@pytest.fixture
def limit_env(monkeypatch):
    """The limit variable restored after the test (--max-size sets it for the workers)."""
    monkeypatch.setenv(MAX_SIZE_ENV, "")
    return monkeypatch


def test_size_limit_option_and_variable(tmp_path: Path, limit_env) -> None:
    path = tmp_path / "big.txt"
    path.write_text(TITLE + "\n" + (BODY + "\n") * 2000, encoding="utf-8")  # about 0.28 MB
    for command in (["segment", str(path)],
                    ["translate", str(path), "-o", str(tmp_path / "out"), "--engine", "none",
                     "--no-tm", "--quiet"]):
        over = runner.invoke(app, [*command, "--max-size", "0.1"])
        assert over.exit_code == 2, over.output
        assert "over the 0.1 MB limit" in over.output and "Traceback" not in over.output
        assert not (tmp_path / "out" / "big").exists()  # nothing written for it
        limit_env.setenv(MAX_SIZE_ENV, "")
        assert runner.invoke(app, [*command, "--max-size", "1"]).exit_code == 0
        limit_env.setenv(MAX_SIZE_ENV, "0.1")
        again = runner.invoke(app, [*command, *(["--force"] if command[0] == "translate" else [])])
        assert again.exit_code == 2 and "over the 0.1 MB limit" in again.output
        limit_env.setenv(MAX_SIZE_ENV, "")
    assert (tmp_path / "out" / "big" / "big.bilingual.docx").exists()


def test_default_limit_and_bad_variable(tmp_path: Path, limit_env) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: 21 MB on paper, nothing read
        handle.truncate(21 * 1024 * 1024)
    result = runner.invoke(app, ["segment", str(path)])
    assert result.exit_code == 2 and "over the 20 MB limit" in result.output
    limit_env.setenv(MAX_SIZE_ENV, "lots")
    small = tmp_path / "small.txt"
    small.write_text(ARTICLE, encoding="utf-8")
    bad = runner.invoke(app, ["segment", str(small)])
    assert bad.exit_code == 2 and "is not a size in MB" in bad.output


def test_stdin_over_the_limit(limit_env) -> None:
    limit_env.setenv(MAX_SIZE_ENV, "0.01")
    result = runner.invoke(app, ["segment", "-"], input=ARTICLE * 200)
    assert result.exit_code == 2 and "<stdin>: is over the 0.01 MB limit" in result.output


@pytest.mark.parametrize(("case", "insert", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_saved_page_reports_what_cleaning_removed(tools, tmp_path: Path, case: str,
                                                     insert: str, message: str) -> None:
    """The HTML parser would drop what XML cannot carry before cleaning sees it: a page's
    reader is told as a text file's is."""
    body = hostile_text(insert).split("\n\n")[1].strip()
    page = tmp_path / f"{case}.html"
    page.write_text(f'<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body>'
                    f"<h1>{TITLE}</h1><div><p>{body}</p></div></body></html>", encoding="utf-8")
    translate_files([page], tmp_path / "out", ScriptedEngine("copy"), None, tools)
    sentences = BODY.split("。")
    records = check_outputs(tmp_path / "out" / case,
                            [TITLE, sentences[0] + "。", sentences[1] + "。"])
    flags = [f for r in records for f in r["flags"] if f["check"] == "input-cleaned"]
    assert flags == [{"check": "input-cleaned", "message": f"removed {message}",
                      "severity": "warning", "segment": "p2.s1"}]


def test_a_page_keeps_its_own_private_use_characters(tmp_path: Path) -> None:
    """Characters of the private use planes a page holds are its text, as in a .txt: the
    shelter that carries control characters through the parser never rewrites them."""
    from bilingual.ingest.reading import read_source

    body = f"私用区\U000F4E2D字符\U000F0041测试\x01一下\U00100041结束。{BODY}"
    page = tmp_path / "pua.html"
    page.write_text(f'<html><head><meta charset="utf-8"></head><body><h1>{TITLE}</h1>'
                    f"<p>{body}</p><p>&#xF0042;与&#983106;</p></body></html>", encoding="utf-8")
    text = read_source(page).text
    assert "私用区\U000F4E2D字符\U000F0041测试\x01一下\U00100041结束。" in text
    assert "\U000F0042与\U000F0042" in text
