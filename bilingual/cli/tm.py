"""`bilingual tm`: the translation memory."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from bilingual.cli.common import OutputFile, TmOption, echo, open_tm, user_errors, write_or_print

app = typer.Typer(no_args_is_help=True, help="The translation memory.")


@app.command("stats")
def tm_stats(tm_path: TmOption = None) -> None:
    """How many units the translation memory holds, by origin and engine."""
    with user_errors():
        tm = open_tm(tm_path, must_exist=True)
        assert tm is not None
        stats = tm.stats()
        tm.close()
        echo(f"{stats['path']}: {stats['units']} units for {stats['sources']} sources "
             f"({stats['mt']} mt, {stats['human']} human), {stats['bytes']} bytes")
        for name, count in stats["by_engine"].items():
            echo(f"  {count:>7}  {name}")


@app.command("export")
def tm_export(
    fmt: Annotated[Literal["tmx", "tsv"], typer.Option(
        "--format", "-f", help="TMX 1.4b, or tab-separated values.")] = "tmx",
    output: OutputFile = None,
    tm_path: TmOption = None,
) -> None:
    """Export the translation memory as TMX 1.4b or TSV."""
    with user_errors():
        from bilingual.render.tm_export import tm_to_tmx, tm_to_tsv

        tm = open_tm(tm_path, must_exist=True)
        assert tm is not None
        units = list(tm.units())
        tm.close()
        write_or_print(tm_to_tmx(units) if fmt == "tmx" else tm_to_tsv(units), output,
                       [tm.path])


@app.command("repair")
def tm_repair(tm_path: TmOption = None) -> None:
    """Salvage a damaged translation memory: what can be read goes into a new file; the
    damaged one is kept beside it."""
    with user_errors():
        from bilingual.tm import default_path, repair

        done = repair(tm_path or default_path())
        echo(f"{tm_path or default_path()}: {done.units} units salvaged into a new "
             f"translation memory; the damaged file is kept as {done.kept}")
