"""Memory and time of a big article through `segment` and `translate --engine none` (issue 10).

Each command runs in its own process, started from a small fresh one (`common.fresh`), and
its peak resident memory is that process's alone, so the figures are per command even inside
`bench.run`. Prints the ratio of peak memory to the file's size (the issue measured about
170× before the fix), then, for six shapes of article (prose, .docx, Traditional shown as
Taiwan's, HTML, one huge paragraph, many tiny lines), the memory a further megabyte of
article costs (between a 2 MB and an 8 MB article: the base of the process cancels out).
`python -m bench.bench_ingest [MB ...]` (default 10 MB; the name finder runs on a 20th of it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import big_article, bilingual_cmd, fresh, report


def measure(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one command, measured alone (`common.fresh`)."""
    env = {**os.environ, "BILINGUAL_MAX_SIZE_MB": "100"}  # the default limit is 20 MB
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        proc = subprocess.run(fresh(args, report), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=env)
        figures = json.loads(report.read_text()) if report.exists() else {"code": -1}
    if proc.returncode != 0 or figures["code"] != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.decode().strip()[-500:]}")
    return figures["seconds"], figures["rss_mb"]


def main(sizes: list[float] | None = None) -> None:
    print("== ingest: a big article, time and peak memory ==")
    baseline = measure([sys.executable, "-c", "import bilingual.ingest.article"])[1]
    report("interpreter + imports (peak RSS)", baseline, "MB")
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes or [10.0]:
            path = Path(tmp) / f"big-{mb:g}mb.txt"
            path.write_text(big_article(int(mb * 1e6)), encoding="utf-8")
            small = Path(tmp) / "small.txt"  # the name finder costs ~30 ms a sentence
            small.write_text(big_article(int(mb * 1e6) // 20), encoding="utf-8")
            out = str(Path(tmp) / "out")
            none = ["--engine", "none", "--no-tm", "--quiet", "--force", "-o", out]
            runs = {
                "segment -f jsonl": (path, bilingual_cmd(
                    "segment", str(path), "-f", "jsonl", "-o", str(Path(tmp) / "seg.jsonl"))),
                "translate --engine none --no-names": (path, bilingual_cmd(
                    "translate", str(path), *none, "--no-names")),
                "translate --engine none": (small, bilingual_cmd(
                    "translate", str(small), *none)),
            }
            for name, (article, args) in runs.items():
                size = article.stat().st_size / 1e6
                wall, peak = measure(args)
                report(f"{name}, {size:.1f} MB: wall", wall, "s")
                report(f"{name}, {size:.1f} MB: peak RSS", peak, "MB")
                report(f"{name}: peak RSS / file size", peak / size, "x")
    by_shape()


SHAPES = ("prose", "docx", "traditional", "html", "one paragraph", "tiny lines")


def shaped_article(folder: Path, shape: str, size_bytes: int) -> tuple[Path, list[str]]:
    """An article of `shape` of about `size_bytes` of text, and the options it runs with."""
    text = big_article(size_bytes)
    name = folder / f"{shape.replace(' ', '-')}-{size_bytes // 1_000_000}mb"
    if shape == "docx":
        import docx

        document = docx.Document()
        for line in text.splitlines():
            document.add_paragraph(line)
        path = name.with_suffix(".docx")
        document.save(str(path))
        return path, []
    options: list[str] = []
    if shape == "traditional":
        import opencc

        text = opencc.OpenCC("s2twp").convert(text)
        options = ["--zh-script", "tw"]
    elif shape == "html":
        from html import escape

        lines = text.splitlines()
        text = (f"<html><head><title>{escape(lines[0])}</title></head><body><article>"
                f"<h1>{escape(lines[0])}</h1>"
                + "".join(f"<p>{escape(line)}</p>\n" for line in lines[1:])
                + "</article></body></html>")
        path = name.with_suffix(".html")
        path.write_text(text, encoding="utf-8")
        return path, options
    elif shape == "one paragraph":
        lines = text.splitlines()
        text = "\n".join([*lines[:2], "".join(lines[2:-1]), lines[-1]]) + "\n"
    elif shape == "tiny lines":
        body = "".join(text.splitlines()[2:])
        text = "\n".join(body[i:i + 8] for i in range(0, len(body), 8)) + "\n"
        # a row each: its review DOCX would be past what review import reads (one line says
        # so), so this shape is measured without the DOCX
        options = ["--formats", "jsonl,tsv,csv,tmx,xliff,en,bilingual,report"]
    path = name.with_suffix(".txt")
    path.write_text(text, encoding="utf-8")
    return path, options


def by_shape(small_mb: float = 2.0, big_mb: float = 8.0,
             shapes: tuple[str, ...] = SHAPES) -> None:
    print("== ingest: memory per further MB of article, by shape "
          f"({small_mb:g} MB → {big_mb:g} MB, translate --engine none --no-names) ==")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            figures = []
            for mb in (small_mb, big_mb):
                path, options = shaped_article(Path(tmp), shape, int(mb * 1e6))
                size = _text_mb(path)
                wall, peak = measure(bilingual_cmd(
                    "translate", str(path), "--engine", "none", "--no-tm", "--no-names",
                    "--quiet", "--force", "-o", str(Path(tmp) / "out"), *options))
                figures.append((size, peak, wall))
            (small, small_peak, _), (big, big_peak, big_wall) = figures
            report(f"{shape}: {big:.1f} MB of text, peak RSS", big_peak, "MB")
            report(f"{shape}: {big:.1f} MB of text, wall", big_wall, "s")
            report(f"{shape}: MB of memory per further MB of text",
                   (big_peak - small_peak) / (big - small), "x")


def _text_mb(path: Path) -> float:
    """The article's size in MB of UTF-8 text (a .docx is measured by its text, not zipped)."""
    if path.suffix == ".docx":
        import docx

        return sum(len(p.text.encode()) + 1 for p in docx.Document(str(path)).paragraphs) / 1e6
    return path.stat().st_size / 1e6


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or None)
