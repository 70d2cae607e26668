"""Found beyond the brief: outputs written over inputs, and inputs that never end.

Data loss first: an output option pointing at an input file must be refused before anything
is written (the input must be byte-for-byte unchanged)."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess

import pytest

from . import fakelt, gen
from .conftest import BIN, FAST, assert_one_line_error


def _seed_tm(cli, tmp_path, article):
    tm = tmp_path / "tm.sqlite"
    with fakelt.serve("ok") as (url, _):
        result = cli("translate", article, "-o", tmp_path / "seed", "--engine", "libretranslate",
                     "--url", url, "--tm", tm, *FAST, "--formats", "jsonl", timeout=60)
    assert result.returncode == 0, result
    return tm


@pytest.mark.parametrize("fmt", ["tsv", "tmx"])
def test_tm_export_onto_the_tm_refused(cli, tmp_path, article, fmt):
    tm = _seed_tm(cli, tmp_path, article)
    with sqlite3.connect(tm) as db:
        units = db.execute("SELECT count(*) FROM units").fetchone()[0]
    result = cli("tm", "export", "--format", fmt, "--tm", tm, "-o", tm, timeout=30)
    assert tm.read_bytes()[:16] == b"SQLite format 3\x00", "the TM was overwritten"
    with sqlite3.connect(tm) as db:
        assert db.execute("SELECT count(*) FROM units").fetchone()[0] == units
    assert_one_line_error(result, whole_stderr=True)


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_segment_onto_its_input_refused(cli, article, fmt):
    before = article.read_bytes()
    result = cli("segment", article, "--format", fmt, "-o", article, timeout=30)
    assert article.read_bytes() == before, "the article was overwritten"
    assert_one_line_error(result, whole_stderr=True)


def test_glossary_export_onto_its_input_refused(cli, tmp_path):
    glossary = tmp_path / "mine.tsv"
    glossary.write_text("zh\ten\n党员先锋岗\tParty vanguard post\n", encoding="utf-8")
    before = glossary.read_bytes()
    result = cli("glossary", "export", "-g", glossary, "-o", glossary, timeout=30)
    assert glossary.read_bytes() == before, "the glossary was overwritten"
    assert_one_line_error(result, whole_stderr=True)


def test_tm_option_on_a_text_file_left_alone(cli, tmp_path, article):
    notes = tmp_path / "notes.txt"
    notes.write_text(gen.ARTICLE, encoding="utf-8")
    before = notes.read_bytes()
    result = cli("translate", article, "-o", tmp_path / "out", "--engine", "none", "--tm",
                 notes, *FAST, timeout=60)
    assert notes.read_bytes() == before
    assert_one_line_error(result)


@pytest.mark.slow
def test_fifo_article_does_not_hang(cli, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    try:
        result = cli("translate", fifo, "-o", tmp_path / "out", "--engine", "none", "--no-tm",
                     *FAST, timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("still blocked on the FIFO after 8 s")
    assert_one_line_error(result)


def _limit_memory() -> None:  # runs in the child: keep a runaway read from eating the machine
    limit = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("command", ["translate", "segment"])
def test_endless_device_article_refused(cli, tmp_path, command):
    args = ["translate", "/dev/zero", "-o", str(tmp_path / "out"), "--engine", "none",
            "--no-tm", *FAST] if command == "translate" else ["segment", "/dev/zero"]
    try:
        proc = subprocess.run([str(BIN), *args], capture_output=True, env=cli.env,
                              cwd=tmp_path, timeout=15, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail("still reading /dev/zero after 15 s")
    stderr = proc.stderr.decode(errors="replace")
    assert "Traceback" not in stderr and proc.returncode == 2, stderr[-800:]


def _none(cli, article, out, *extra):
    return cli("translate", article, "-o", out, "--engine", "none", "--no-tm", *FAST,
               "--formats", "jsonl,en", *extra, timeout=60)


def test_temporaries_a_killed_run_left_are_swept_even_when_all_is_up_to_date(
        cli, tmp_path, article):
    out = tmp_path / "out"
    assert _none(cli, article, out).returncode == 0
    left = [out / "article" / ".article.bilingual.docx.k2j9x7q1.part",
            out / "article" / "..article.bilingual.docx.sha256.a1b2c3d4.part",
            out / ".run.json.x7q0p2_z.part"]
    # not ours: a user's files that only end the same way, a folder no run stamped
    mine = [out / ".notes.part", out / "article" / ".draft.part",
            out / "article" / ".article.en.txt.part", out / "notes" / ".notes.abcdefgh.part"]
    (out / "notes").mkdir()
    for path in left + mine:
        path.write_bytes(b"half")
    again = _none(cli, article, out)
    assert again.returncode == 0 and "1 skipped" in again.stdout, again
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in mine)


def test_a_rewrite_that_fails_half_way_is_redone_not_skipped(cli, tmp_path, article):
    """--force over good outputs, the second file cannot be written: the old stamp must not
    make the next run call a mixed set of files up to date."""
    out = tmp_path / "out"
    assert _none(cli, article, out).returncode == 0
    english = out / "article" / "article.en.txt"
    english.unlink()
    english.mkdir()
    (english / "blocker").write_text("x")
    failed = _none(cli, article, out, "--force")
    assert failed.returncode == 2, failed
    (english / "blocker").unlink()
    english.rmdir()
    again = _none(cli, article, out)
    assert again.returncode == 0 and "1 article: 1 done" in again.stdout, again
    assert english.is_file()


def test_an_article_of_page_furniture_alone_is_refused(cli, tmp_path):
    src = tmp_path / "in" / "chrome.txt"
    src.parent.mkdir()
    src.write_text("返回顶部\n打印本页\n关闭窗口\n", encoding="utf-8")
    result = cli("translate", src, "-o", tmp_path / "out", "--engine", "none", "--no-tm",
                 *FAST, timeout=60)
    assert result.returncode == 2
    assert_one_line_error(result)
    assert "nothing to translate" in result.stderr


def test_a_review_docx_too_large_to_import_is_refused_not_written(tmp_path, monkeypatch):
    """Every review DOCX translate writes can be imported back: one whose package would
    unpack past what review import accepts (all of it: rows, glossary appendix, the other
    parts) fails its article with one line, and nothing is left. At exactly the limit it is
    written."""
    import zipfile

    import bilingual.render.docx
    from bilingual.render.formats import FORMATS
    from bilingual.run.executor import BatchOptions, run_batch
    from bilingual.run.inputs import collect_inputs, plan
    from bilingual.testing import ScriptedEngine

    src = tmp_path / "in" / "long.txt"
    src.parent.mkdir()
    src.write_text(gen.TITLE + "\n\n" + "\n\n".join(gen.BODY * 60) + "\n", encoding="utf-8")
    items = plan(collect_inputs([src], None))
    first = run_batch(items, ScriptedEngine(), None,
                      BatchOptions(out=tmp_path / "first", formats=["docx"]))
    assert [o.result for o in first.outcomes] == ["done"]
    with zipfile.ZipFile(tmp_path / "first" / "long" / "long.bilingual.docx") as package:
        unpacked = sum(i.file_size for i in package.infolist())
    for limit, result in ((unpacked - 1, "failed"), (unpacked, "done")):
        monkeypatch.setattr(bilingual.render.docx, "MAX_UNPACKED", limit)
        out = tmp_path / f"out{limit}"
        [outcome] = run_batch(items, ScriptedEngine(), None,
                              BatchOptions(out=out, formats=list(FORMATS))).outcomes
        assert outcome.result == result, outcome
        if result == "failed":
            assert "review DOCX would unpack to over" in outcome.reason
            assert "--formats" in outcome.reason and "\n" not in outcome.reason
            assert not list((out / "long").glob("*.docx"))
            assert not list((out / "long").glob(".*.part"))
