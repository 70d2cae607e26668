"""Folders of articles: discovery, resume, failures, workers, progress, run.json, kill -9."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.render.formats import FORMATS
from bilingual.run.executor import BatchOptions, run_batch
from bilingual.run.inputs import collect_inputs, plan
from bilingual.testing import ScriptedEngine
from bilingual.tm import TranslationMemory

runner = CliRunner()


@pytest.fixture
def inbox(tmp_path: Path, fixtures: Path) -> Path:
    root = tmp_path / "inbox"
    (root / "sub").mkdir(parents=True)
    shutil.copy(fixtures / "long_article.txt", root / "a.txt")
    shutil.copy(fixtures / "traditional_tw.txt", root / "sub" / "b.txt")
    shutil.copy(fixtures / "headings_html.html", root / "sub" / "c.html")
    shutil.copy(fixtures / "long_article.txt", root / "sub" / "a.txt")  # same stem elsewhere
    (root / "notes.pdf").write_bytes(b"%PDF")
    (root / ".hidden.txt").write_text("隐藏", encoding="utf-8")
    return root


def test_collect_and_plan(inbox: Path) -> None:
    found = collect_inputs([inbox], inbox / "out")
    assert [p.relative_to(inbox).as_posix() for p in found] == \
        ["a.txt", "sub/a.txt", "sub/b.txt", "sub/c.html"]
    assert [i.stem for i in plan(found)] == ["a--inbox", "a--sub", "b", "c"]


def options(out: Path, **kw) -> BatchOptions:
    return BatchOptions(out=out, **{"formats": list(FORMATS), **kw})


def test_resume_and_force(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    items = plan(collect_inputs([inbox], out))
    engine = ScriptedEngine("copy")
    first = run_batch(items, engine, None, options(out))
    assert [o.result for o in first.outcomes] == ["done"] * 4
    calls = len(engine.calls)
    again = run_batch(items, engine, None, options(out))
    assert [o.result for o in again.outcomes] == ["skipped"] * 4
    assert len(engine.calls) == calls  # nothing translated
    (inbox / "sub" / "b.txt").write_text("臺中市推動社區防疫。新的一句。", encoding="utf-8")
    changed = run_batch(items, engine, None, options(out))
    assert [o.result for o in changed.outcomes].count("done") == 1
    forced = run_batch(items, engine, None, options(out, force=True))
    assert [o.result for o in forced.outcomes] == ["done"] * 4


def test_failures_do_not_stop_the_run(inbox: Path, tmp_path: Path) -> None:
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "english.txt").write_text("No Chinese here.", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(inbox), "-o", str(out), "--engine", "none",
                                 "--no-tm"])
    assert result.exit_code == 2
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"] == {"done": 4, "failed": 2}
    reasons = {Path(a["path"]).name: a["reason"] for a in run["articles"] if a["result"] == "failed"}
    assert "the file is empty" in reasons["empty.txt"]
    assert "contains no Chinese text" in reasons["english.txt"]
    assert "6 articles: 4 done, 2 failed" in result.stdout
    assert len([x for x in result.stderr.splitlines() if x.startswith("bilingual: error:")]) == 2


def test_jobs_two_gives_the_same_outputs(inbox: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    items = plan(collect_inputs([inbox], None))
    run_batch(items, ScriptedEngine("copy"), None, options(one, formats=["jsonl", "en"]))
    result = run_batch(items, ScriptedEngine("copy"), None,
                       options(two, formats=["jsonl", "en"], jobs=2, chunk=2))
    assert [o.result for o in result.outcomes] == ["done"] * 4
    for item in items:
        for suffix in (".aligned.jsonl", ".en.txt"):
            a = (one / item.stem / f"{item.stem}{suffix}").read_text(encoding="utf-8")
            b = (two / item.stem / f"{item.stem}{suffix}").read_text(encoding="utf-8")
            assert a == b


def test_log_lines_and_quiet(inbox: Path, tmp_path: Path) -> None:
    args = ["translate", str(inbox), "-o", str(tmp_path / "out"), "--engine", "none", "--no-tm"]
    loud = runner.invoke(app, args)
    assert "[1/4] done " in loud.stderr and "[4/4] done " in loud.stderr
    quiet = runner.invoke(app, [*args, "--quiet", "--force"])
    assert "[1/4]" not in quiet.stderr
    assert "terms: " in quiet.stdout and "status" not in quiet.stdout


def test_missing_and_empty_inputs(tmp_path: Path) -> None:
    result = runner.invoke(app, ["translate", str(tmp_path / "nope"), "--engine", "none"])
    assert result.exit_code == 2 and "no such file or folder" in result.stderr
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["translate", str(tmp_path / "empty"), "--engine", "none"])
    assert result.exit_code == 2 and "no article files" in result.stderr


def test_tm_shared_across_articles(inbox: Path, tmp_path: Path) -> None:
    items = plan(collect_inputs([inbox], None))
    engine = ScriptedEngine("copy")
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        result = run_batch(items, engine, tm, options(tmp_path / "out", chunk=1))
    # a.txt and sub/a.txt are the same article: the second one came from the TM
    assert result.stats.from_tm >= result.stats.segments // 4


KILL_SCRIPT = """
import sys, time
sys.path.insert(0, {tests!r})
from bilingual.testing import ScriptedEngine
from bilingual.run.executor import BatchOptions, run_batch
from bilingual.run.inputs import collect_inputs, plan
from bilingual.render.formats import FORMATS
from bilingual.tm import TranslationMemory
from pathlib import Path

class Slow(ScriptedEngine):
    def translate(self, sources):
        time.sleep(0.3)
        return super().translate(sources)

items = plan(collect_inputs([Path({inbox!r})], None))
with TranslationMemory({tm!r}) as tm:
    run_batch(items, Slow("copy"), tm, BatchOptions(out=Path({out!r}), formats=list(FORMATS),
                                                    chunk=1))
"""


def test_kill_minus_nine_then_resume(tmp_path: Path, fixtures: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(8):
        shutil.copy(fixtures / ("long_article.txt" if i % 2 else "xinhua_dateline.txt"),
                    inbox / f"art{i}.txt")
    out, tm = tmp_path / "out", tmp_path / "tm.sqlite"
    script = KILL_SCRIPT.format(tests=str(Path(__file__).parent), inbox=str(inbox), out=str(out),
                                tm=str(tm))
    proc = subprocess.Popen([sys.executable, "-c", script], env={**os.environ})
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("*/.*.done"))) < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(list(out.glob("*/.*.done")))
    assert 2 <= finished < 8
    for path in out.rglob("*"):  # every file in place is whole; a temporary may be left
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.name.endswith(".aligned.jsonl"):
            [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    with TranslationMemory(tm) as memory:
        assert memory.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        items = plan(collect_inputs([inbox], None))
        result = run_batch(items, ScriptedEngine("copy"), memory, options(out))
    statuses = [o.result for o in result.outcomes]
    assert statuses.count("skipped") == finished and statuses.count("done") == 8 - finished
    for item in items:
        json.loads((out / item.stem / f"{item.stem}.report.json").read_text(encoding="utf-8"))
    assert not list(out.rglob("*.part"))  # temporaries of the killed run are cleaned up
