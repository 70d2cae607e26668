"""Plain-text outputs: the English article, and Chinese/English paragraph pairs."""

from __future__ import annotations

from collections.abc import Iterator

from bilingual.chars import MONTHS
from bilingual.records import Article, Segment


def english_date(iso: str, time: str = "") -> str:
    try:
        year, month, day = (int(x) for x in iso.split("-"))
        text = f"{MONTHS[month - 1]} {day}, {year}"
    except (ValueError, IndexError):
        text = iso
    return f"{text} {time}".strip()


def _english(para: list[Segment]) -> str:
    first = para[0]
    if first.kind == "meta" and not first.translate:
        return english_date(first.meta.get("date", ""), first.meta.get("time", ""))
    return " ".join((s.en or "").strip() for s in para if s.translate and (s.en or "").strip())


def shown(article: Article) -> Iterator[list[Segment]]:
    """Paragraphs people read: boilerplate left out."""
    return (p for p in article.paragraphs() if p[0].kind != "boilerplate")


def english_lines(article: Article) -> Iterator[str]:
    """Title, a metadata line, then headings and paragraphs: the English article. Photo
    captions are not part of the running text: they follow it in a "Captions" block.
    Written piece by piece (three passes: metadata, text, captions), so that a long article
    is never held whole."""
    meta_line = " | ".join(x for x in (_english(p) for p in shown(article)
                                       if p[0].kind == "meta") if x)
    first = True
    meta_done = False
    for para in shown(article):
        if para[0].kind == "caption":
            continue
        if para[0].kind == "meta":
            if meta_done or not meta_line:
                continue
            text, meta_done = meta_line, True
        else:
            text = _english(para)
        if text:
            yield text if first else "\n\n" + text
            first = False
    heading = "Captions\n\n"
    for text in (_english(p) for p in shown(article) if p[0].kind == "caption"):
        if text:
            yield (heading if first else "\n\n" + heading) if heading else "\n"
            yield text
            first, heading = False, ""
    yield "\n"


def render_english(article: Article) -> str:
    return "".join(english_lines(article))


def bilingual_lines(article: Article) -> Iterator[str]:
    """Chinese paragraph, English paragraph, blank line, in order."""
    first = True
    for para in shown(article):
        zh = "".join(s.zh_display or s.zh for s in para)
        yield ("" if first else "\n\n") + f"{zh}\n{_english(para)}"
        first = False
    yield "\n"


def render_bilingual(article: Article) -> str:
    return "".join(bilingual_lines(article))
