"""Hostile names, paths and output folders: every output stays under -o, no two inputs share
a folder, a folder that cannot be written is one line before any work, a full disk stops the
run cleanly, and a second run on the same folder is refused."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from bilingual.render.formats import FORMATS
from bilingual.run.executor import BatchOptions, run_batch
from bilingual.run.inputs import collect_inputs, plan
from bilingual.testing import ScriptedEngine
from hostile.run_kit import files_under, held, invoke, one_line_error

ARTICLE = "新华社北京1月2日电 全市各级党组织认真学习。群众如有发热症状请及时就诊。\n"
ROOT = os.geteuid() == 0  # permissions do not stop root: those cases need another user


def write(path: Path, text: str = ARTICLE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def translate(*args: str | Path):
    return invoke("translate", *args, "--engine", "none", "--no-tm")


# -- names -------------------------------------------------------------------------------

HOSTILE_NAMES = {
    "dots-stem": "...txt",
    "dotdot-stem": "...txt",  # stem ".." after the suffix goes
    "leading-dot-dot": "..a.txt",
    "control-char": "a\x01b.txt",
    "ansi-escape": "\x1b[31mred.txt",
    "newline": "two\nlines.txt",
    "windows-reserved": 'a:b?c*"d<e>|.txt',
    "backslash": "a\\..\\b.txt",
    "only-spaces": "   .txt",
    "very-long": "很" * 80 + ".txt",
    "trailing-dot": "name..txt",
    "dash-start": "-rf.txt",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_hostile_file_names_stay_under_out(case: str, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    article = write(inbox / HOSTILE_NAMES[case])
    out = tmp_path / "deep" / "out"
    result = translate(article, "-o", out)  # given by name: folders skip hidden files
    assert result.exit_code == 0, result.output
    outside = files_under(tmp_path) - files_under(out) - files_under(inbox)
    assert not outside, outside
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    assert not folder.name.startswith(".") and "\x01" not in folder.name
    assert len(folder.name.encode()) <= 60
    assert json.loads(next(folder.glob("*.report.json")).read_text(encoding="utf-8"))


def test_long_names_sharing_a_beginning_stay_apart(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox / ("很" * 70 + "甲.txt"))
    write(inbox / ("很" * 70 + "乙.txt"))
    out = tmp_path / "out"
    assert translate(inbox, "-o", out).exit_code == 0
    assert len([p for p in out.iterdir() if p.is_dir()]) == 2


def test_invalid_utf8_byte_in_a_name(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    name = os.fsdecode(b"bad\xff\xfename.txt")
    write(inbox / name)
    out = tmp_path / "out"
    result = translate(inbox, "-o", out)
    assert result.exit_code == 0, result.output
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    folder.name.encode("utf-8")  # a name every tool can print
    held(result)


def test_same_stems_in_sub_folders_never_share_a_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox / "x" / "same.txt", "新华社电 甲文章第一句。\n")
    write(inbox / "y" / "same.txt", "新华社电 乙文章第一句。\n")
    write(inbox / "same-2.txt", "新华社电 丙文章第一句。\n")
    out = tmp_path / "out"
    for _ in range(2):  # a rerun maps every input to the same folder again
        result = translate(inbox, "-o", out, "--formats", "jsonl", "--force")
        assert result.exit_code == 0, result.output
        seen = {}
        for jsonl in out.glob("*/*.aligned.jsonl"):
            text = jsonl.read_text(encoding="utf-8")
            seen[jsonl.parent.name] = next(c for c in "甲乙丙" if c in text)
        assert seen == {"same--x": "甲", "same--y": "乙", "same-2": "丙"}


@pytest.mark.parametrize("names", [("A.txt", "sub/a.txt", "a.html"),
                                   ("x/a.txt", "X/a.txt", "a.txt")])
def test_a_plan_mapping_two_inputs_to_one_folder_is_refused(names, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    for name in names:
        write(inbox / name)
    paths = collect_inputs([inbox], None)
    stems = [i.stem.casefold() for i in plan(paths)] if _plannable(paths) else []
    assert len(stems) == len(set(stems))  # either distinct names, or refused below
    if not stems:
        one_line_error(translate(inbox, "-o", tmp_path / "out"), "same output folder")
        assert not (tmp_path / "out" / "run.json").exists()


def _plannable(paths: list[Path]) -> bool:
    from bilingual.errors import BilingualError

    try:
        plan(paths)
    except BilingualError:
        return False
    return True


def test_a_stem_refused_by_the_writer_itself(tmp_path: Path) -> None:
    from bilingual.errors import BilingualError
    from bilingual.records import Article
    from bilingual.render.write import article_dir

    for stem in ("..", ".", "", "a/b", "../x", ".hidden", "a\x01"):
        with pytest.raises(BilingualError, match="not a safe output name"):
            article_dir(tmp_path, Article("p", stem, "utf-8", "txt", "simplified", []))


# -- the output folder ---------------------------------------------------------------------

def test_out_is_a_file(tmp_path: Path) -> None:
    target = write(tmp_path / "out.txt", "not a folder")
    one_line_error(translate(write(tmp_path / "a.txt"), "-o", target), "is a file")
    assert target.read_text() == "not a folder"


def test_out_below_a_file(tmp_path: Path) -> None:
    blocker = write(tmp_path / "blocker", "x")
    one_line_error(translate(write(tmp_path / "a.txt"), "-o", blocker / "out"),
                   "cannot write the output folder")


def test_out_on_a_read_only_file_system(tmp_path: Path) -> None:
    ro = Path("/proc/self/bilingual-out")  # procfs takes no new folders, even from root
    one_line_error(translate(write(tmp_path / "a.txt"), "-o", ro),
                   "cannot write the output folder")


@pytest.mark.parametrize("where", ["out", "parent"])
def test_out_read_only_folder(where: str, tmp_path: Path, cli) -> None:
    """Run without root's powers over file modes (conftest.without_root_powers)."""
    parent = tmp_path / "p"
    out = parent / "out"
    out.mkdir(parents=True)
    (out if where == "out" else parent).chmod(0o555)
    try:
        target = out if where == "out" else parent / "new"
        result = cli("translate", write(tmp_path / "a.txt"), "-o", target, "--engine", "none",
                     "--no-tm", unprivileged=True)
        assert result.returncode == 2, result
        [error] = result.error_lines()
        assert "cannot write the output folder" in error and "Traceback" not in result.stderr
        assert sorted(p.name for p in out.iterdir()) == []  # nothing written
    finally:
        (out if where == "out" else parent).chmod(0o755)


def test_probe_runs_before_the_engine_loads(tmp_path: Path) -> None:
    """libretranslate at a closed port would fail too: the folder's error comes first."""
    target = write(tmp_path / "out.txt", "x")
    result = invoke("translate", write(tmp_path / "a.txt"), "-o", target, "--engine",
                    "libretranslate", "--url", "http://127.0.0.1:9", "--no-tm")
    one_line_error(result, "is a file")


@pytest.mark.parametrize("kind", ["unreadable-bytes", "no-permission"])
def test_unreadable_input_is_one_line_before_the_model(kind: str, tmp_path: Path, cli) -> None:
    if kind == "unreadable-bytes":
        bad = Path("/proc/self/mem")  # opens, but reading its first byte fails (EIO)
    else:
        bad = write(tmp_path / "locked.txt")
        bad.chmod(0)
    good = write(tmp_path / "good.txt")
    out = tmp_path / "out"
    result = cli("translate", bad, good, "-o", out, "--engine", "none", "--no-tm",
                 unprivileged=kind == "no-permission")  # root reads mode-000 files
    assert result.returncode == 2, result
    errors = result.error_lines()
    assert len(errors) == 1 and "cannot be read" in errors[0], result
    assert (out / "good" / "good.report.json").exists()  # the rest went on


def test_a_failure_is_said_once_with_the_name_once(tmp_path: Path) -> None:
    bad = write(tmp_path / "english.txt", "No Chinese here at all.\n")
    result = translate(bad, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.count("contains no Chinese text") == 2  # progress line + error line
    for line in result.output.splitlines():
        assert line.count(str(bad)) <= 1, line


# -- locks and stale temporaries ---------------------------------------------------------

def test_a_second_run_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    from bilingual.run.lock import output_lock

    out = tmp_path / "out"
    out.mkdir()
    with output_lock(out):
        part = write(out / "a" / ".a.en.txt.k2j9x7q1.part", "in flight")  # the holder's
        one_line_error(translate(write(tmp_path / "a.txt"), "-o", out),
                       "another bilingual run is writing")
        one_line_error(invoke("review", "import", tmp_path / "a.txt", "-o", out, "--no-tm"),
                       "another bilingual run")
    assert part.exists()  # the other run's temporary was left alone
    result = translate(tmp_path / "a.txt", "-o", out)
    assert result.exit_code == 0, result.output
    assert not part.exists()  # now provably stale (we hold the lock): cleaned


def test_the_lock_dies_with_its_holder(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from bilingual.run.lock import output_lock\n"
        "with output_lock(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(60)"),
        str(out)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    one_line_error(translate(write(tmp_path / "a.txt"), "-o", out), "another bilingual run")
    holder.kill()
    holder.wait()
    assert translate(tmp_path / "a.txt", "-o", out).exit_code == 0


# -- a full disk ---------------------------------------------------------------------------

def test_disk_full_stops_cleanly_with_the_count(tmp_path: Path, monkeypatch) -> None:
    import bilingual.run.stamps as stamps

    inbox = tmp_path / "in"
    for i in range(5):
        write(inbox / f"a{i}.txt", f"新华社电 第{i}篇文章。\n")
    real = stamps.atomic_write_text
    calls = {"n": 0}

    def fill_up(path, text):
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, text)

    monkeypatch.setattr(stamps, "atomic_write_text", fill_up)
    out = tmp_path / "out"
    result = translate(inbox, "-o", out)
    assert result.exit_code == 2, result.output
    assert "stopped, the disk is full (" in result.stderr
    assert "): 2 of 5 articles done" in result.stderr
    assert "Traceback" not in result.output
    monkeypatch.setattr(stamps, "atomic_write_text", real)
    again = translate(inbox, "-o", out)
    assert again.exit_code == 0 and "2 skipped, 3 done" in again.stdout.replace(
        "3 done, 2 skipped", "2 skipped, 3 done")


def test_disk_full_in_run_batch_raises_interrupted(tmp_path: Path, monkeypatch) -> None:
    import bilingual.render.write as write_module
    from bilingual.run.executor import Interrupted

    write(tmp_path / "in" / "a.txt")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    # every output is written through these (the ones streamed piece by piece too)
    for name in ("atomic_open", "atomic_write_bytes", "atomic_write_text"):
        monkeypatch.setattr(write_module, name, full)
    items = plan(collect_inputs([tmp_path / "in"], None))
    with pytest.raises(Interrupted, match=r"disk is full \(.*\): 0 of 1"):
        run_batch(items, ScriptedEngine(), None,
                  BatchOptions(out=tmp_path / "out", formats=list(FORMATS)))
    shutil.rmtree(tmp_path / "out", ignore_errors=True)


# -- progress ------------------------------------------------------------------------------

def test_progress_shows_the_stage(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    for i in range(3):
        write(inbox / f"a{i}.txt", f"新华社电 第{i}篇文章。第二句。\n")
    result = translate(inbox, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "translating " in result.stderr and " segments" in result.stderr

    from bilingual.run.executor import Stage
    from bilingual.run.progress import Reporter

    class Tty:
        def __init__(self) -> None:
            self.text = ""

        def isatty(self) -> bool:
            return True

        def write(self, s: str) -> int:
            self.text += s
            return len(s)

        def flush(self) -> None:
            pass

    stream = Tty()
    reporter = Reporter(40, stream=stream)
    reporter.stage(Stage("translating", 2, 3, 517))
    assert "chunk 2/3: translating 517 segments" in str(reporter.bar.tasks[0].fields["stage"])
    reporter.close()


def test_disk_full_when_writing_the_run_summary(tmp_path: Path, monkeypatch) -> None:
    import importlib

    import bilingual.fileio as fileio

    for holder in ("bilingual.render.write", "bilingual.run.stamps"):
        importlib.import_module(holder)  # they bind the real writer; run.json imports it late

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio, "atomic_write_text", full)  # run.json is written through it
    result = translate(write(tmp_path / "a.txt"), "-o", tmp_path / "out")
    one_line_error(result, "cannot write the run summary", "articles themselves are done")
    assert (tmp_path / "out" / "a" / "a.report.json").exists()


def test_killed_between_the_docx_and_its_hash_is_not_a_reviewers_copy(tmp_path: Path,
                                                                      monkeypatch) -> None:
    """The crash window of issue 10: the DOCX renamed into place, its hash not yet. The hash
    is recorded first, so the rerun still knows the DOCX as its own."""
    import bilingual.render.write as write_module

    article = write(tmp_path / "a.txt")
    out = tmp_path / "out"
    assert translate(article, "-o", out, "--formats", "docx").exit_code == 0
    article.write_text(ARTICLE + "新的一段。\n", encoding="utf-8")
    real = write_module.atomic_write_text
    hashes = {"n": 0}

    def die_after_the_docx(path, text):
        if str(path).endswith(".sha256"):
            hashes["n"] += 1
            if hashes["n"] == 2:  # the second hash write comes after the DOCX rename
                raise KeyboardInterrupt  # as a kill would stop it: nothing after runs
        real(path, text)

    monkeypatch.setattr(write_module, "atomic_write_text", die_after_the_docx)
    stopped = translate(article, "-o", out, "--formats", "docx")
    assert stopped.exit_code == 130
    monkeypatch.setattr(write_module, "atomic_write_text", real)
    again = translate(article, "-o", out, "--formats", "docx")
    assert again.exit_code == 0, again.output  # not refused as "a reviewer's copy"
    assert not list(out.rglob("*.part"))
