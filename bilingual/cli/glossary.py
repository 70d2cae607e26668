"""`bilingual glossary`: check, look up and export terminology glossaries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from bilingual.cli.common import OutputFile, echo, user_errors, write_or_print

app = typer.Typer(no_args_is_help=True, help="Terminology glossaries.")

GlossaryFiles = Annotated[list[Path] | None, typer.Option(
    "--glossary", "-g", metavar="FILE", help="Extra glossary files (TSV, CSV, TBX).")]


@app.command("check")
def glossary_check(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE", help="Glossary files (TSV, CSV, TBX).")],
    strict: Annotated[bool, typer.Option(
        "--strict", help="Also flag banned renderings inside other renderings, capitals that "
        "differ across entries, and terms that differ only in punctuation; exit 1 if any.")
    ] = False,
) -> None:
    """Validate glossaries; report what each overrides in the default and earlier files."""
    with user_errors():
        from bilingual.terms.explain import check_report, strict_report
        from bilingual.terms.load import load_glossary

        glossary = load_glossary(files)
        for line in check_report(glossary, [str(f) for f in files]):
            echo(line)
        if strict:
            lines = strict_report(glossary)
            for line in lines:
                echo(line)
            if len(lines) > 1:
                raise typer.Exit(1)


@app.command("lookup")
def glossary_lookup(
    term: Annotated[str, typer.Argument(metavar="TEXT",
                                        help="Chinese text: a term or a sentence.")],
    glossary: GlossaryFiles = None,
) -> None:
    """What applies to a term (or every term in a sentence), and why."""
    with user_errors():
        from bilingual.ingest.script import ScriptConverter
        from bilingual.terms.annotate import load_term_tools
        from bilingual.terms.explain import explain

        scripts = ScriptConverter()
        tools = load_term_tools(glossary, scripts=scripts)
        lines = explain(term, tools, scripts.to_simplified(term))
        if not lines:
            echo(f"no glossary entry or name rule applies to '{term}'")
            raise typer.Exit(1)
        for line in lines:
            echo(line)


@app.command("export")
def glossary_export(
    fmt: Annotated[Literal["tsv", "tbx"], typer.Option(
        "--format", "-f", help="Our TSV columns, or TBX-Basic.")] = "tsv",
    glossary: GlossaryFiles = None,
    output: OutputFile = None,
) -> None:
    """Export the glossary in force (default plus --glossary files)."""
    with user_errors():
        from bilingual.terms.export import to_tbx, to_tsv
        from bilingual.terms.load import load_glossary

        merged = load_glossary(glossary)
        write_or_print(to_tsv(merged) if fmt == "tsv" else to_tbx(merged), output,
                       glossary or [])
