"""The `bilingual` command line: each command parses options and calls library functions.

One module per command group; heavy modules are imported inside the commands, so that
`bilingual --help` stays instant.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bilingual.cli import glossary, models, review, tm
from bilingual.cli.omegat import omegat
from bilingual.cli.segment import segment
from bilingual.cli.translate import translate

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: no rich import at start-up, no type labels on flags
    help="Chinese→English translation and bilingual publishing for government news.",
)


def _version(value: bool) -> None:
    if value:
        from bilingual import __version__

        typer.echo(f"bilingual {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Chinese→English translation and bilingual publishing for government news."""


app.command()(segment)
app.command()(translate)
app.command()(omegat)
app.add_typer(models.app, name="models")
app.add_typer(tm.app, name="tm")
app.add_typer(glossary.app, name="glossary")
app.add_typer(review.app, name="review")


def main() -> None:
    app()
