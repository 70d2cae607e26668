"""Long articles of the shapes that cost memory differently, for tests and benchmarks.

Prose, a .docx, Traditional text, an HTML page, one paragraph holding the whole article,
and many tiny lines: each built from the caller's paragraphs up to a size, so that a memory
figure can be taken between two sizes of the same shape.
"""

from __future__ import annotations

from pathlib import Path

SHAPES = ("prose", "docx", "traditional", "html", "one paragraph", "tiny lines")


def prose(paragraphs: list[str], size_bytes: int) -> str:
    """A title, a date line, then `paragraphs` repeated up to `size_bytes` of UTF-8."""
    lines = ["某某县召开党建工作会议", "2022-09-28 18:00 来源：某某日报"]
    total = sum(len(x.encode()) + 1 for x in lines)
    i = 0
    while total < size_bytes:
        paragraph = paragraphs[i % len(paragraphs)]
        lines.append(paragraph)
        total += len(paragraph.encode()) + 1
        i += 1
    lines.append("责任编辑：某某")
    return "\n".join(lines) + "\n"


def shaped_article(folder: Path, shape: str, paragraphs: list[str], size_bytes: int
                   ) -> tuple[Path, list[str]]:
    """An article of `shape` with about `size_bytes` of text, and the options of
    `bilingual translate` it runs with."""
    text = prose(paragraphs, size_bytes)
    name = folder / f"{shape.replace(' ', '-')}-{size_bytes}"
    options: list[str] = []
    if shape == "docx":
        import docx

        document = docx.Document()
        for line in text.splitlines():
            document.add_paragraph(line)
        path = name.with_suffix(".docx")
        document.save(str(path))
        return path, options
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
        # so), so this shape goes without the DOCX
        options = ["--formats", "jsonl,tsv,csv,tmx,xliff,en,bilingual,report"]
    path = name.with_suffix(".txt")
    path.write_text(text, encoding="utf-8")
    return path, options


def text_megabytes(path: Path) -> float:
    """An article's size in MB of UTF-8 text (a .docx by its text, not zipped)."""
    if path.suffix == ".docx":
        import docx

        return sum(len(p.text.encode()) + 1 for p in docx.Document(str(path)).paragraphs) / 1e6
    return path.stat().st_size / 1e6
