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
    from bilingual.errors import BilingualError

    try:
        yield
    except BilingualError as exc:
        typer.echo(f"bilingual: error: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _version(value: bool) -> None:
    if value:
        from bilingual import __version__

        typer.echo(f"bilingual {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Chinese→English translation and bilingual publishing for government news."""


def _write_or_print(content: str | bytes, output: Path | None) -> None:
    """To the output file (atomically), or to stdout."""
    from bilingual.fileio import atomic_write_bytes, atomic_write_text

    if output is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
    elif isinstance(content, bytes):
        atomic_write_bytes(output, content)
    else:
        atomic_write_text(output, content)


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
        from bilingual.ingest.article import load_article

        article = load_article(path, zh_script=zh_script.value)
        if fmt is SegmentFormat.jsonl:
            from bilingual.render.jsonl import dumps

            _write_or_print(dumps(article.segments), output)
        else:
            from bilingual.render.listing import render_listing

            _write_or_print(render_listing(article), output)


class EngineName(str, Enum):
    argos = "argos"
    none = "none"
    auto = "auto"
    libretranslate = "libretranslate"


class Device(str, Enum):
    cpu = "cpu"
    cuda = "cuda"
    auto = "auto"


def _open_tm(tm_path: Path | None, no_tm: bool):  # -> TranslationMemory | None
    if no_tm:
        return None
    from bilingual.tm import TranslationMemory, default_path

    return TranslationMemory(tm_path or default_path())


@app.command()
def translate(
    paths: list[str] = typer.Argument(..., help="Article files (.txt, .docx, .html) or folders."),
    out: Path = typer.Option(Path("output"), "--output", "-o", help="Output folder."),
    engine: EngineName = typer.Option(EngineName.argos, "--engine", "-e", help="MT engine."),
    beam_size: int = typer.Option(4, "--beam-size", min=1, help="Beam width (Argos default 4)."),
    threads: int = typer.Option(1, "--threads", min=0,
                                help="Intra-op threads per worker (0: all cores)."),
    workers: int = typer.Option(0, "--workers", min=0,
                                help="Batches decoded in parallel (0: cores / threads)."),
    device: Device = typer.Option(Device.cpu, "--device", help="Where the model runs."),
    url: str | None = typer.Option(None, "--url", help="LibreTranslate server URL."),
    api_key: str | None = typer.Option(None, "--api-key", help="LibreTranslate API key."),
    tm_path: Path | None = typer.Option(None, "--tm", help="Translation memory (SQLite) file."),
    no_tm: bool = typer.Option(False, "--no-tm", help="Neither read nor write a TM."),
    zh_script: Script = typer.Option(Script.auto, "--zh-script", help="Chinese script shown."),
    glossary: list[Path] = typer.Option(
        [], "--glossary", "-g", help="Extra glossary (TSV, CSV, TBX); repeatable, later wins."),
    no_default_glossary: bool = typer.Option(
        False, "--no-default-glossary", help="Leave out the shipped political glossary."),
    no_names: bool = typer.Option(False, "--no-names", help="Do not romanise names by rule."),
    formats: str | None = typer.Option(
        None, "--formats", help="Comma-separated subset of: docx, jsonl, tsv, tmx, xliff, en, "
        "bilingual, report (default: all)."),
    force: bool = typer.Option(False, "--force",
                               help="Redo up-to-date articles; overwrite a reviewed DOCX."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes for reading, "
                             "terms and rendering."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the summary."),
) -> None:
    """Translate articles (or folders of them); writes every output under <out>/<stem>/."""
    with user_errors():
        from bilingual.errors import BilingualError
        from bilingual.render.write import parse_formats
        from bilingual.run.executor import (
            BatchOptions,
            collect_inputs,
            plan,
            run_batch,
            write_run_json,
        )
        from bilingual.run.progress import Reporter

        chosen = parse_formats(formats)
        inputs = collect_inputs(paths, out)
        for p in paths:
            if p != "-" and not Path(p).exists():
                raise BilingualError("no such file or folder", p, "check the path")
        if not inputs:
            raise BilingualError("no article files (.txt, .docx, .html) found", " ".join(paths),
                                 "give article files or folders that hold them")
        mt = _make_engine(engine, beam_size, threads, workers, device, url, api_key)
        options = BatchOptions(out=out, formats=chosen, zh_script=zh_script.value, force=force,
                               jobs=jobs, glossaries=[str(g) for g in glossary],
                               default_glossary=not no_default_glossary, names=not no_names)
        items = plan(inputs)
        tm = _open_tm(tm_path, no_tm)
        reporter = Reporter(len(items), quiet)
        try:
            result = run_batch(items, mt, tm, options, reporter.update)
        finally:
            reporter.close()
            if tm is not None:
                tm.close()
        write_run_json(result, out)
        _print_summary(result, mt, quiet)
        for failed in result.failed:
            typer.echo(f"bilingual: error: {failed.reason}", err=True)
        if result.failed:
            raise typer.Exit(EXIT_BAD_INPUT)


def _make_engine(engine: EngineName, beam_size: int, threads: int, workers: int,
                 device: Device, url: str | None, api_key: str | None):  # -> Engine
    from bilingual.engines import create_engine
    from bilingual.models import find_zh_en

    name = engine.value
    if engine is EngineName.auto:
        name = "argos" if find_zh_en() is not None else "none"
        if name == "none":
            typer.echo("bilingual: note: no zh→en model installed; writing a translation "
                       "kit (--engine none). Install one with `bilingual models install`.",
                       err=True)
    if name == "argos":
        return create_engine(name, beam_size=beam_size, threads=threads, workers=workers,
                             device=device.value)
    if name == "libretranslate":
        return create_engine(name, url=url, api_key=api_key)
    return create_engine(name)


def _print_summary(result, mt, quiet: bool) -> None:  # (BatchResult, Engine, bool)
    from bilingual.run.progress import summary_table

    stats = result.stats
    if not quiet:
        typer.echo(summary_table(result))
    done = [o for o in result.outcomes if o.status == "done"]
    typer.echo(f"terms: {sum(o.terms_matched for o in done)} matched, "
               f"{sum(o.terms_enforced for o in done)} enforced, "
               f"{sum(o.term_missing for o in done)} segments term-missing, "
               f"{sum(o.names for o in done)} automatic names")
    if stats.terms:
        shares = ", ".join(f"{rung} {share:.0%}" for rung, share in
                           stats.rung_shares().items() if share)
        typer.echo(f"terms satisfied by rung: {shares}")
    if mt.produces_text:
        typer.echo(f"engine {mt.describe()}: {stats.engine_sources} sentences translated, "
                   f"{stats.from_tm} of {stats.segments} segments from TM, "
                   f"{result.seconds:.2f} s")
    else:
        typer.echo(f"engine none: no MT; {stats.segments - stats.from_tm} segments left "
                   f"for translators, {stats.from_tm} from TM, {result.seconds:.2f} s")


models_app = typer.Typer(no_args_is_help=True, help="Argos zh→en model packages.")
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list(
    offline: bool = typer.Option(False, "--offline", help="Do not ask the package index."),
) -> None:
    """Installed packages, and the zh→en packages the index offers (when online)."""
    with user_errors():
        from bilingual.errors import BilingualError
        from bilingual.models import (
            available_packages,
            describe,
            index_url,
            installed_packages,
            packages_dir,
        )

        typer.echo(f"installed in {packages_dir()}:")
        installed = installed_packages()
        for pkg in installed:
            info = describe(pkg)
            usable = "  (used for zh→en)" if (info.from_code, info.to_code) == ("zh", "en") else ""
            typer.echo(f"  {info.name}  {info.from_code}→{info.to_code}  v{info.version}{usable}")
        if not installed:
            typer.echo("  (none)")
        if offline:
            return
        try:
            available = available_packages()
        except BilingualError as exc:
            typer.echo(f"available: unknown: {exc}")
            return
        typer.echo(f"available from {index_url()}:")
        for info in available:
            typer.echo(f"  {info.name}  v{info.version}")
        if not available:
            typer.echo("  (no zh→en package listed)")


@models_app.command("install")
def models_install(
    from_file: Path | None = typer.Option(None, "--from", help="Install this .argosmodel file."),
) -> None:
    """Install the zh→en package: downloaded from the index, or from a file."""
    with user_errors():
        from bilingual.models import describe, install_from_file, install_from_index

        if from_file is not None:
            pkg = install_from_file(from_file)
        else:
            bar = None

            def progress(done: int, total: int) -> None:
                nonlocal bar
                if bar is None:
                    bar = typer.progressbar(length=total or None, label="downloading",
                                            file=sys.stderr)
                    bar.__enter__()
                bar.update(done - bar.pos)

            try:
                pkg = install_from_index(progress=progress)
            finally:
                if bar is not None:
                    bar.__exit__(None, None, None)
        info = describe(pkg)
        typer.echo(f"installed {info.name} {info.from_code}→{info.to_code} v{info.version} "
                   f"in {info.path}")


tm_app = typer.Typer(no_args_is_help=True, help="The translation memory.")
app.add_typer(tm_app, name="tm")


class TmFormat(str, Enum):
    tmx = "tmx"
    tsv = "tsv"


@tm_app.command("stats")
def tm_stats(tm_path: Path | None = typer.Option(None, "--tm", help="TM file.")) -> None:
    """How many units the translation memory holds, by origin and engine."""
    with user_errors():
        tm = _open_tm(tm_path, False)
        stats = tm.stats()
        tm.close()
        typer.echo(f"{stats['path']}: {stats['units']} units for {stats['sources']} sources "
                   f"({stats['mt']} mt, {stats['human']} human), {stats['bytes']} bytes")
        for name, count in stats["by_engine"].items():
            typer.echo(f"  {count:>7}  {name}")


@tm_app.command("export")
def tm_export(
    fmt: TmFormat = typer.Option(TmFormat.tmx, "--format", "-f", help="tmx or tsv."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
    tm_path: Path | None = typer.Option(None, "--tm", help="TM file."),
) -> None:
    """Export the translation memory as TMX 1.4b or TSV."""
    with user_errors():
        from bilingual.render.tmx import TmxUnit, render_tmx
        from bilingual.render.tsv import render_tsv

        tm = _open_tm(tm_path, False)
        units = list(tm.units())
        tm.close()
        if fmt is TmFormat.tmx:
            _write_or_print(render_tmx(TmxUnit(u.source, u.target, {
                "x-origin": u.origin, "x-engine": u.engine, "x-model": u.model}, u.created)
                for u in units), output)
            return
        header = ("source", "target", "origin", "engine", "model", "glossary", "created", "updated")
        rows = ((u.source, u.target, u.origin, u.engine, u.model, u.glossary, u.created,
                 u.updated) for u in units)
        _write_or_print(render_tsv(header, rows), output)


glossary_app = typer.Typer(no_args_is_help=True, help="Terminology glossaries.")
app.add_typer(glossary_app, name="glossary")


class GlossaryFormat(str, Enum):
    tsv = "tsv"
    tbx = "tbx"


@glossary_app.command("check")
def glossary_check(
    files: list[Path] = typer.Argument(..., help="Glossary files (TSV, CSV, TBX)."),
) -> None:
    """Validate glossaries; report what each overrides in the default and earlier files."""
    with user_errors():
        from bilingual.terms.load import load_glossary

        glossary = load_glossary(files)
        for path in files:
            count = sum(1 for e in glossary.entries.values() if e.source == str(path))
            typer.echo(f"{path}: ok, {count} entries in force")
        for old, new in glossary.shadowed:
            same = "same rendering" if old.en == new.en else f"was '{old.en}'"
            typer.echo(f"  {new.source}:{new.line}: '{new.zh}' → '{new.en}' overrides "
                       f"{old.source}:{old.line} ({same})")
        typer.echo(f"{len(glossary.entries)} entries in force, {len(glossary.shadowed)} shadowed, "
                   f"fingerprint {glossary.fingerprint()}")


@glossary_app.command("lookup")
def glossary_lookup(
    term: str = typer.Argument(..., help="Chinese text: a term or a sentence."),
    glossary: list[Path] = typer.Option([], "--glossary", "-g", help="Extra glossary files."),
) -> None:
    """What applies to a term (or every term in a sentence), and why."""
    with user_errors():
        from bilingual.ingest.script import ScriptConverter
        from bilingual.records import Segment
        from bilingual.terms.annotate import find_terms, load_term_tools
        from bilingual.terms.names import AUTO

        scripts = ScriptConverter()
        tools = load_term_tools(glossary, scripts=scripts)
        simplified = scripts.to_simplified(term)
        seg = Segment("x", "body", 1, 1, term, simplified, True)
        found = find_terms(seg, tools)
        if not found:
            typer.echo(f"no glossary entry or name rule applies to '{term}'")
            raise typer.Exit(1)
        for t in found:
            if t.source == AUTO:
                typer.echo(f"{t.zh} → {t.en}  [auto {t.category}: name rule, romanised]")
                continue
            entry = tools.glossary.lookup(t.zh)
            assert entry is not None
            where = f"{entry.source}:{entry.line}"
            extra = f"; variant of {entry.zh}" if t.zh != entry.zh else ""
            banned = f"; never '{'|'.join(entry.banned)}'" if entry.banned else ""
            typer.echo(f"{t.zh} → {t.en}  [{entry.category}; {where}{extra}{banned}]")
            if entry.note:
                typer.echo(f"    {entry.note}")


@glossary_app.command("export")
def glossary_export(
    fmt: GlossaryFormat = typer.Option(GlossaryFormat.tsv, "--format", "-f", help="tsv or tbx."),
    glossary: list[Path] = typer.Option([], "--glossary", "-g", help="Extra glossary files."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
) -> None:
    """Export the glossary in force (default plus --glossary files)."""
    with user_errors():
        from bilingual.terms.export import to_tbx, to_tsv
        from bilingual.terms.load import load_glossary

        merged = load_glossary(glossary)
        _write_or_print(to_tsv(merged) if fmt is GlossaryFormat.tsv else to_tbx(merged), output)


review_app = typer.Typer(no_args_is_help=True, help="Reviewed DOCX files.")
app.add_typer(review_app, name="review")


@review_app.command("import")
def review_import(
    docx: Path = typer.Argument(..., help="The reviewed .bilingual.docx."),
    out: Path = typer.Option(Path("output"), "--output", "-o",
                             help="The output folder `translate` wrote to."),
    tm_path: Path | None = typer.Option(None, "--tm", help="Translation memory (SQLite) file."),
    no_tm: bool = typer.Option(False, "--no-tm", help="Do not store the reviewed translations."),
    force: bool = typer.Option(False, "--force", help="Regenerate the DOCX even if reviewed."),
) -> None:
    """Apply a reviewer's corrections: outputs regenerated, TM updated."""
    with user_errors():
        from bilingual.pipeline import import_review

        tm = _open_tm(tm_path, no_tm)
        try:
            done = import_review(docx, out, tm, force)
        finally:
            if tm is not None:
                tm.close()
        r = done.result
        typer.echo(f"{docx}: {len(r.applied)} reviewed, {len(r.approved)} approved, "
                   f"{len(r.unchanged)} unchanged; {len(r.mismatched)} mismatched, "
                   f"{len(r.added)} added, {len(r.deleted)} deleted rows")
        for problem in r.problems():
            typer.echo(f"  {problem}")
        if tm is not None:
            typer.echo(f"translation memory: {len(r.applied) + len(r.approved)} human "
                       f"translations stored in {tm.path}")
        if done.docx_kept:
            typer.echo(f"kept {done.docx_kept} (changed by a reviewer); --force regenerates it")
        typer.echo(f"regenerated {len(done.outputs)} files in {done.outputs[0].parent}/")


@review_app.command("diff")
def review_diff(docx: Path = typer.Argument(..., help="The reviewed .bilingual.docx.")) -> None:
    """Print what the reviewer changed, segment by segment."""
    with user_errors():
        from bilingual.review import diff_review, read_review_docx

        _, rows = read_review_docx(docx)
        changes = diff_review(rows)
        for c in changes:
            typer.echo(f"{c.id}  {c.zh}")
            if c.review != c.mt:
                typer.echo(f"  - {c.mt}")
                typer.echo(f"  + {c.review}")
            if c.status:
                typer.echo(f"  status: {c.status}")
            if c.comment:
                typer.echo(f"  comment: {c.comment}")
        typer.echo(f"{len(changes)} of {len(rows)} rows changed, approved or commented")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
