"""Hostile model packages through `bilingual models install --from`."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from . import gen, rawzip
from .conftest import Snapshot, assert_one_line_error


def _members(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _top(package: Path) -> str:
    return next(iter(_members(package))).split("/")[0]


def _metadata_name(package: Path) -> str:
    return next(n for n in _members(package) if n.count("/") == 1 and n.endswith("metadata.json"))


def metadata_not_object(package: Path, value: str) -> bytes:
    return gen.rewrite_zip(package.read_bytes(), {_metadata_name(package): value.encode()})


def with_symlink(package: Path, target: str) -> bytes:
    entries = rawzip.entries_of(package.read_bytes())
    entries.append(rawzip.entry(f"{_top(package)}/model/escape", target.encode(),
                                rawzip.STORED, mode=0o120777))
    return rawzip.build(entries)


def corrupt_deflate(package: Path) -> bytes:
    data = package.read_bytes()
    name = next(n for n in _members(package) if n.endswith("model/model.bin"))
    return gen.corrupt_member(data, name)


def zipcrypto(package: Path) -> bytes:
    return rawzip.build(rawzip.entries_of(package.read_bytes(), password=b"secret"))


def dot_top(package: Path) -> bytes:
    top = _top(package)
    src = _members(package)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in src.items():
            z.writestr("." + name if name.startswith(top) else name, body)
    return out.getvalue()


def random_model_bin(package: Path) -> bytes:
    name = next(n for n in _members(package) if n.endswith("model/model.bin"))
    return gen.rewrite_zip(package.read_bytes(), {name: os.urandom(4096)})


HOSTILE = {
    "metadata-list": lambda p: metadata_not_object(p, "[]"),
    "metadata-string": lambda p: metadata_not_object(p, '"zh→en"'),
    "metadata-null": lambda p: metadata_not_object(p, "null"),
    "symlink-member-absolute": lambda p: with_symlink(p, "/etc/passwd"),
    "symlink-member-dotdot": lambda p: with_symlink(p, "../../../../outside"),
    "corrupt-deflate": corrupt_deflate,
    "zipcrypto": zipcrypto,
    "top-folder-dot": dot_top,
}

@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_package_refused_or_safe(cli, tmp_path, tiny_package_file, kind):
    """One-line error, or (for symlinks) a safe install; nothing outside the packages folder,
    no staging folder left behind."""
    bad = tmp_path / f"{kind}.argosmodel"
    bad.write_bytes(HOSTILE[kind](tiny_package_file))
    packages = tmp_path / "argos-packages"
    # argostranslate creates its own folders under HOME on import: not ours to judge here
    snap = Snapshot(tmp_path, ignore=(packages, tmp_path / "home"))
    result = cli("models", "install", "--from", bad, timeout=60)
    assert snap.changed_outside() == [], snap.changed_outside()
    leftovers = [p.name for p in packages.iterdir() if p.name.startswith(".")] \
        if packages.exists() else []
    assert leftovers == [], leftovers
    if kind.startswith("symlink") and result.returncode == 0:
        links = [p for p in packages.rglob("*") if p.is_symlink()]
        assert links == [], f"installed a symlink member: {links}"
        return
    if kind == "top-folder-dot" and result.returncode == 0:
        # installed under a visible name, where `translate` looks (no hidden folder left)
        assert [p.name for p in packages.iterdir()] == ["translate-zh_en-tiny"], result
        return
    assert_one_line_error(result, whole_stderr=True)


@pytest.mark.parametrize("kind", [
    "corrupt-deflate", "zipcrypto", "metadata-list",
    "random-model-bin"])
def test_broken_package_keeps_working_install(installed_tiny_cli, tmp_path, tiny_package_file,
                                              article, kind):
    cli = installed_tiny_cli
    before = sorted(p.relative_to(tmp_path / "argos-packages")
                    for p in (tmp_path / "argos-packages").rglob("*"))
    builder = HOSTILE.get(kind, random_model_bin)
    bad = tmp_path / f"{kind}.argosmodel"
    bad.write_bytes(builder(tiny_package_file))
    result = cli("models", "install", "--from", bad, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result
    after = sorted(p.relative_to(tmp_path / "argos-packages")
                   for p in (tmp_path / "argos-packages").rglob("*"))
    assert after == before
    run = cli("translate", article, "-o", tmp_path / "out", "--engine", "argos", "--no-tm",
              "--no-names", "--formats", "jsonl", timeout=120)
    assert run.returncode == 0, run
    rows = [json.loads(x) for x in (tmp_path / "out" / "article" / "article.aligned.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    assert any(r["engine"] == "argos" for r in rows)


def test_symlink_member_does_not_escape(cli, tmp_path, tiny_package_file):
    """Whatever the verdict, no installed file resolves outside the packages folder."""
    bad = tmp_path / "link.argosmodel"
    bad.write_bytes(with_symlink(tiny_package_file, "../../../../../etc/passwd"))
    packages = tmp_path / "argos-packages"
    cli("models", "install", "--from", bad, timeout=60)
    for path in packages.rglob("*") if packages.exists() else []:
        assert packages.resolve() in path.resolve().parents or path.resolve() == packages.resolve()
