"""Hostile translation-memory files."""

from __future__ import annotations

import os
import sqlite3

import pytest

from . import fakelt, gen
from .conftest import FAST, Cli, assert_no_crash, assert_one_line_error


@pytest.fixture(scope="module")
def seeded_tm(tmp_path_factory) -> bytes:
    """The bytes of a real TM with units in it (filled through the fake LibreTranslate
    server), built once per module."""
    root = tmp_path_factory.mktemp("seed-tm")
    cli = Cli(root)
    src = root / "a.txt"
    src.write_text(gen.ARTICLE, encoding="utf-8")
    tm = root / "tm.sqlite"
    with fakelt.serve("ok") as (url, _):
        result = cli("translate", src, "-o", root / "seed", "--engine", "libretranslate",
                     "--url", url, "--tm", tm, *FAST, "--formats", "jsonl", timeout=60)
    assert result.returncode == 0, result
    with sqlite3.connect(tm) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert db.execute("SELECT count(*) FROM units").fetchone()[0] > 0
    return tm.read_bytes()


@pytest.fixture
def make_tm(seeded_tm):
    def _make(cli, tmp_path, article):
        tm = tmp_path / "tm.sqlite"
        tm.write_bytes(seeded_tm)
        return tm
    return _make


def damage(tm, where: str) -> None:
    data = bytearray(tm.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    if where == "page1-body":
        span = range(100, page)
    else:  # every page after the first
        span = range(page, len(data))
    for i in span:
        data[i] = (i * 151 + 7) & 0xFF
    tm.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        p = tm.with_name(tm.name + suffix)
        if p.exists():
            p.unlink()
    assert tm.read_bytes()[:16] == b"SQLite format 3\x00"


CORRUPT = ["page1-body", "later-pages"]


@pytest.mark.parametrize("where", CORRUPT)
@pytest.mark.parametrize("command", ["tm-stats", "tm-export-tmx", "tm-export-tsv", "translate"])
def test_corrupt_tm_one_line_error(cli, tmp_path, article, make_tm, where, command):
    tm = make_tm(cli, tmp_path, article)
    damage(tm, where)
    args = {"tm-stats": ("tm", "stats", "--tm", tm),
            "tm-export-tmx": ("tm", "export", "--tm", tm, "-o", tmp_path / "x.tmx"),
            "tm-export-tsv": ("tm", "export", "--format", "tsv", "--tm", tm, "-o", tmp_path / "x.tsv"),
            "translate": ("translate", article, "-o", tmp_path / "out", "--engine", "none",
                          "--tm", tm, *FAST)}[command]
    result = cli(*args, timeout=60)
    assert_one_line_error(result)
    assert "tm.sqlite" in result.error_lines()[0]


def _block_writes(tm) -> str:
    """Make the TM unwritable. As root, permissions are ignored, so block the WAL file's name
    with a directory instead (SQLite then cannot open the TM for writing)."""
    if os.geteuid() != 0:
        tm.chmod(0o444)
        tm.parent.chmod(0o555)
        return "chmod"
    for suffix in ("-wal", "-shm"):
        p = tm.with_name(tm.name + suffix)
        if p.exists():
            p.unlink()
        p.mkdir()
    return "wal-blocked"


def test_readonly_tm_warns_and_works_or_fails_before_mt(cli, tmp_path, article, make_tm, record):
    tm = make_tm(cli, tmp_path, article)
    how = _block_writes(tm)
    try:
        with fakelt.serve("ok") as (url, requests):
            article2 = article.with_name("other.txt")
            article2.write_text(article.read_text(encoding="utf-8").replace("126", "127"),
                                encoding="utf-8")
            result = cli("translate", article2, "-o", tmp_path / "out", "--engine",
                         "libretranslate", "--url", url, "--tm", tm, *FAST, timeout=60)
    finally:
        if how == "chmod":
            tm.parent.chmod(0o755)
    record(f"read-only TM ({how}): exit {result.returncode}, {len(requests)} MT requests")
    assert_no_crash(result)
    if result.returncode == 0:
        assert (tmp_path / "out" / "other" / "other.aligned.jsonl").exists()
        assert "tm" in result.stderr.casefold(), "no warning about the read-only TM"
    else:
        assert_one_line_error(result)
        assert [r for r in requests if "q" in r] == [], "failed only after sending work to MT"


@pytest.mark.parametrize("command", [
    ("tm", "stats"),
    ("tm", "export"),
], ids=["stats", "export"])
def test_missing_tm_not_created(cli, tmp_path, command):
    missing = tmp_path / "missing.sqlite"
    result = cli(*command, "--tm", missing, timeout=30)
    assert_no_crash(result)
    assert not missing.exists(), result
    assert not list(tmp_path.glob("missing.sqlite*"))
