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


def find_zh_en(directory: Path | None = None) -> Any | None:
    for pkg in installed_packages(directory):
        if pkg.from_code == FROM_CODE and pkg.to_code == TO_CODE and pkg.type == "translate":
            return pkg
    return None


def require_zh_en(directory: Path | None = None) -> Any:
    directory = directory or packages_dir()
    pkg = find_zh_en(directory)
    if pkg is None:
        raise BilingualError(f"no zh→en translation model is installed in {directory}",
                             None, INSTALL_HINT)
    return pkg


@dataclass
class PackageInfo:
    name: str
    from_code: str
    to_code: str
    version: str
    path: str = ""
    links: tuple[str, ...] = ()


def _read_package_zip(path: Path) -> tuple[zipfile.ZipFile, str, dict[str, Any]]:
    if not path.exists():
        raise BilingualError("no such file", str(path), "check the path")
    if not zipfile.is_zipfile(path):
        raise BilingualError("is not an Argos package (not a zip archive)", str(path),
                             "download the .argosmodel file again")
    archive = zipfile.ZipFile(path)
    names = archive.namelist()
    tops = {PurePosixPath(n).parts[0] for n in names if PurePosixPath(n).parts}
    metas = [n for n in names if len(PurePosixPath(n).parts) == 2 and n.endswith("/metadata.json")]
    if len(tops) != 1 or len(metas) != 1:
        raise BilingualError("is not an Argos package (needs one folder with metadata.json)",
                             str(path), "download the .argosmodel file again")
    for info in archive.infolist():
        parts = PurePosixPath(info.filename).parts
        if info.filename.startswith("/") or ".." in parts:
            raise BilingualError("contains unsafe paths", str(path), "do not install it")
    if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
        raise BilingualError("unpacks to more than 4 GB", str(path), "do not install it")
    try:
        metadata = json.loads(archive.read(metas[0]))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BilingualError("has an unreadable metadata.json", str(path),
                             "download the .argosmodel file again") from exc
    return archive, tops.pop(), metadata


def install_from_file(path: str | Path, directory: Path | None = None) -> Any:
    """Install a .argosmodel file; returns the installed package. Replaces an older copy."""
    directory = directory or packages_dir()
    path = Path(path)
    archive, top, metadata = _read_package_zip(path)
    pair = f"{metadata.get('from_code')}→{metadata.get('to_code')}"
    if (metadata.get("from_code"), metadata.get("to_code")) != (FROM_CODE, TO_CODE):
        raise BilingualError(f"is a {pair} package; bilingual needs zh→en", str(path),
                             "install the Chinese→English package")
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=directory))
    try:
        with archive:
            archive.extractall(staging)
        final = directory / top
        if not (staging / top / "model").is_dir():
            raise BilingualError("has no CTranslate2 model/ folder", str(path),
                                 "download the .argosmodel file again")
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging / top, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    installed = find_zh_en(directory)
    if installed is None:  # pragma: no cover - metadata said zh→en, so it is found
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
