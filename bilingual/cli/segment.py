"""`bilingual segment`: an article's structure and sentences."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from bilingual.cli.common import (
    MaxSizeOption,
    OutputFile,
    ScriptChoice,
    user_errors,
    write_or_print,
)


def segment(
    path: Annotated[str, typer.Argument(
        metavar="FILE", help="Article file (.txt, .docx, .html), or - for standard input.")],
    fmt: Annotated[Literal["text", "jsonl"], typer.Option(
        "--format", "-f", help="text: a listing to read; jsonl: one record a segment.")] = "text",
    zh_script: Annotated[ScriptChoice, typer.Option(
        "--zh-script", help="Script of the Chinese shown (auto: as the input).")] = "auto",
    output: OutputFile = None,
    max_size: MaxSizeOption = None,
) -> None:
    """Show an article's structure and sentences."""
    with user_errors():
        from bilingual.ingest.article import open_article
        from bilingual.ingest.reading import read_source, set_max_size

        set_max_size(max_size)
        article, segments = open_article(read_source(path), zh_script=zh_script)
        if fmt == "jsonl":  # written as made: a long article is never held as records
            from bilingual.render.jsonl import lines

            write_or_print(lines(segments), output, [path])
        else:
            from bilingual.render.listing import render_listing

            article.segments = list(segments)
            write_or_print(render_listing(article), output, [path])
