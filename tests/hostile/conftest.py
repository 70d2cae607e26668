"""Fixtures and checks for the hostile suite: run the CLI in a subprocess, isolated."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

from . import gen

BIN = Path(sys.executable).parent / "bilingual"
FAST = ["--no-names", "--no-default-glossary"]  # skip the 3 s jieba load where names don't matter


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "slow: a hostile case slower than ~5 s")


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    elapsed: float

    def __str__(self) -> str:
        return (f"$ bilingual {' '.join(self.args)}\nexit {self.returncode} "
                f"({self.elapsed:.1f} s)\n--- stdout\n{self.stdout[-3000:]}\n"
                f"--- stderr\n{self.stderr[-3000:]}")

    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("bilingual: error:")]


class Cli:
    """Runs `bilingual` with HOME, XDG_DATA_HOME and ARGOS_PACKAGES_DIR inside tmp_path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.home.mkdir(exist_ok=True)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "ARGOS_PACKAGES_DIR": str(root / "argos-packages"),
            "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/",  # discard port: refused
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "NO_COLOR": "1", "COLUMNS": "200",
        }

    def __call__(self, *args: object, timeout: float = 60, cwd: Path | None = None,
                 stdin: bytes | None = None, env: dict | None = None,
                 unprivileged: bool = False) -> Result:
        """`unprivileged`: as a user whom file permissions stop (see `without_root_powers`)."""
        argv = [os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a) for a in args]
        start = time.monotonic()
        command = [str(BIN), *argv]
        if unprivileged:
            command = without_root_powers(command)
        proc = subprocess.run(command, cwd=cwd or self.root, capture_output=True,
                              input=stdin if stdin is not None else b"",
                              env={**self.env, **(env or {})}, timeout=timeout)
        return Result(argv, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                      proc.stderr.decode("utf-8", "replace"), time.monotonic() - start)

    def translate_none(self, *inputs: object, out: Path, extra: tuple = (),
                       timeout: float = 60, **kw) -> Result:
        return self("translate", *inputs, "-o", out, "--engine", "none", "--no-tm", *FAST,
                    *extra, timeout=timeout, **kw)


# Tests run as root here, and file permissions do not stop root: its powers to ignore them
# are two capabilities. Dropped for the command (util-linux's setpriv), root is held to the
# mode bits like any user, so a mode-0555 folder, a 0444 TM and a mode-000 input are tried
# for real rather than through stand-ins.
_DAC = "-dac_override,-dac_read_search"


def without_root_powers(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root without setpriv (util-linux): permissions cannot be tried")
    return [setpriv, f"--inh-caps={_DAC}", f"--bounding-set={_DAC}", "--", *command]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """A plain Chinese news article, UTF-8."""
    path = tmp_path / "in" / "article.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(gen.ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def installed_tiny_cli(cli: Cli, tiny_package_file: Path) -> Cli:
    """The tiny real Argos package installed through `bilingual models install --from`."""
    result = cli("models", "install", "--from", tiny_package_file, timeout=120)
    assert result.returncode == 0, result
    return cli


# -- checks --------------------------------------------------------------------------------

def assert_no_crash(result: Result) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result
    assert result.returncode in (0, 2), result


def assert_one_line_error(result: Result, *, whole_stderr: bool = False,
                          mentions: tuple[str, ...] = ()) -> None:
    """Bad input: exit 2, no traceback, exactly one `bilingual: error:` line (and, with
    whole_stderr, nothing else on stderr)."""
    assert "Traceback" not in result.stderr + result.stdout, result
    assert result.returncode == 2, result
    errors = result.error_lines()
    assert len(errors) == 1, result
    if whole_stderr:
        assert result.stderr.strip() == errors[0], result
    for word in mentions:
        assert word.casefold() in errors[0].casefold(), result


class Snapshot:
    """Every path under `root` (files, links, folders) with size and mtime; diff later."""

    def __init__(self, root: Path, ignore: tuple[Path, ...] = ()) -> None:
        self.root = root
        self.ignore = tuple(p.resolve() for p in ignore)
        self.before = self._take()

    def _take(self) -> dict[str, tuple]:
        state: dict[str, tuple] = {}
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            base = Path(dirpath)
            for name in dirnames + filenames:
                path = base / name
                st = path.lstat()
                state[os.fsdecode(path.relative_to(self.root))] = (st.st_mode, st.st_size,
                                                                   st.st_mtime_ns)
        return state

    def _ignored(self, rel: str) -> bool:
        full = (self.root / rel)
        return any(full == p or p in full.parents for p in self.ignore) or \
            any(full.resolve() == p or p in full.resolve().parents for p in self.ignore)

    def changed_outside(self) -> list[str]:
        after = self._take()
        changed = [rel for rel, st in after.items() if self.before.get(rel) != st]
        changed += [rel for rel in self.before if rel not in after]
        return sorted(rel for rel in changed if not self._ignored(rel))


def part_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".part") or ".part." in p.name
            or p.name.endswith(".tmp")]


def assert_outputs_well_formed(folder: Path) -> dict[str, Path]:
    """Every output under `folder` parses in its format; returns them by suffix kind."""
    found: dict[str, Path] = {}
    assert folder.exists(), f"{folder} missing"
    assert not part_files(folder), part_files(folder)
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        name = path.name
        if name.endswith((".tmx", ".xlf", ".xliff")):
            ElementTree.parse(path)  # raises on malformed XML
            found["tmx" if name.endswith(".tmx") else "xliff"] = path
        elif name.endswith(".docx"):
            assert zipfile.is_zipfile(path), path
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None, path
                for member in z.namelist():
                    if member.endswith(".xml") or member.endswith(".rels"):
                        ElementTree.fromstring(z.read(member))
            import docx

            docx.Document(str(path))
            found["docx"] = path
        elif name.endswith(".jsonl"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    json.loads(line)
            found["jsonl"] = path
        elif name.endswith(".json"):
            json.loads(path.read_text(encoding="utf-8"))
            found.setdefault("json", path)
        elif name.endswith(".tsv"):
            text = path.read_text(encoding="utf-8")
            widths = {len(line.split("\t")) for line in text.splitlines() if line}
            assert len(widths) <= 1, (path, widths)
            found["tsv"] = path
        elif name.endswith(".en.txt"):
            path.read_text(encoding="utf-8")
            found["en"] = path
    return found


def jsonl_rows(path: Path) -> list[dict]:
    # "\n" only, as a JSON Lines reader must: JSON strings hold U+2028 and U+0085 raw
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n")
            if line.strip()]


def article_outputs(out: Path) -> list[Path]:
    """Per-article output folders under `out`."""
    return sorted(p for p in out.iterdir() if p.is_dir()) if out.exists() else []


# -- recorded figures (times, memory), printed at the end of the run -----------------------

_FIGURES: list[str] = []


@pytest.fixture
def record(request):
    def _record(text: str) -> None:
        _FIGURES.append(f"{request.node.name}: {text}")
        request.node.user_properties.append(("figure", text))
    return _record


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("hostile: recorded figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)


MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.monotonic()\n"
    "try:\n"
    "    p = subprocess.run(sys.argv[2:], capture_output=True, timeout=float(sys.argv[1]))\n"
    "    code = p.returncode; err = p.stderr.decode('utf-8', 'replace')[-400:]\n"
    "except subprocess.TimeoutExpired:\n"
    "    code = 'timeout'; err = ''\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "import json; print(json.dumps({'code': code, 'seconds': time.monotonic() - t,\n"
    "                               'maxrss_mb': r.ru_maxrss / 1024, 'stderr': err}))\n"
)


def measure(cli: Cli, *args: object, timeout: float) -> dict:
    """Run bilingual under a fresh wrapper process; its children's peak RSS and wall time.
    (A killed child on timeout still counts towards RUSAGE_CHILDREN once reaped.)"""
    argv = [str(BIN), *(os.fsdecode(a) if isinstance(a, os.PathLike) else str(a) for a in args)]
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(timeout), *argv],
                          capture_output=True, env=cli.env, cwd=cli.root, timeout=timeout + 30)
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])
