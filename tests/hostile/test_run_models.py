"""Hostile model packages (`models install --from`): one line each, and the model that worked
is never lost; several zh→en packages: which one is used, `models use`, `--model`, `remove`."""

from __future__ import annotations

import json
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bilingual.models import find_zh_en
from hostile.run_kit import invoke, one_line_error

TOP = "translate-zh_en-tiny"


def rezip(src: Path, dest: Path, edit: Callable[[str, bytes], tuple[str, bytes] | None]
          ) -> Path:
    """A copy of the package with each member passed through `edit` (None drops it)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            changed = edit(info.filename, zin.read(info))
            if changed is not None:
                zout.writestr(changed[0], changed[1])
    return dest


def metadata(value: object) -> Callable[[str, bytes], tuple[str, bytes]]:
    def edit(name: str, data: bytes) -> tuple[str, bytes]:
        return (name, json.dumps(value).encode()) if name.endswith("/metadata.json") \
            else (name, data)
    return edit


def with_symlink(src: Path, dest: Path) -> Path:
    rezip(src, dest, lambda n, d: (n, d))
    with zipfile.ZipFile(dest, "a") as zout:
        link = zipfile.ZipInfo(f"{TOP}/model/link")
        link.external_attr = (0o120777 << 16)
        zout.writestr(link, "/etc/passwd")
    return dest


def encrypted(src: Path, dest: Path) -> Path:
    """ZipCrypto as `zip -e` marks it: bit 0 of every header's flags (Python cannot write
    real encrypted members, and the flag is what decides how a reader treats them)."""
    data = bytearray(rezip(src, dest, lambda n, d: (n, d)).read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            flags = struct.unpack_from("<H", data, at + offset)[0]
            struct.pack_into("<H", data, at + offset, flags | 1)
            start = at + 4
    dest.write_bytes(bytes(data))
    return dest


def damaged_deflate(src: Path, dest: Path) -> Path:
    rezip(src, dest, lambda n, d: (n, d))
    data = bytearray(dest.read_bytes())
    with zipfile.ZipFile(dest) as z:
        info = z.getinfo(f"{TOP}/model/model.bin")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + min(info.compress_size, 400)):
        data[i] ^= 0x5A
    dest.write_bytes(bytes(data))
    return dest


def random_model(name: str, data: bytes) -> tuple[str, bytes]:
    return (name, os.urandom(len(data))) if name.endswith("model/model.bin") else (name, data)


def sbd_type(name: str, data: bytes) -> tuple[str, bytes]:
    if name.endswith("/metadata.json"):
        meta = json.loads(data)
        meta["type"] = "sbd"
        return name, json.dumps(meta).encode()
    return name, data


BAD: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "metadata-list": (lambda s, d: rezip(s, d, metadata([1, 2])), "not a JSON object"),
    "metadata-string": (lambda s, d: rezip(s, d, metadata("zh")), "not a JSON object"),
    "metadata-number": (lambda s, d: rezip(s, d, metadata(7)), "not a JSON object"),
    "metadata-null": (lambda s, d: rezip(s, d, metadata(None)), "not a JSON object"),
    "metadata-not-utf8": (lambda s, d: rezip(s, d, lambda n, x: (
        n, b"\xff\xfe{" if n.endswith("metadata.json") else x)), "unreadable metadata.json"),
    "symlink-member": (with_symlink, "symbolic link"),
    "zipcrypto": (encrypted, "encrypted"),
    "damaged-deflate": (damaged_deflate, "damaged"),
    "random-model-bin": (lambda s, d: rezip(s, d, random_model), "does not load"),
    "sbd-type": (lambda s, d: rezip(s, d, sbd_type), "not a translation model"),
    "empty-tokenizer": (lambda s, d: rezip(s, d, lambda n, x: (
        n, b"" if n.endswith("sentencepiece.model") else x)), "does not load"),
    "truncated-zip": (lambda s, d: d.write_bytes(s.read_bytes()[: s.stat().st_size // 2]) and d,
                      "not"),
    "backslash-path": (lambda s, d: rezip(s, d, lambda n, x: (
        n.replace("/README.md", "/a\\..\\..\\evil.md"), x)), "unsafe paths"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_package_keeps_the_working_model(case: str, installed_tiny: Path,
                                             tiny_package_file: Path, tmp_path: Path) -> None:
    make, words = BAD[case]
    before = {p.relative_to(installed_tiny): p.read_bytes()
              for p in installed_tiny.rglob("*") if p.is_file()}
    bad = make(tiny_package_file, tmp_path / f"{case}.argosmodel")
    one_line_error(invoke("models", "install", "--from", bad), words)
    after = {p.relative_to(installed_tiny): p.read_bytes()
             for p in installed_tiny.rglob("*") if p.is_file()}
    assert after == before  # the model that worked is there, byte for byte, and nothing else
    assert find_zh_en(installed_tiny) is not None


def test_hidden_top_folder_is_installed_where_it_is_used(packages_dir: Path,
                                                         tiny_package_file: Path,
                                                         tmp_path: Path) -> None:
    hidden = rezip(tiny_package_file, tmp_path / "h.argosmodel",
                   lambda n, d: (n.replace(TOP, ".hidden-pkg", 1), d))
    result = invoke("models", "install", "--from", hidden)
    assert result.exit_code == 0, result.output
    pkg = find_zh_en(packages_dir)
    assert pkg is not None and Path(pkg.package_path).name == "hidden-pkg"


def test_several_packages_use_model_and_remove(installed_tiny: Path, tiny_package_file: Path,
                                               tmp_path: Path, fixtures: Path) -> None:
    from bilingual.models import zh_en_packages

    second = rezip(tiny_package_file, tmp_path / "b.argosmodel",
                   lambda n, d: (n.replace(TOP, "translate-zh_en-b", 1), d))
    installed = invoke("models", "install", "--from", second)
    assert installed.exit_code == 0, installed.output
    assert "2 zh→en packages are installed; translate uses translate-zh_en-b" in \
        installed.stdout or "translate uses translate-zh_en-tiny" in installed.stdout
    assert len(zh_en_packages(installed_tiny)) == 2
    assert invoke("models", "use", "translate-zh_en-b").exit_code == 0
    listed = invoke("models", "list", "--offline")
    assert "translate-zh_en-b  zh→en  1.0  (used for zh→en)" in listed.stdout
    assert "translate uses translate-zh_en-b" in listed.stdout
    one_line_error(invoke("models", "use", "nope"), "no zh→en package named 'nope'")
    out = tmp_path / "out"
    done = invoke("translate", fixtures / "xinhua_dateline.txt", "-o", out, "--no-tm",
                  "--model", TOP, "--formats", "jsonl")
    assert done.exit_code == 0, done.output
    assert TOP in (out / "run.json").read_text(encoding="utf-8") or \
        TOP in done.stdout
    one_line_error(invoke("translate", fixtures / "xinhua_dateline.txt", "-o", out, "--no-tm",
                          "--model", "nope"), "no zh→en package named 'nope'")
    assert invoke("models", "remove", "translate-zh_en-b").exit_code == 0
    assert [Path(p.package_path).name for p in zh_en_packages(installed_tiny)] == [TOP]
    assert Path(find_zh_en(installed_tiny).package_path).name == TOP
    for name in ("nope", "..", ".bilingual-zh_en", "../x"):
        one_line_error(invoke("models", "remove", name), "no installed package")


def test_good_package_over_a_working_one_replaces_it(installed_tiny: Path,
                                                    tiny_package_file: Path) -> None:
    result = invoke("models", "install", "--from", tiny_package_file)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in installed_tiny.iterdir()) == [TOP]
