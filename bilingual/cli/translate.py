"""`bilingual translate`: articles or folders → every output under <out>/<stem>/."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from bilingual.cli.common import (
    EXIT_BAD_INPUT,
    MaxSizeOption,
    ScriptChoice,
    TmOption,
    as_typed,
    echo,
    open_tm,
    user_errors,
)
from bilingual.engines import AUTO, ENGINE_CHOICES, ENGINES
from bilingual.render.formats import FORMATS

if TYPE_CHECKING:
    from bilingual.engines.base import Engine
    from bilingual.run.executor import BatchOptions, Tools
    from bilingual.run.inputs import Item
    from bilingual.tm import TranslationMemory

EXIT_INTERRUPTED = 130  # what shells report for Ctrl-C (128 + SIGINT)

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
Url = Annotated[str | None, typer.Option(
    metavar="URL", help="Server URL (libretranslate; openai: default $OPENAI_BASE_URL).")]
ApiKey = Annotated[str | None, typer.Option(
    metavar="KEY", help="Server API key (libretranslate; openai: default $OPENAI_API_KEY).")]
Model = Annotated[str | None, typer.Option(
    "--model", metavar="NAME", help="argos: the installed zh→en package to use (see models "
    "list); openai: the model name on the server (default: the only one it serves).")]
Concurrency = Annotated[int, typer.Option(min=1, metavar="N",
                                          help="Requests in flight (openai).")]
Timeout = Annotated[float, typer.Option(min=1, metavar="SECONDS",
                                        help="Seconds per request, a total deadline "
                                        "(openai, libretranslate).")]
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
    url: Url = None, api_key: ApiKey = None, model: Model = None, concurrency: Concurrency = 4,
    timeout: Timeout = 120.0, tm_path: TmOption = None, no_tm: NoTm = False,
    zh_script: ZhScript = "auto", glossary: Glossaries = None,
    no_default_glossary: NoDefault = False, no_names: NoNames = False,
    formats: Formats = None, force: Force = False, jobs: Jobs = 1, quiet: Quiet = False,
    max_size: MaxSizeOption = None,
) -> None:
    """Translate articles (or folders of them); writes every output under <out>/<stem>/."""
    with user_errors():
        from bilingual.engines import EngineOptions, create_engine, resolve_engine_name
        from bilingual.errors import BilingualError
        from bilingual.ingest.reading import set_max_size
        from bilingual.render.formats import parse_formats
        from bilingual.run.executor import BatchOptions, load_tools
        from bilingual.run.inputs import check_paths, collect_inputs, plan, unreadable
        from bilingual.run.lock import output_lock, probe_output, remove_unused

        set_max_size(max_size)  # before any reading; workers inherit it through the environment
        chosen = parse_formats(formats)
        check_paths(paths)
        items = plan(collect_inputs(paths, out))
        options = BatchOptions(out=out, formats=chosen, zh_script=zh_script, force=force,
                               jobs=jobs, glossaries=[str(g) for g in glossary or []],
                               default_glossary=not no_default_glossary, names=not no_names)
        # everything that can be refused is refused before the model loads and before
        # anything is written: a glossary `glossary check` would refuse, then the output folder
        tools = load_tools(options.glossaries, options.default_glossary, options.names)
        created = probe_output(out)
        bad = unreadable(items)
        for _, why in bad:
            echo(f"bilingual: error: {why}", err=True)
        items = [i for i in items if all(i is not b for b, _ in bad)]
        name = resolve_engine_name(engine)
        if engine == AUTO and name == "none":
            echo("bilingual: note: no zh→en model installed; writing a translation kit "
                 "(--engine none). " + as_typed("Install one with `bilingual models install`."),
                 err=True)
        with output_lock(out):
            try:
                tm = open_tm(tm_path, no_tm)
                mt = create_engine(name, EngineOptions(beam_size, threads, workers, device,
                                                       url, api_key, model, concurrency,
                                                       timeout))
            except BilingualError:
                remove_unused(created, out)  # refused before any work: no trace left
                raise
            except KeyboardInterrupt:
                echo(f"bilingual: interrupted while loading: 0 of {len(items)} articles done "
                     "(run the same command again)", err=True)
                raise typer.Exit(EXIT_INTERRUPTED) from None
            failed = _run(items, mt, tm, options, tools, quiet) if items else True
        if failed or bad:
            raise typer.Exit(EXIT_BAD_INPUT)


def _run(items: list[Item], mt: Engine, tm: TranslationMemory | None, options: BatchOptions,
         tools: Tools, quiet: bool) -> bool:
    """The batch, its run.json and summary; True when an article failed."""
    from bilingual.run.executor import Interrupted, run_batch, write_run_json
    from bilingual.run.progress import Reporter, summary_lines

    reporter = Reporter(len(items), quiet)
    try:
        result = run_batch(items, mt, tm, options, reporter.update, tools=tools,
                           on_stage=reporter.stage)
    except Interrupted as exc:
        reporter.close()
        echo(f"bilingual: {exc}", err=True)
        raise typer.Exit(EXIT_INTERRUPTED if "interrupted" in exc.problem
                         else EXIT_BAD_INPUT) from None
    finally:
        reporter.close()
        if tm is not None:
            for warning in tm.close():
                echo(f"bilingual: warning: {warning}", err=True)
    try:
        write_run_json(result, options.out)
        for line in summary_lines(result, mt, verbose=not quiet):
            echo(line)
    except KeyboardInterrupt:  # every article is already written and stamped
        echo("bilingual: interrupted after the run had finished: every article is written; "
             "only the summary was cut short (run.json may be missing)", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    for failed in result.failed:
        echo(f"bilingual: error: {failed.reason}", err=True)
    return bool(result.failed)
