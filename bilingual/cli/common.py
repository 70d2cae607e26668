"""What every command shares: one-line errors, writing to a file or stdout, the TM option."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator, Sequence
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
        typer.echo(f"bilingual: error: {as_typed(str(exc))}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def invocation() -> str:
    """How the user can run us again: `bilingual` when that is on PATH, else the path they
    typed (after `make example` that is `.venv/bin/bilingual`)."""
    import os
    import shutil

    typed = sys.argv[0] if sys.argv and os.sep in sys.argv[0] \
        and os.path.basename(sys.argv[0]) == "bilingual" else ""  # not python -m, not a test
    on_path = shutil.which("bilingual")
    if not typed or (on_path and os.path.realpath(on_path) == os.path.realpath(typed)):
        return "bilingual"
    return typed if not os.path.isabs(typed) else os.path.relpath(typed)


def as_typed(text: str) -> str:
    """Commands named in a message (`bilingual models install`) as the user can type them."""
    name = invocation()
    return text if name == "bilingual" else text.replace("`bilingual ", f"`{name} ")


def write_or_print(content: str | bytes | Iterable[str], output: Path | None,
                   inputs: Sequence[str | Path] = ()) -> None:
    """To the output file (atomically; the command says where), or to stdout. An output that
    is one of the command's `inputs` is refused: writing it would destroy what was read.
    Pieces (an iterable of strings) are written as they come, so a big article's listing is
    never held whole in memory."""
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
    if any(str(i) != "-" and _same_file(output, Path(i)) for i in inputs):
        raise BilingualError("is also this command's input; writing it would destroy it",
                             str(output), "give another file name with -o")
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
    typer.echo(f"wrote {output}", err=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def open_tm(tm_path: Path | None, no_tm: bool = False,
            must_exist: bool = False) -> TranslationMemory | None:
    """`must_exist` for commands that only read it: a wrong --tm is not a new empty file."""
    if no_tm:
        return None
    from bilingual.tm import TranslationMemory, default_path

    return TranslationMemory(tm_path or default_path(), must_exist)


def echo(text: str = "", err: bool = False) -> None:
    typer.echo(text, err=err)
