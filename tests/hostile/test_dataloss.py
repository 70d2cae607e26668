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
