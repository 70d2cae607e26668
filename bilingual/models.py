"""Argos model packages: find the installed zh→en package, install one from a file or an index.

The package directory honours ARGOS_PACKAGES_DIR and the index ARGOS_PACKAGE_INDEX, read at
call time (argostranslate.settings reads them once, at import, which tests and long-running
processes cannot rely on).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from bilingual.errors import BilingualError

FROM_CODE, TO_CODE = "zh", "en"
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
MAX_UNPACKED = 4 * 1024**3  # a real zh→en package unpacks to ~200 MB; more is a zip bomb
NETWORK_TIMEOUT = 30

INSTALL_HINT = ("install one with `bilingual models install` (online) or "
                "`bilingual models install --from FILE.argosmodel` (offline), "
                "or use `--engine none` for a translation kit without MT")


def packages_dir() -> Path:
    configured = os.environ.get("ARGOS_PACKAGES_DIR")
    if configured:
        return Path(configured)
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "argos-translate" / "packages"


def index_url() -> str:
    base = os.environ.get("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def installed_packages(directory: Path | None = None) -> list[Any]:
    """Installed Argos packages (argostranslate.package.Package objects)."""
    from argostranslate.package import Package

    directory = directory or packages_dir()
    if not directory.is_dir():
        return []
    # argostranslate's get_installed_packages stops at the first folder without metadata
    # (an interrupted install, say); load each package folder on its own instead.
    return [Package(p) for p in sorted(directory.iterdir())
            if p.is_dir() and not p.name.startswith(".") and (p / "metadata.json").exists()]


CHOICE_FILE = ".bilingual-zh_en"  # which zh→en package `models use` chose (hidden: not a package)


def zh_en_packages(directory: Path | None = None) -> list[Any]:
    return [pkg for pkg in installed_packages(directory)
            if pkg.from_code == FROM_CODE and pkg.to_code == TO_CODE and pkg.type == "translate"]


def chosen_name(directory: Path | None = None) -> str:
    try:
        return ((directory or packages_dir()) / CHOICE_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def find_zh_en(directory: Path | None = None, name: str | None = None) -> Any | None:
    """The package `translate` uses: `name` if given, else the one `models use` chose, else
    the first zh→en package by folder name."""
    found = zh_en_packages(directory)
    wanted = name or chosen_name(directory)
    for pkg in found:
        if wanted and Path(pkg.package_path).name == wanted:
            return pkg
    if name:
        return None
    return found[0] if found else None


def require_zh_en(directory: Path | None = None, name: str | None = None) -> Any:
    directory = directory or packages_dir()
    pkg = find_zh_en(directory, name)
    if pkg is None and name:
        have = ", ".join(Path(p.package_path).name for p in zh_en_packages(directory))
        raise BilingualError(f"no zh→en package named {name!r} is installed", str(directory),
                             f"installed: {have or 'none'}; see `bilingual models list`")
    if pkg is None:
        raise BilingualError(f"no zh→en translation model is installed in {directory}",
                             None, INSTALL_HINT)
    return pkg


def use_package(name: str, directory: Path | None = None) -> Any:
    """Make `name` the package `translate` uses."""
    from bilingual.fileio import atomic_write_text

    directory = directory or packages_dir()
    pkg = require_zh_en(directory, name)
    atomic_write_text(directory / CHOICE_FILE, name + "\n")
    return pkg


def remove_package(name: str, directory: Path | None = None) -> Path:
    """Delete an installed package folder (only a direct child of the packages folder)."""
    directory = directory or packages_dir()
    target = directory / name
    if not name or Path(name).name != name or name.startswith(".") or \
            not (target / "metadata.json").is_file():
        have = ", ".join(Path(p.package_path).name for p in installed_packages(directory))
        raise BilingualError(f"no installed package named {name!r}", str(directory),
                             f"installed: {have or 'none'}")
    if chosen_name(directory) == name:
        (directory / CHOICE_FILE).unlink(missing_ok=True)
    shutil.rmtree(target)
    return target


@dataclass
class PackageInfo:
    name: str
    from_code: str
    to_code: str
    version: str
    path: str = ""
    links: tuple[str, ...] = ()


def _refuse(path: Path, problem: str, hint: str = "download the .argosmodel file again"
            ) -> BilingualError:
    return BilingualError(problem, str(path), hint + "; nothing installed was changed")


def _check_members(archive: zipfile.ZipFile, path: Path) -> None:
    """No member may leave the folder, point elsewhere, need a password or unpack to more
    than a real package does."""
    import stat

    for info in archive.infolist():
        parts = PurePosixPath(info.filename).parts
        if info.filename.startswith("/") or ".." in parts or "\\" in info.filename:
            raise _refuse(path, "contains unsafe paths", "do not install it")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _refuse(path, f"contains a symbolic link ({info.filename})",
                          "do not install it")
        if info.flag_bits & 0x1:
            raise _refuse(path, "is encrypted (password-protected zip)",
                          "use an unencrypted package")
    if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
        raise _refuse(path, "unpacks to more than 4 GB", "do not install it")


def _read_package_zip(path: Path) -> tuple[zipfile.ZipFile, str, dict[str, Any]]:
    if not path.is_file():
        raise BilingualError("no such file", str(path), "check the path")
    if not zipfile.is_zipfile(path):
        raise _refuse(path, "is not an Argos package (not a zip archive)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(path, f"is a damaged zip archive ({exc})") from exc
    names = archive.namelist()
    tops = {PurePosixPath(n).parts[0] for n in names if PurePosixPath(n).parts}
    metas = [n for n in names if len(PurePosixPath(n).parts) == 2 and n.endswith("/metadata.json")]
    if len(tops) != 1 or len(metas) != 1:
        raise _refuse(path, "is not an Argos package (needs one folder with metadata.json)")
    _check_members(archive, path)
    try:
        metadata = json.loads(archive.read(metas[0]))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse(path, "has an unreadable metadata.json") from exc
    if not isinstance(metadata, dict):
        raise _refuse(path, "has a metadata.json that is not a JSON object")
    return archive, tops.pop(), metadata


def _load_test(folder: Path, path: Path) -> None:
    """The staged package must load (CTranslate2 opens the model, the tokenizer encodes, a
    word decodes) before it may replace anything: a damaged package never costs the user
    the model that worked."""
    try:
        import ctranslate2
        from argostranslate.package import Package

        pkg = Package(folder)
        tokens = pkg.tokenizer.encode("中国")
        translator = ctranslate2.Translator(str(folder / "model"), device="cpu")
        translator.translate_batch([tokens or ["▁"]], max_decoding_length=4)
    except Exception as exc:  # whatever a damaged model raises, it is refused
        raise _refuse(path, f"does not load ({type(exc).__name__}: "
                            f"{str(exc).splitlines()[0][:160] if str(exc) else ''})") from exc


def _extract(archive: zipfile.ZipFile, staging: Path, path: Path) -> None:
    import zlib

    try:
        with archive:
            archive.extractall(staging)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        raise _refuse(path, f"is damaged ({exc})") from exc
    except OSError as exc:
        raise BilingualError(f"cannot be unpacked ({exc.strerror or exc})", str(staging.parent),
                             "check the free space and permissions of the packages folder"
                             ) from exc


def _swap_in(new: Path, final: Path) -> None:
    """Replace `final` by `new` so that a failure at any point leaves one of them whole."""
    old = final.with_name(f".replaced-{final.name}")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    try:
        os.replace(new, final)
    except OSError:
        if old.exists():
            os.replace(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def install_from_file(path: str | Path, directory: Path | None = None) -> Any:
    """Install a .argosmodel file; returns the installed package. Replaces an older copy
    only once the new one has loaded."""
    directory = directory or packages_dir()
    path = Path(path)
    archive, top, metadata = _read_package_zip(path)
    pair = f"{metadata.get('from_code')}→{metadata.get('to_code')}"
    if (metadata.get("from_code"), metadata.get("to_code")) != (FROM_CODE, TO_CODE):
        raise _refuse(path, f"is a {pair} package; bilingual needs zh→en",
                      "install the Chinese→English package")
    if metadata.get("type", "translate") != "translate":
        raise _refuse(path, f"is a {metadata.get('type')!r} package, not a translation model",
                      "install the zh→en translation package")
    # a folder starting with "." is skipped by every reader: install it under a visible name
    name = top.lstrip(".") or f"translate-{FROM_CODE}_{TO_CODE}"
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=directory))
    try:
        _extract(archive, staging, path)
        if not (staging / top / "model").is_dir():
            raise _refuse(path, "has no CTranslate2 model/ folder")
        _load_test(staging / top, path)
        _swap_in(staging / top, directory / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    installed = find_zh_en(directory, name)
    if installed is None:  # pragma: no cover - it loaded above, so it is found
        raise BilingualError("installed but cannot be loaded", str(path), "reinstall it")
    return installed


def _open_url(url: str) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": "bilingual"})
    try:
        return urllib.request.urlopen(request, timeout=NETWORK_TIMEOUT)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BilingualError(f"cannot reach the package index ({reason})", url,
                             "check the network, or install offline with "
                             "`bilingual models install --from FILE.argosmodel`") from exc


def available_packages(url: str | None = None) -> list[PackageInfo]:
    """zh→en translation packages listed in the Argos package index."""
    url = url or index_url()
    with _open_url(url) as response:
        try:
            index = json.loads(response.read())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BilingualError("the package index is not valid JSON", url,
                                 "check ARGOS_PACKAGE_INDEX") from exc
    found = []
    for meta in index if isinstance(index, list) else []:
        if meta.get("from_code") == FROM_CODE and meta.get("to_code") == TO_CODE \
                and meta.get("type", "translate") == "translate":
            found.append(PackageInfo(
                name=f"translate-{FROM_CODE}_{TO_CODE}", from_code=FROM_CODE, to_code=TO_CODE,
                version=str(meta.get("package_version", "")), links=tuple(meta.get("links", ()))))
    return found


Progress = Callable[[int, int], None]  # (bytes done, bytes total or 0)


def download(url: str, dest: Path, progress: Progress | None = None) -> Path:
    """Stream `url` to `dest` (via a temporary file), reporting progress."""
    from bilingual.fileio import atomic_open

    with _open_url(url) as response:
        total = int(response.headers.get("Content-Length") or 0)
        done = 0
        with atomic_open(dest, "wb") as handle:
            while chunk := response.read(1 << 16):
                handle.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
    return dest


def install_from_index(directory: Path | None = None, url: str | None = None,
                       progress: Progress | None = None) -> Any:
    candidates = available_packages(url)
    if not candidates:
        raise BilingualError("the package index lists no zh→en package", url or index_url(),
                             "install offline with `bilingual models install --from FILE`")
    best = max(candidates, key=lambda p: _version_key(p.version))
    with tempfile.TemporaryDirectory(prefix="bilingual-download-") as tmp:
        last_error: BilingualError | None = None
        for link in best.links:
            try:
                path = download(link, Path(tmp) / "translate-zh_en.argosmodel", progress)
            except BilingualError as exc:
                last_error = exc
                continue
            return install_from_file(path, directory)
        raise last_error or BilingualError("the index entry has no download link",
                                           url or index_url(), "try another index")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) if x.isdigit() else 0 for x in version.split("."))


def describe(pkg: Any) -> PackageInfo:
    return PackageInfo(name=Path(pkg.package_path).name, from_code=pkg.from_code,
                       to_code=pkg.to_code, version=pkg.package_version, path=str(pkg.package_path))
