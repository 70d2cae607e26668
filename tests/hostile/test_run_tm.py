"""Hostile translation memories: damaged, read-only, missing, holding what XML cannot carry."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from lxml import etree

from bilingual.records import Segment
from bilingual.testing import ScriptedEngine
from bilingual.tm import TranslationMemory
from bilingual.translate import translate_segments
from hostile.run_kit import invoke, one_line_error

ARTICLE = "新华社电 全市各级党组织认真学习。群众如有发热症状请及时就诊。\n"


def filled(path: Path, n: int = 3000) -> Path:
    with TranslationMemory(path) as tm:
        tm.add_mt(((f"第{i}句话，内容较长以便占用多个页面。" * 3, f"Sentence {i}. " * 3)
                   for i in range(n)), "argos", "m", "g")
    return path


def damage(path: Path) -> None:
    """A valid header, broken pages in the middle (what a bad disk or copy leaves)."""
    data = bytearray(path.read_bytes())
    page = 4096
    for p in range(3, len(data) // page - 3, 4):
        data[p * page + 20:p * page + 400] = os.urandom(380)
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = filled(tmp_path / "tm.sqlite")
    damage(path)
    return path


@pytest.mark.parametrize("command", [["tm", "stats"], ["tm", "export"],
                                     ["tm", "export", "--format", "tsv"]])
def test_damaged_tm_is_one_line_in_tm_commands(command: list[str], damaged: Path) -> None:
    one_line_error(invoke(*command, "--tm", damaged), "damaged", "tm repair")


def test_damaged_tm_is_one_line_before_translate(damaged: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = invoke("translate", article, "-o", tmp_path / "out", "--tm", damaged,
                    "--engine", "none")
    one_line_error(result, "damaged", "--no-tm")
    assert not (tmp_path / "out" / "run.json").exists()
    ok = invoke("translate", article, "-o", tmp_path / "out", "--no-tm", "--engine", "none")
    assert ok.exit_code == 0  # the way out the message names works


def test_tm_repair_salvages_what_it_can(damaged: Path) -> None:
    result = invoke("tm", "repair", "--tm", damaged)
    assert result.exit_code == 0, result.output
    salvaged = int(result.stdout.split(": ")[1].split(" units")[0])
    assert 0 < salvaged <= 3000
    kept = [p for p in damaged.parent.iterdir()
            if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1  # the damaged file is kept, never deleted
    stats = invoke("tm", "stats", "--tm", damaged)
    assert stats.exit_code == 0 and f"{salvaged} units" in stats.stdout
    with sqlite3.connect(damaged) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_tm_repair_of_a_file_that_is_no_database(tmp_path: Path) -> None:
    junk = tmp_path / "tm.sqlite"
    junk.write_bytes(os.urandom(5000))
    one_line_error(invoke("tm", "repair", "--tm", junk), "not a translation memory")
    assert junk.exists()


@pytest.mark.parametrize("command", [["tm", "stats"], ["tm", "export"]])
def test_missing_tm_is_not_created(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    one_line_error(invoke(*command, "--tm", missing), "no such translation memory")
    assert not missing.exists()
    one_line_error(invoke("tm", "repair", "--tm", missing), "no such translation memory")


def test_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "tm.sqlite"
    junk.write_text("hello", encoding="utf-8")
    one_line_error(invoke("tm", "stats", "--tm", junk), "translation memory")


def test_tm_given_as_a_folder(tmp_path: Path) -> None:
    one_line_error(invoke("tm", "stats", "--tm", tmp_path), "no such translation memory")


def segments() -> list[Segment]:
    return [Segment(f"p1.s{i}", "para", 1, i, z, z, True)
            for i, z in enumerate(["全市党组织认真学习。", "群众及时就诊。"], 1)]


def test_a_tm_that_refuses_writes_loses_nothing_but_the_store(tmp_path: Path) -> None:
    """Made read-only after opening (or a full disk): the MT is kept in the outputs; the TM
    store is skipped with a warning instead of a traceback after all the MT has run."""
    path = filled(tmp_path / "tm.sqlite", 10)
    tm = TranslationMemory(path)
    tm.db.close()
    tm.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                            isolation_level=None)
    segs = segments()
    translate_segments(segs, ScriptedEngine(), tm, "g")
    assert all(s.en for s in segs)
    warnings = tm.close()
    assert len(warnings) == 1 and "could not be stored" in warnings[0]


def test_read_only_tm_file_translates_without_storing(tmp_path: Path, cli) -> None:
    """A mode-0444 TM, tried for real without root's powers (conftest.without_root_powers)."""
    path = filled(tmp_path / "tm.sqlite", 10)
    path.chmod(0o444)
    before = path.read_bytes()
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = cli("translate", article, "-o", tmp_path / "out", "--tm", path, "--engine",
                 "none", unprivileged=True)
    assert result.returncode == 0, result
    assert "read-only" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before  # read, never written


def test_control_characters_never_enter_the_tm_and_export_is_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.add_mt([("第一句。", "First\x01 \x1b[31mone."), ("第二句。", "\x00\x02")],
                  "libretranslate", "zh→en", "g")
        tm.add_human([("第三句。", "Third\x0b one.")])
        targets = {u.source: u.target for u in tm.units()}
    assert targets == {"第一句。": "First [31mone.", "第三句。": "Third one."}
    # a TM filled by an older version holds them anyway: the export still parses
    with sqlite3.connect(path) as db:
        db.execute("UPDATE units SET target = 'bad\x01\x1b' WHERE source = '第三句。'")
    for fmt in ("tmx", "tsv"):
        out = tmp_path / f"tm.{fmt}"
        result = invoke("tm", "export", "--format", fmt, "-o", out, "--tm", path)
        assert result.exit_code == 0, result.output
        assert "\x01" not in out.read_text(encoding="utf-8")
    etree.parse(str(tmp_path / "tm.tmx"))


def test_tm_export_to_a_folder(tmp_path: Path) -> None:
    path = filled(tmp_path / "tm.sqlite", 5)
    one_line_error(invoke("tm", "export", "-o", tmp_path, "--tm", path), "is a folder")
