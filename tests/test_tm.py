"""The translation memory: keys, human over MT, concurrency, corrupt files, export."""

from __future__ import annotations

import multiprocessing
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.dom import XML_NAMESPACE

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.errors import BilingualError
from bilingual.render.tsv import unescape
from bilingual.tm import TranslationMemory


def test_key_includes_engine_model_glossary(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.add_mt([("党员冲在前。", "Party members lead.")], "argos", "v1", "g1")
        assert tm.lookup(["党员冲在前。"], "argos", "v1", "g1")["党员冲在前。"].target == "Party members lead."
        assert tm.lookup(["党员冲在前。"], "argos", "v2", "g1") == {}
        assert tm.lookup(["党员冲在前。"], "argos", "v1", "g2") == {}
        assert tm.lookup(["党员冲在前。"], "other", "v1", "g1") == {}


def test_human_wins_over_mt(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.add_mt([("党员冲在前。", "machine")], "argos", "v1", "")
        tm.add_human([("党员冲在前。", "Party members charge ahead.")])
        hit = tm.lookup(["党员冲在前。"], "argos", "v1", "")["党员冲在前。"]
        assert (hit.target, hit.origin) == ("Party members charge ahead.", "human")
        # a human translation is reused whatever engine or glossary
        assert tm.lookup(["党员冲在前。"], "none", "x", "y")["党员冲在前。"].origin == "human"
        tm.add_mt([("空", "")], "argos", "v1", "")  # empty targets are not remembered
        assert tm.stats()["units"] == 2


def _writer(path: str, worker: int) -> None:
    with TranslationMemory(path) as tm:
        for i in range(50):
            tm.add_mt([(f"句子{worker}-{i}。", f"sentence {worker}-{i}")], "argos", "v1", "")


def test_concurrent_writers(tmp_path: Path) -> None:
    path = str(tmp_path / "tm.sqlite")
    TranslationMemory(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with TranslationMemory(path) as tm:
        assert tm.stats()["units"] == 150
        assert tm.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_corrupt_file(tmp_path: Path) -> None:
    bad = tmp_path / "tm.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(BilingualError, match="not a usable translation memory"):
        TranslationMemory(bad)


def test_stats_and_export_cli(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.add_mt([("党员冲在前。", "Party members\tlead.\nYes")], "argos", "v1", "g")
        tm.add_human([("群众跟上来！", "The people follow!")])
    runner = CliRunner()
    stats = runner.invoke(app, ["tm", "stats", "--tm", str(path)])
    assert stats.exit_code == 0
    assert "2 units for 2 sources (1 mt, 1 human)" in stats.stdout

    out = tmp_path / "tm.tmx"
    result = runner.invoke(app, ["tm", "export", "--tm", str(path), "-f", "tmx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert root.find("header").get("srclang") == "zh-CN"
    tus = root.findall("body/tu")
    assert len(tus) == 2
    lang = f"{{{XML_NAMESPACE}}}lang"
    segs = {tuv.get(lang): tuv.find("seg").text for tuv in tus[0].findall("tuv")}
    assert set(segs) == {"zh-CN", "en"}

    tsv = runner.invoke(app, ["tm", "export", "--tm", str(path), "-f", "tsv"])
    lines = tsv.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["source", "target", "origin"]
    assert len(lines) == 3
    fields = {unescape(line.split("\t")[0]): unescape(line.split("\t")[1]) for line in lines[1:]}
    assert fields["党员冲在前。"] == "Party members\tlead.\nYes"
