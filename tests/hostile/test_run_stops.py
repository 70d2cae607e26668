"""Hard stops: Ctrl-C is one line and exit 130, workers die with their parent (kill -9
included), and an article the engine left empty is an error, never stamped done."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bilingual.render.formats import FORMATS
from bilingual.run.executor import CHUNK, BatchOptions, run_batch
from bilingual.run.inputs import collect_inputs, plan
from bilingual.run.stamps import stamp_path
from bilingual.testing import ScriptedEngine

SLOW_CLI = """
import sys, time
from bilingual.engines import ENGINES, EngineSpec
from bilingual.testing import ScriptedEngine

class Slow(ScriptedEngine):
    name = "slow"
    def translate(self, sources):
        time.sleep(1.0)
        return super().translate(sources)
    def hypotheses(self, sources, n):
        time.sleep(1.0)
        return super().hypotheses(sources, n)

ENGINES["none"] = EngineSpec("none", "slow", lambda options: Slow())
from bilingual.cli import app
sys.argv = ["bilingual", "translate", *sys.argv[1:]]
app()
"""


def inbox(tmp_path: Path, n: int = 8) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for i in range(n):
        (root / f"a{i}.txt").write_text(f"新华社电 第{i}篇文章。第二句话。\n", encoding="utf-8")
    return root


def start(tmp_path: Path, jobs: int) -> tuple[subprocess.Popen, Path]:
    """A run whose first chunk is stamped and whose later chunks are still to translate:
    three chunks of articles, so Ctrl-C after the first stamp always lands mid-run (with one
    chunk the stamps all land together and the signal could arrive after the run ended)."""
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_CLI, str(inbox(tmp_path, 2 * CHUNK + 8)), "-o", str(out),
         "--no-tm",
         "--engine", "none", "--jobs", str(jobs), "--formats", "jsonl,en"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("*/.*.done"))) < 1:
        time.sleep(0.05)
    assert list(out.glob("*/.*.done")), "the run did not get going"
    return proc, out


def group_gone(pgid: int, seconds: float = 10) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_is_one_line_and_exit_130(jobs: int, tmp_path: Path) -> None:
    proc, out = start(tmp_path, jobs)
    os.killpg(proc.pid, signal.SIGINT)  # as the terminal sends it: to the whole group
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    [line] = [x for x in stderr.splitlines() if "interrupted" in x]
    assert "articles done" in line and "run the same command again to resume" in line
    assert group_gone(proc.pid)
    done = int(line.split("interrupted: ")[1].split(" of ")[0])
    assert done == len(list(out.glob("*/.*.done")))  # the count said is the count kept
    assert 0 < done < 2 * CHUNK + 8, line  # stopped mid-run, not after it
    again = subprocess.run(
        [sys.executable, "-c", SLOW_CLI, str(tmp_path / "in"), "-o", str(out), "--no-tm",
         "--engine", "none", "--formats", "jsonl,en", "--quiet"],
        capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"{done} skipped" in again.stdout


def test_kill_minus_nine_takes_the_workers_along(tmp_path: Path) -> None:
    proc, _ = start(tmp_path, 2)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert children, "no worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=15)  # the pipes close: no orphan holds them
    assert group_gone(proc.pid), "a worker outlived its parent"


class Empty(ScriptedEngine):
    """A server that answers empty strings."""

    def translate(self, sources: list[str]) -> list[str]:
        return ["" for _ in sources]

    def hypotheses(self, sources: list[str], n: int) -> list[list[str]]:
        return [[""] * n for _ in sources]


def test_empty_answers_are_engine_errors_and_not_stamped(tmp_path: Path) -> None:
    items = plan(collect_inputs([inbox(tmp_path, 2)], None))
    out = tmp_path / "out"
    options = BatchOptions(out=out, formats=list(FORMATS))
    result = run_batch(items, Empty(), None, options)
    assert [o.result for o in result.outcomes] == ["failed", "failed"]
    assert "without a translation (engine errors)" in result.outcomes[0].reason
    for item in items:
        assert not stamp_path(out, item.stem).exists()
        rows = [json.loads(x) for x in (out / item.stem / f"{item.stem}.aligned.jsonl")
                .read_text(encoding="utf-8").splitlines()]
        flagged = [r for r in rows if r["translate"]]
        assert flagged and all(any(f["check"] == "engine-error" for f in r["flags"])
                               for r in flagged)
    again = run_batch(items, ScriptedEngine(), None, options)  # a rerun retries them
    assert [o.result for o in again.outcomes] == ["done", "done"]
    assert all(stamp_path(out, i.stem).exists() for i in items)


def test_ctrl_c_after_the_last_article_is_one_line_and_exit_130(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the summary prints: the articles stand, the user is told so."""
    from typer.testing import CliRunner

    import bilingual.run.progress
    from bilingual.cli import app

    def interrupted(*_: object, **__: object) -> list[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(bilingual.run.progress, "summary_lines", interrupted)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["translate", str(inbox(tmp_path, 2)), "-o", str(out),
                                      "--no-tm", "--engine", "none", "--formats", "en"])
    assert result.exit_code == 130, result.output
    assert "interrupted after the run had finished" in result.output
    assert len(list(out.glob("*/.*.done"))) == 2
