"""Writing every output file of an article, atomically, without clobbering a reviewer's DOCX."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bilingual.chars import XML_ILLEGAL_RE
from bilingual.errors import BilingualError
from bilingual.fileio import (
    atomic_open,
    atomic_write_bytes,
    atomic_write_text,
    remove_temporaries,
)
from bilingual.records import Article, Finding, RunInfo
from bilingual.render.formats import FORMATS, Format, RenderContext
from bilingual.run.lock import article_outputs


def article_dir(out: Path, article: Article) -> Path:
    """`<out>/<stem>`, and never anywhere else: a stem that is not one plain path component
    (`..`, a separator, a control character) is refused rather than followed."""
    stem = article.stem
    if (not stem or stem in (".", "..") or Path(stem).name != stem or "\\" in stem
            or XML_ILLEGAL_RE.search(stem) or stem.startswith(".")):
        raise BilingualError("is not a safe output name", repr(stem),
                             "rename the input file")
    return out / stem


def path_for(out: Path, article: Article, fmt: str) -> Path:
    return article_dir(out, article) / f"{article.stem}{FORMATS[fmt].suffix}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_file(out: Path, article: Article) -> Path:
    """Beside the DOCX: the hashes of the DOCX as we wrote it."""
    return article_dir(out, article) / f".{article.stem}.bilingual.docx.sha256"


def recorded_docx_hashes(out: Path, article: Article) -> set[str]:
    try:
        return set(_hash_file(out, article).read_text(encoding="ascii").split())
    except OSError:
        return set()


def check_docx_untouched(out: Path, article: Article) -> None:
    """A DOCX that differs from the one we wrote was edited by someone: keep it."""
    target = path_for(out, article, "docx")
    if not target.exists():
        return
    if _sha256(target.read_bytes()) not in recorded_docx_hashes(out, article):
        raise BilingualError(
            "was changed after bilingual wrote it (a reviewer's copy?)", str(target),
            "import it with `bilingual review import`, move it away, or pass --force")


def _write_docx(out: Path, article: Article, fmt: Format, ctx: RenderContext) -> str:
    """The new hash is recorded (beside the old one) before the new DOCX becomes visible, so
    that a run killed between the two renames never leaves our own DOCX looking edited.
    Returns the DOCX's hash."""
    assert fmt.stream is not None
    target = path_for(out, article, "docx")
    old = recorded_docx_hashes(out, article)
    with atomic_open(target, "w+b") as handle:
        fmt.stream(ctx, handle)
        handle.flush()
        handle.seek(0)
        hasher = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
        digest = hasher.hexdigest()
        atomic_write_text(_hash_file(out, article), "\n".join(sorted(old | {digest})) + "\n")
    atomic_write_text(_hash_file(out, article), digest + "\n")
    return digest


def _write(target: Path, fmt: Format, ctx: RenderContext) -> None:
    if fmt.stream is not None:
        with atomic_open(target, "wb") as handle:
            fmt.stream(ctx, handle)
        return
    assert fmt.render is not None
    content = fmt.render(ctx)
    if isinstance(content, bytes):
        atomic_write_bytes(target, content)
    elif isinstance(content, str):
        atomic_write_text(target, content)
    else:
        with atomic_open(target, "w") as handle:
            handle.writelines(content)


def write_outputs(article: Article, out: Path, info: RunInfo, findings: Iterable[Finding],
                  formats: list[str], extra: dict[str, Any] | None = None) -> list[Path]:
    """Render and write the chosen formats (in table order); returns the paths written.

    Callers decide beforehand whether a reviewer's DOCX may be replaced
    (`check_docx_untouched`); this writes what it is told to."""
    folder = article_dir(out, article)  # refuses an unsafe name before anything is written
    if folder.is_dir():  # callers hold the output folder's lock: a temporary here is stale
        remove_temporaries(folder, article_outputs(article.stem))
    ctx = RenderContext(article, info, findings, dict(extra or {}))
    written: list[Path] = []
    for fmt in (f for f in FORMATS.values() if f.name in formats):
        start = time.perf_counter()
        target = path_for(out, article, fmt.name)
        if fmt.name == "docx":
            digest = _write_docx(out, article, fmt, ctx)
            ctx.extra.setdefault("outputs", {})["docx_sha256"] = digest
        else:
            _write(target, fmt, ctx)
        ctx.timings[fmt.name] = round(time.perf_counter() - start, 4)
        written.append(target)
        ctx.written.append(target.name)
    return written
