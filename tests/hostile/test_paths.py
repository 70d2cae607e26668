"""Hostile names and paths: stems, output folders, file names."""

from __future__ import annotations

import json
import os

import pytest

from . import fakelt, gen
from .conftest import (
    FAST,
    Snapshot,
    article_outputs,
    assert_no_crash,
    assert_one_line_error,
    assert_outputs_well_formed,
    jsonl_rows,
)


def _variant(i: int) -> str:
    return gen.ARTICLE.replace("126", str(8101 + i))


def _folder_for_variant(out, i):
    found = []
    for folder in article_outputs(out):
        for jsonl in folder.glob("*.aligned.jsonl"):
            if any(str(8101 + i) in r["zh"] for r in jsonl_rows(jsonl)):
                found.append(folder.name)
    return found


def test_same_stems_distinct_and_stable(cli, tmp_path):
    src = tmp_path / "in"
    for i, rel in enumerate(["a/same.txt", "b/same.txt", "same-2.txt"]):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(_variant(i), encoding="utf-8")
    out = tmp_path / "out"
    first = cli.translate_none(src, out=out, extra=("--formats", "jsonl"))
    assert first.returncode == 0, first
    mapping = {i: _folder_for_variant(out, i) for i in range(3)}
    assert all(len(v) == 1 for v in mapping.values()), mapping
    assert len({v[0] for v in mapping.values()}) == 3, mapping
    second = cli.translate_none(src, out=out, extra=("--formats", "jsonl", "--force"))
    assert second.returncode == 0, second
    assert {i: _folder_for_variant(out, i) for i in range(3)} == mapping


@pytest.mark.parametrize("name", [
    "...txt",
    "..txt", ". .txt"])
def test_dotty_names_stay_inside_output(cli, tmp_path, name):
    src = tmp_path / "in" / name
    src.parent.mkdir()
    src.write_text(gen.ARTICLE, encoding="utf-8")
    out = tmp_path / "work" / "out"
    out.mkdir(parents=True)
    snap = Snapshot(tmp_path, ignore=(out,))
    result = cli.translate_none(src, out=out, extra=("--formats", "jsonl,tsv"))
    assert_no_crash(result)
    assert snap.changed_outside() == [], snap.changed_outside()
    if result.returncode == 0:
        assert [p for p in out.rglob("*.aligned.jsonl")], "exit 0 but no outputs in -o"


NAMES = {
    "invalid-utf8-byte": b"bad\xff\xfename.txt",
    "escape-sequence": b"ctl\x1b[31mred.txt",
    "newline": b"two\nlines.txt",
    "tab-and-bell": b"t\tb\x07.txt",
}


@pytest.mark.parametrize("kind", list(NAMES))
def test_odd_file_names_handled(cli, tmp_path, kind):
    folder = tmp_path / "in"
    folder.mkdir()
    path = os.path.join(os.fsencode(folder), NAMES[kind])
    with open(path, "wb") as handle:
        handle.write(gen.ARTICLE.encode())
    out = tmp_path / "out"
    snap = Snapshot(tmp_path, ignore=(out,))
    for target in (os.fsdecode(path), folder):
        result = cli.translate_none(target, out=out, extra=("--formats", "jsonl,tmx,docx", "--force"))
        assert_no_crash(result)
        assert result.returncode == 0, result
    assert snap.changed_outside() == []
    assert_outputs_well_formed(out)
    json.loads((out / "run.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", [
    k
    for k in ["escape-sequence", "tab-and-bell"]])
def test_control_chars_in_names_not_echoed_raw(cli, tmp_path, kind):
    """A file name is untrusted: raw ESC/BEL must not reach the terminal (log, summary)."""
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), NAMES[kind]), "wb") as handle:
        handle.write(gen.ARTICLE.encode())
    result = cli.translate_none(folder, out=tmp_path / "out", extra=("--formats", "jsonl"))
    assert result.returncode == 0, result
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout + result.stderr


def _output_is_file(tmp_path):
    target = tmp_path / "out"
    target.write_text("I am a file\n")
    return target


def _output_unwritable(tmp_path):
    """chmod 0555 as a normal user; as root (permissions ignored) a folder below a regular
    file, which nobody can create."""
    if os.geteuid() != 0:
        target = tmp_path / "ro"
        target.mkdir()
        target.chmod(0o555)
        return target
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    return blocker / "out"


@pytest.mark.parametrize("kind", [
    k
    for k in ["existing-file", "unwritable-folder"]])
def test_bad_output_folder_fails_before_mt(cli, tmp_path, article, kind):
    out = (_output_is_file if kind == "existing-file" else _output_unwritable)(tmp_path)
    try:
        with fakelt.serve("ok") as (url, requests):
            result = cli("translate", article, "-o", out, "--engine", "libretranslate",
                         "--url", url, "--no-tm", *FAST, timeout=60)
    finally:
        if out.exists() and out.is_dir():
            out.chmod(0o755)
    assert_one_line_error(result)
    assert [r for r in requests if "q" in r] == [], "the error came after the MT work"


def test_segment_output_is_a_directory(cli, tmp_path, article):
    folder = tmp_path / "somedir"
    folder.mkdir()
    result = cli("segment", article, "-o", folder, timeout=30)
    assert_one_line_error(result, whole_stderr=True)


def test_same_stem_in_one_folder_refused_before_any_output(cli, tmp_path):
    """a.txt and a.htm in one folder would share an output folder, and naming them by the set
    present would move a.txt's outputs when a.htm is added: the plan is refused instead, in
    one line naming both, before anything is written."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(_variant(0), encoding="utf-8")
    (src / "a.htm").write_text("<html><meta charset='utf-8'><body><h1>" + gen.TITLE +
                               "</h1><p>" + _variant(1).split("\n\n")[5] + "</p></body></html>",
                               encoding="utf-8")
    out = tmp_path / "out"
    result = cli.translate_none(src, out=out, extra=("--formats", "jsonl"))
    assert_one_line_error(result)
    assert "a.txt" in result.stderr and "a.htm" in result.stderr, result
    assert not list(out.rglob("*.jsonl")) if out.exists() else True
