"""The readable listing of `bilingual segment`: one segment a line with its id and kind."""

from __future__ import annotations

from bilingual.records import Article


def render_listing(article: Article) -> str:
    width = max((len(s.id) for s in article.segments), default=4)
    head = (f"# {article.path}  encoding={article.encoding}  script={article.script}  "
            f"segments={len(article.segments)}")
    lines = [head]
    for seg in article.segments:
        mark = " " if seg.translate else "-"
        fields = "  " + " ".join(f"{k}={v}" for k, v in seg.meta.items()) if seg.meta else ""
        lines.append(f"{seg.id:<{width}}  {seg.kind:<11}{mark} {seg.zh_display}{fields}")
    return "\n".join(lines) + "\n"
