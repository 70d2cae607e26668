"""`bilingual translate`: articles or folders → every output under <out>/<stem>/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from bilingual.cli.common import (
    EXIT_BAD_INPUT,
    MaxSizeOption,
    ScriptChoice,
    TmOption,
    echo,
    open_tm,
    user_errors,
)
from bilingual.engines import AUTO, ENGINE_CHOICES, ENGINES
from bilingual.render.formats import FORMATS

EngineChoice = Literal[ENGINE_CHOICES]  # type: ignore[valid-type]
_ENGINE_HELP = "; ".join(f"{s.name}: {s.help}" for s in ENGINES.values())


Paths = Annotated[list[str], typer.Argument(
    metavar="FILE_OR_FOLDER", help="Article files (.txt, .docx, .html) or folders.")]
OutFolder = Annotated[Path, typer.Option("--output", "-o", metavar="FOLDER",
                                         help="Output folder.")]
EngineOpt = Annotated[EngineChoice, typer.Option(
    "--engine", "-e", help=f"MT engine ({_ENGINE_HELP}; auto: argos if a model is installed, "
    "else none).")]
BeamSize = Annotated[int, typer.Option(min=1, metavar="N", help="Beam width (Argos's default).")]
Threads = Annotated[int, typer.Option(
    min=0, metavar="N", help="Intra-op threads per decoding worker (0: all cores).")]
Workers = Annotated[int, typer.Option(
    min=0, metavar="N", help="Batches decoded in parallel (0: cores / threads).")]
Device = Annotated[Literal["cpu", "cuda", "auto"], typer.Option(help="Where the model runs.")]
Url = Annotated[str | None, typer.Option(metavar="URL", help="Server URL (libretranslate).")]
ApiKey = Annotated[str | None, typer.Option(metavar="KEY", help="Server API key (libretranslate).")]
NoTm = Annotated[bool, typer.Option("--no-tm", help="Neither read nor write a TM.")]
ZhScript = Annotated[ScriptChoice, typer.Option(
    "--zh-script", help="Script of the Chinese shown (auto: as the input).")]
Glossaries = Annotated[list[Path] | None, typer.Option(
    "--glossary", "-g", metavar="FILE",
    help="Extra glossary (TSV, CSV, TBX); repeatable, later files win.")]
NoDefault = Annotated[bool, typer.Option("--no-default-glossary",
                                         help="Leave out the shipped political glossary.")]
NoNames = Annotated[bool, typer.Option("--no-names",
                                       help="Do not romanise person and place names by rule.")]
Formats = Annotated[str | None, typer.Option(
    metavar="LIST", help=f"Comma-separated subset of: {', '.join(FORMATS)} [default: all].")]
Force = Annotated[bool, typer.Option("--force", help="Redo up-to-date articles; overwrite a "
                                                     "reviewed DOCX.")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=1, metavar="N",
                                   help="Worker processes for reading, terms and writing.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary.")]


def translate(
    paths: Paths, out: OutFolder = Path("output"), engine: EngineOpt = "argos",
    beam_size: BeamSize = 4, threads: Threads = 1, workers: Workers = 0, device: Device = "cpu",
    url: Url = None, api_key: ApiKey = None, tm_path: TmOption = None, no_tm: NoTm = False,
    zh_script: ZhScript = "auto", glossary: Glossaries = None,
    no_default_glossary: NoDefault = False, no_names: NoNames = False,
    formats: Formats = None, force: Force = False, jobs: Jobs = 1, quiet: Quiet = False,
    max_size: MaxSizeOption = None,
) -> None:
    """Translate articles (or folders of them); writes every output under <out>/<stem>/."""
    with user_errors():
        from bilingual.engines import EngineOptions, create_engine, resolve_engine_name
        from bilingual.ingest.reading import set_max_size
        from bilingual.render.formats import parse_formats
        from bilingual.run.executor import BatchOptions, run_batch, write_run_json
        from bilingual.run.inputs import check_paths, collect_inputs, plan
        from bilingual.run.progress import Reporter, summary_lines

        set_max_size(max_size)  # before any reading; workers inherit it through the environment
        chosen = parse_formats(formats)
        check_paths(paths)
        items = plan(collect_inputs(paths, out))
        name = resolve_engine_name(engine)
        if engine == AUTO and name == "none":
            echo("bilingual: note: no zh→en model installed; writing a translation kit "
                 "(--engine none). Install one with `bilingual models install`.", err=True)
        mt = create_engine(name, EngineOptions(beam_size, threads, workers, device, url,
                                               api_key))
        options = BatchOptions(out=out, formats=chosen, zh_script=zh_script, force=force,
                               jobs=jobs, glossaries=[str(g) for g in glossary or []],
                               default_glossary=not no_default_glossary, names=not no_names)
        tm = open_tm(tm_path, no_tm)
        reporter = Reporter(len(items), quiet)
        try:
            result = run_batch(items, mt, tm, options, reporter.update)
        finally:
            reporter.close()
            if tm is not None:
                tm.close()
        write_run_json(result, out)
        for line in summary_lines(result, mt, verbose=not quiet):
            echo(line)
        for failed in result.failed:
            echo(f"bilingual: error: {failed.reason}", err=True)
        if result.failed:
            raise typer.Exit(EXIT_BAD_INPUT)
