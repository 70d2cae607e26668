"""Model management: offline install from a file, install from an index served on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.errors import BilingualError
from bilingual.models import find_zh_en, install_from_file, installed_packages

runner = CliRunner()


def test_install_from_file(packages_dir: Path, tiny_package_file: Path) -> None:
    assert find_zh_en(packages_dir) is None
    result = runner.invoke(app, ["models", "install", "--from", str(tiny_package_file)])
    assert result.exit_code == 0, result.output
    assert "installed translate-zh_en-tiny zh→en 1.0" in result.stdout
    pkg = find_zh_en(packages_dir)
    assert pkg is not None and (Path(pkg.package_path) / "model" / "model.bin").exists()
    # reinstalling replaces, never duplicates
    install_from_file(tiny_package_file, packages_dir)
    assert len(installed_packages(packages_dir)) == 1
    assert not [p for p in packages_dir.iterdir() if p.name.startswith(".installing")]


def test_list_offline(installed_tiny: Path) -> None:
    result = runner.invoke(app, ["models", "list", "--offline"])
    assert result.exit_code == 0
    assert "translate-zh_en-tiny  zh→en  1.0  (used for zh→en)" in result.stdout


def test_list_with_unreachable_index(installed_tiny: Path) -> None:
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0
    assert "available: unknown: " in result.stdout and "cannot reach the package index" in result.stdout


def _rezip(src: Path, dest: Path, rename=None, drop=None, metadata=None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            if drop and drop in info.filename:
                continue
            data = zin.read(info)
            name = rename(info.filename) if rename else info.filename
            if metadata is not None and name.endswith("/metadata.json"):
                data = json.dumps(metadata).encode()
            zout.writestr(name, data)
    return dest


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda src, d: d / "missing.argosmodel", "no such file"),
        (lambda src, d: (d / "t.argosmodel").write_bytes(b"text") and d / "t.argosmodel", "not a zip"),
        (lambda src, d: _rezip(src, d / "m.argosmodel", drop="metadata.json"), "metadata.json"),
        (lambda src, d: _rezip(src, d / "e.argosmodel", metadata={"from_code": "en", "to_code": "es"}),
         "en→es package"),
        (lambda src, d: _rezip(src, d / "s.argosmodel", rename=lambda n: n.replace(
            "translate-zh_en-tiny/README.md", "translate-zh_en-tiny/../../evil.md")), "unsafe paths"),
        (lambda src, d: _rezip(src, d / "n.argosmodel", drop="/model/"), "no CTranslate2 model"),
    ],
)
def test_bad_package_files(packages_dir: Path, tiny_package_file: Path, tmp_path: Path, make,
                           message: str) -> None:
    bad = make(tiny_package_file, tmp_path)
    result = runner.invoke(app, ["models", "install", "--from", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert find_zh_en(packages_dir) is None
    assert not (tmp_path.parent / "evil.md").exists()


@pytest.fixture
def index_server(tmp_path: Path, tiny_package_file: Path, monkeypatch):
    """An Argos-style package index and its package, served on 127.0.0.1."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "translate-zh_en.argosmodel").write_bytes(tiny_package_file.read_bytes())
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    index = [
        {"type": "translate", "from_code": "en", "to_code": "es", "package_version": "1.0",
         "links": [base + "nothing.argosmodel"]},
        {"type": "translate", "from_code": "zh", "to_code": "en", "package_version": "1.0",
         "from_name": "Chinese", "to_name": "English",
         "links": [base + "translate-zh_en.argosmodel"]},
    ]
    (root / "index.json").write_text(json.dumps(index))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", base)
    yield base
    server.shutdown()
    server.server_close()


def test_install_from_index(packages_dir: Path, index_server: str) -> None:
    listed = runner.invoke(app, ["models", "list"])
    assert f"available from {index_server}index.json:" in listed.stdout
    assert "translate-zh_en  1.0" in listed.stdout
    result = runner.invoke(app, ["models", "install"])
    assert result.exit_code == 0, result.output
    assert "downloading" in result.stderr  # the progress bar
    assert find_zh_en(packages_dir) is not None


def test_install_offline_fails_clearly(packages_dir: Path) -> None:
    result = runner.invoke(app, ["models", "install"])
    assert result.exit_code == 2
    assert "cannot reach the package index" in result.stderr
    assert "--from" in result.stderr


def test_index_without_zh_en(packages_dir: Path, index_server: str, tmp_path: Path) -> None:
    (tmp_path / "www" / "index.json").write_text("[]")
    with pytest.raises(BilingualError, match="lists no zh→en package"):
        from bilingual.models import install_from_index

        install_from_index(packages_dir)
