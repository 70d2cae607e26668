"""Plain-text outputs: the English article, and Chinese/English paragraph pairs."""

from __future__ import annotations

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


def shown(article: Article) -> list[list[Segment]]:
    """Paragraphs people read: boilerplate left out."""
    return [p for p in article.paragraphs() if p[0].kind != "boilerplate"]


def render_english(article: Article) -> str:
    """Title, a metadata line, then headings and paragraphs: the English article. Photo
    captions are not part of the running text: they follow it in a "Captions" block."""
    everything = shown(article)
    paras = [p for p in everything if p[0].kind != "caption"]
    captions = [x for x in (_english(p) for p in everything if p[0].kind == "caption") if x]
    meta = [p for p in paras if p[0].kind == "meta"]
    lines: list[str] = []
    meta_line = " | ".join(x for x in (_english(p) for p in meta) if x)
    meta_done = False
    for para in paras:
        if para[0].kind == "meta":
            if not meta_done and meta_line:
                lines.append(meta_line)
                meta_done = True
            continue
        text = _english(para)
        if text:
            lines.append(text)
    if captions:
        lines.append("Captions\n\n" + "\n".join(captions))
    return "\n\n".join(lines) + "\n"


def render_bilingual(article: Article) -> str:
    """Chinese paragraph, English paragraph, blank line, in order."""
    blocks = []
    for para in shown(article):
        zh = "".join(s.zh_display or s.zh for s in para)
        blocks.append(f"{zh}\n{_english(para)}")
    return "\n\n".join(blocks) + "\n"
