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
        from bilingual.ingest.article import load_article
        from bilingual.ingest.reading import set_max_size

        set_max_size(max_size)
        article = load_article(path, zh_script=zh_script)
        if fmt == "jsonl":
            from bilingual.render.jsonl import dumps

            write_or_print((dumps([seg]) for seg in article.segments), output, [path])
        else:
            from bilingual.render.listing import render_listing

            write_or_print(render_listing(article), output, [path])
