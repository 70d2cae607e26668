"""The translation stage and `bilingual translate`, with a counting engine and the tiny model."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.engines.base import Engine
from bilingual.engines.none import NoneEngine
from bilingual.ingest.article import load_article
from bilingual.tm import TranslationMemory
from bilingual.translate import translate_segments

runner = CliRunner()


class CountingEngine(Engine):
    """Uppercases a made-up rendering, and counts what it was asked."""

    name = "counting"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate(self, sources: list[str]) -> list[str]:
        self.calls.append(list(sources))
        return [f"EN[{s}]" for s in sources]


def test_each_distinct_sentence_once_then_tm(tmp_path: Path, fixtures: Path) -> None:
    a = load_article(fixtures / "long_article.txt")
    b = load_article(fixtures / "long_article.txt")  # the same sentences again
    engine = CountingEngine()
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        stats = translate_segments(a.segments + b.segments, engine, tm)
        assert len(engine.calls) == 1
        assert len(engine.calls[0]) == len(set(engine.calls[0])) == stats.distinct
        assert stats.segments == 2 * stats.distinct
        for seg in a.segments:
            if seg.translate:
                assert seg.en == f"EN[{seg.zh_simplified}]"
                assert (seg.engine, seg.origin, seg.state, seg.from_tm) == ("counting", "mt", "mt", False)
            else:
                assert seg.en is None
        again = load_article(fixtures / "long_article.txt")
        stats2 = translate_segments(again.segments, engine, tm)
        assert len(engine.calls) == 1  # the second run never calls the engine
        assert stats2.from_tm == stats2.segments
        assert all(s.from_tm for s in again.segments if s.translate)


def test_human_translation_reused(tmp_path: Path, fixtures: Path) -> None:
    article = load_article(fixtures / "xinhua_dateline.txt")
    title = article.segments[0]
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.add_human([(title.zh_simplified, "Rural Revitalization in Full Swing")])
        translate_segments(article.segments, CountingEngine(), tm)
    assert title.en == "Rural Revitalization in Full Swing"
    assert (title.origin, title.state, title.engine) == ("human", "reviewed", "human")


def test_none_engine_is_not_remembered(tmp_path: Path, fixtures: Path) -> None:
    article = load_article(fixtures / "xinhua_dateline.txt")
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        translate_segments(article.segments, NoneEngine(), tm)
        assert tm.stats()["units"] == 0
    assert all(s.en == "" for s in article.segments if s.translate)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cli_engine_none_kit(tmp_path: Path, fixtures: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(fixtures / "long_article.txt"), "-o", str(out),
                                 "--engine", "none", "--no-tm"])
    assert result.exit_code == 0, result.output
    records = read_jsonl(out / "long_article" / "long_article.aligned.jsonl")
    assert len(records) == 30
    assert {"id", "kind", "zh", "zh_simplified", "translate", "en", "engine", "from_tm"} <= set(records[0])
    assert all(r["en"] == "" and r["engine"] == "none" for r in records if r["translate"])


def test_cli_without_model(packages_dir: Path, tmp_path: Path, fixtures: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(fixtures / "long_article.txt"), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "no zh→en translation model is installed" in result.stderr
    assert "bilingual models install" in result.stderr and "--engine none" in result.stderr
    assert not out.exists()


def test_cli_argos_then_tm(installed_tiny: Path, tmp_path: Path, fixtures: Path) -> None:
    out, tm = tmp_path / "out", tmp_path / "tm.sqlite"
    files = [str(fixtures / "long_article.txt"), str(fixtures / "traditional_tw.txt")]
    first = runner.invoke(app, ["translate", *files, "-o", str(out), "--tm", str(tm),
                                "--beam-size", "2", "--threads", "1"])
    assert first.exit_code == 0, first.output
    records = read_jsonl(out / "traditional_tw" / "traditional_tw.aligned.jsonl")
    translatable = [r for r in records if r["translate"]]
    assert translatable and all(r["en"] for r in translatable)
    assert all(r["engine"] == "argos" and r["from_tm"] is False for r in translatable)
    assert "0 of" in first.stdout.splitlines()[-1]

    skipped = runner.invoke(app, ["translate", *files, "-o", str(out), "--tm", str(tm)])
    assert skipped.exit_code == 0, skipped.output
    assert "2 articles: 2 skipped" in skipped.stdout  # up to date: nothing redone

    second = runner.invoke(app, ["translate", *files, "-o", str(out), "--tm", str(tm), "--force"])
    assert second.exit_code == 0, second.output
    assert "engine argos" in second.stdout and ": 0 sentences translated" in second.stdout
    again = read_jsonl(out / "traditional_tw" / "traditional_tw.aligned.jsonl")
    assert [r["en"] for r in again] == [r["en"] for r in records]
    assert all(r["from_tm"] for r in again if r["translate"])


def test_cli_bad_file_reported_rest_written(installed_tiny: Path, tmp_path: Path,
                                            fixtures: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(fixtures / "long_article.txt"), str(empty),
                                 "-o", str(out), "--no-tm"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == \
        f"bilingual: error: {empty}: the file is empty (give an article with Chinese text)"
    assert (out / "long_article" / "long_article.aligned.jsonl").exists()
    assert not (out / "empty").exists()
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"] == {"done": 1, "failed": 1}


def test_cli_engine_auto(packages_dir: Path, tiny_package_file: Path, tmp_path: Path,
                         fixtures: Path) -> None:
    args = ["translate", str(fixtures / "traditional_tw.txt"), "-o", str(tmp_path), "--engine",
            "auto", "--no-tm"]
    kit = runner.invoke(app, args)
    assert kit.exit_code == 0, kit.output
    assert "no zh→en model installed" in kit.stderr and "engine none" in kit.stdout
    runner.invoke(app, ["models", "install", "--from", str(tiny_package_file)])
    mt = runner.invoke(app, args)
    assert mt.exit_code == 0 and "engine argos" in mt.stdout
