"""Two runs at once on the same input and output; `--formats` parsing."""

from __future__ import annotations

import subprocess

import pytest

from . import gen
from .conftest import (
    BIN,
    FAST,
    assert_one_line_error,
    assert_outputs_well_formed,
    part_files,
)


@pytest.mark.slow
def test_two_runs_same_output_at_once(cli, tmp_path, record):
    """Runs on the same folder and TM at once (three, started together, --force so all write
    every article). The race is timing-dependent, so up to 6 rounds; the first crash fails."""
    src = tmp_path / "in"
    src.mkdir()
    for i in range(10):
        (src / f"a{i}.txt").write_text(gen.ARTICLE.replace("126", str(300 + i)), encoding="utf-8")
    out = tmp_path / "out"
    argv = [str(BIN), "translate", str(src), "-o", str(out), "--engine", "none", "--tm",
            str(tmp_path / "tm.sqlite"), *FAST, "--force"]
    for round_ in range(6):
        procs = [subprocess.Popen(argv, cwd=tmp_path, env=cli.env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(3)]
        results = []
        for p in procs:
            _stdout, stderr = p.communicate(timeout=90)
            results.append((p.returncode, stderr.decode(errors="replace")))
        for code, stderr in results:
            if "Traceback" in stderr:
                record(f"crashed in round {round_ + 1}")
            assert "Traceback" not in stderr, (round_, stderr[-1500:])
            assert code in (0, 2), (code, stderr)
            if code == 2:
                assert any(x.startswith("bilingual: error:") for x in stderr.splitlines())
        assert any(code == 0 for code, _ in results), results
        assert not part_files(out)
        assert_outputs_well_formed(out)
    for i in range(10):
        assert (out / f"a{i}" / f"a{i}.aligned.jsonl").exists()


@pytest.mark.parametrize("spelling", [
    "xlf", "XLIFF", " xliff "])
def test_formats_xliff_spellings_accepted(cli, tmp_path, article, spelling):
    out = tmp_path / "out"
    result = cli.translate_none(article, out=out, extra=("--formats", spelling))
    assert result.returncode == 0, result
    assert (out / "article" / "article.xlf").exists()


@pytest.mark.parametrize("value", [
    "", ",", "bogus", "docx,bogus"], ids=["empty", "comma", "bogus", "docx-bogus"])
def test_formats_bad_value_one_line_error(cli, tmp_path, article, value):
    out = tmp_path / "out"
    result = cli.translate_none(article, out=out, extra=("--formats", value))
    assert_one_line_error(result, whole_stderr=True)
    assert not (out / "article").exists()


def test_kill_9_then_rerun_completes(cli, tmp_path):
    """README: a run killed at any moment finishes the rest when run again, no temporaries."""
    import signal
    import time

    src = tmp_path / "in"
    src.mkdir()
    for i in range(20):
        (src / f"k{i:02}.txt").write_text(gen.ARTICLE.replace("126", str(600 + i)), encoding="utf-8")
    out = tmp_path / "out"
    argv = [str(BIN), "translate", str(src), "-o", str(out), "--engine", "none", "--tm",
            str(tmp_path / "tm.sqlite"), *FAST]
    proc = subprocess.Popen(argv, cwd=tmp_path, env=cli.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(out.glob("k0*/*.aligned.jsonl")):
        time.sleep(0.02)
    time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    again = cli("translate", src, "-o", out, "--engine", "none", "--tm", tmp_path / "tm.sqlite",
                *FAST, timeout=90)
    assert again.returncode == 0, again
    assert not part_files(out)
    assert_outputs_well_formed(out)
    for i in range(20):
        assert list((out / f"k{i:02}").glob(".*.done")), f"k{i:02} not stamped"
