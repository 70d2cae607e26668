"""Writing every output file of an article, atomically, without clobbering a reviewer's DOCX."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bilingual.errors import BilingualError
from bilingual.fileio import atomic_write_bytes, atomic_write_text
from bilingual.qa import Finding
from bilingual.records import Article, RunInfo

# name → file suffix; `--formats` takes the names
FORMATS: dict[str, str] = {
    "docx": ".bilingual.docx",
    "jsonl": ".aligned.jsonl",
    "tsv": ".aligned.tsv",
    "tmx": ".tmx",
    "xliff": ".xlf",
    "en": ".en.txt",
    "bilingual": ".bilingual.txt",
    "report": ".report.json",
}


def parse_formats(value: str | None) -> list[str]:
    if not value:
        return list(FORMATS)
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown:
        raise BilingualError(f"unknown format {', '.join(unknown)}", "--formats",
                             f"choose from {', '.join(FORMATS)}")
    return chosen


def article_dir(out: Path, article: Article) -> Path:
    return out / article.stem


def path_for(out: Path, article: Article, fmt: str) -> Path:
    return article_dir(out, article) / f"{article.stem}{FORMATS[fmt]}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_file(out: Path, article: Article) -> Path:
    """Beside the DOCX: the hash of the DOCX as we wrote it."""
    return article_dir(out, article) / f".{article.stem}.bilingual.docx.sha256"


def recorded_docx_hash(out: Path, article: Article) -> str | None:
    try:
        return _hash_file(out, article).read_text(encoding="ascii").strip()
    except OSError:
        return None


def check_docx_untouched(out: Path, article: Article, force: bool) -> None:
    """A DOCX that differs from the one we wrote was edited by someone: keep it."""
    target = path_for(out, article, "docx")
    if force or not target.exists():
        return
    if _sha256(target.read_bytes()) != recorded_docx_hash(out, article):
        raise BilingualError(
            "was changed after bilingual wrote it (a reviewer's copy?)", str(target),
            "import it with `bilingual review import`, move it away, or pass --force")


def write_outputs(article: Article, out: Path, info: RunInfo, findings: list[Finding],
                  formats: list[str], force: bool = False,
                  extra: dict[str, Any] | None = None) -> list[Path]:
    """Render and write the chosen formats; returns the paths written."""
    from bilingual.render.aligned import render_aligned_tsv, render_article_tmx
    from bilingual.render.jsonl import ALIGNED_FIELDS, dumps
    from bilingual.render.report import build_report, render_report
    from bilingual.render.text import render_bilingual, render_english
    from bilingual.render.xliff import render_xliff

    if "docx" in formats:
        check_docx_untouched(out, article, force)
    folder = article_dir(out, article)
    for stale in folder.glob(".*.part") if folder.is_dir() else ():
        stale.unlink(missing_ok=True)  # left by a run that was killed while writing
    renderers: dict[str, Callable[[], str | bytes]] = {
        "jsonl": lambda: dumps(article.segments, ALIGNED_FIELDS),
        "tsv": lambda: render_aligned_tsv(article),
        "tmx": lambda: render_article_tmx(article, info),
        "xliff": lambda: render_xliff(article),
        "en": lambda: render_english(article),
        "bilingual": lambda: render_bilingual(article),
    }
    written: list[Path] = []
    outputs_meta: dict[str, Any] = {}
    timings: dict[str, float] = {}
    if "docx" in formats:
        from bilingual.render.docx import render_docx

        start = time.perf_counter()
        data = render_docx(article, info)
        timings["docx"] = time.perf_counter() - start
        target = path_for(out, article, "docx")
        atomic_write_bytes(target, data)
        outputs_meta["docx_sha256"] = _sha256(data)
        atomic_write_text(_hash_file(out, article), outputs_meta["docx_sha256"] + "\n")
        written.append(target)
    for fmt, render in renderers.items():
        if fmt not in formats:
            continue
        start = time.perf_counter()
        content = render()
        timings[fmt] = time.perf_counter() - start
        target = path_for(out, article, fmt)
        if isinstance(content, bytes):
            atomic_write_bytes(target, content)
        else:
            atomic_write_text(target, content)
        written.append(target)
    if "report" in formats:
        info.timings.update({f"render_{k}": round(v, 4) for k, v in timings.items()})
        outputs_meta["files"] = [p.name for p in written]
        report = build_report(article, info, findings, {"outputs": outputs_meta, **(extra or {})})
        target = path_for(out, article, "report")
        atomic_write_text(target, render_report(report))
        written.append(target)
    return written
