"""What every command shares: one-line errors, writing to a file or stdout, the TM option."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from bilingual.ingest.reading import DEFAULT_MAX_SIZE_MB, MAX_SIZE_ENV
from bilingual.ingest.script import SCRIPTS

if TYPE_CHECKING:
    from bilingual.tm import TranslationMemory

EXIT_BAD_INPUT = 2

# Choices come from the registries; Literal[...] of a tuple is how Typer takes them.
ScriptChoice = Literal[SCRIPTS]  # type: ignore[valid-type]

TmOption = Annotated[Path | None, typer.Option(
    "--tm", metavar="FILE", help="Translation memory (SQLite) file [default: in the user's "
    "data folder].")]
OutputFile = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar="FILE", help="Write here instead of to standard output.")]
MaxSizeOption = Annotated[float | None, typer.Option(
    "--max-size", metavar="MB", min=0.001, help=f"Refuse articles bigger than this [default: "
    f"{DEFAULT_MAX_SIZE_MB:g}, or ${MAX_SIZE_ENV}].")]


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a BilingualError into one line on stderr and exit code 2."""
    from bilingual.errors import BilingualError

    try:
        yield
    except BilingualError as exc:
        typer.echo(f"bilingual: error: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def write_or_print(content: str | bytes | Iterable[str], output: Path | None) -> None:
    """To the output file (atomically), or to stdout. Pieces (an iterable of strings) are
    written as they come, so a big article's listing is never held whole in memory."""
    from bilingual.errors import BilingualError
    from bilingual.fileio import atomic_open, atomic_write_bytes, atomic_write_text

    if output is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        elif isinstance(content, str):
            sys.stdout.write(content)
        else:
            sys.stdout.writelines(content)
        return
    if output.is_dir():
        raise BilingualError("is a folder", str(output), "give a file name with -o")
    try:
        if isinstance(content, bytes):
            atomic_write_bytes(output, content)
        elif isinstance(content, str):
            atomic_write_text(output, content)
        else:
            with atomic_open(output) as handle:
                handle.writelines(content)
    except OSError as exc:
        raise BilingualError(f"cannot write ({exc.strerror})", str(output),
                             "choose another -o") from exc


def open_tm(tm_path: Path | None, no_tm: bool = False) -> TranslationMemory | None:
    if no_tm:
        return None
    from bilingual.tm import TranslationMemory, default_path

    return TranslationMemory(tm_path or default_path())


def echo(text: str = "", err: bool = False) -> None:
    typer.echo(text, err=err)
