"""The `bilingual` command line: each command parses options and calls library functions.

Heavy modules are imported inside the commands so that `bilingual --help` stays instant.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Chinese→English translation and bilingual publishing for government news.",
)

EXIT_BAD_INPUT = 2


class SegmentFormat(str, Enum):
    text = "text"
    jsonl = "jsonl"


class Script(str, Enum):
    auto = "auto"
    simplified = "simplified"
    traditional = "traditional"
    hk = "hk"
    tw = "tw"


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a BilingualError into one line on stderr and exit code 2."""
    from .errors import BilingualError

    try:
        yield
    except BilingualError as exc:
        typer.echo(f"bilingual: error: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"bilingual {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Chinese→English translation and bilingual publishing for government news."""


def _write_or_print(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from .fileio import atomic_write_text

    atomic_write_text(output, text)


@app.command()
def segment(
    path: str = typer.Argument(..., help="Article file (.txt, .docx, .html) or - for stdin."),
    fmt: SegmentFormat = typer.Option(SegmentFormat.text, "--format", "-f", help="Output format."),
    zh_script: Script = typer.Option(
        Script.auto, "--zh-script", help="Script of the Chinese shown (auto: as the input)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
) -> None:
    """Show an article's structure and sentences."""
    with user_errors():
        from .article import load_article

        article = load_article(path, zh_script=zh_script.value)
        if fmt is SegmentFormat.jsonl:
            from .render.jsonl import dumps

            _write_or_print(dumps(article.segments), output)
        else:
            from .render.listing import render_listing

            _write_or_print(render_listing(article), output)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
