"""`bilingual models`: Argos zh→en model packages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bilingual.cli.common import echo, user_errors

app = typer.Typer(no_args_is_help=True,
                  help="Argos zh→en model packages, or the models an LLM server offers.")


@app.command("list")
def models_list(
    offline: Annotated[bool, typer.Option("--offline",
                                          help="Do not ask the package index.")] = False,
    engine: Annotated[str, typer.Option(
        help="argos, or openai: the models an OpenAI-compatible server offers.")] = "argos",
    url: Annotated[str | None, typer.Option(
        metavar="URL", help="openai: the server [default: $OPENAI_BASE_URL].")] = None,
    api_key: Annotated[str | None, typer.Option(
        metavar="KEY", help="openai: the API key [default: $OPENAI_API_KEY].")] = None,
) -> None:
    """Installed packages, and the zh→en packages the index offers (when online); with
    --engine openai, the models the server at --url offers."""
    with user_errors():
        if engine == "openai":
            _openai_models(url, api_key)
            return
        from bilingual.errors import BilingualError
        from bilingual.models import (
            available_packages,
            describe,
            find_zh_en,
            index_url,
            installed_packages,
            packages_dir,
        )

        echo(f"installed in {packages_dir()}:")
        used = find_zh_en()
        installed = installed_packages()
        for pkg in installed:
            info = describe(pkg)
            mark = "  (used for zh→en)" if used is not None and \
                Path(used.package_path) == Path(pkg.package_path) else ""
            echo(f"  {info.name}  {info.from_code}→{info.to_code}  {info.version}{mark}")
        if not installed:
            echo("  (none)")
        _say_which()
        if offline:
            return
        try:
            available = available_packages()
        except BilingualError as exc:
            echo(f"available: unknown: {exc}")
            return
        echo(f"available from {index_url()}:")
        for info in available:
            echo(f"  {info.name}  {info.version}")
        if not available:
            echo("  (no zh→en package listed)")


def _openai_models(url: str | None, api_key: str | None) -> None:
    import os

    from bilingual.engines.openai import OpenAIEngine, OpenAIOptions

    server = OpenAIEngine(OpenAIOptions(url=url or os.environ.get("OPENAI_BASE_URL", ""),
                                        api_key=api_key or os.environ.get("OPENAI_API_KEY")))
    models = server.list_models()
    echo(f"models at {server.url}:")
    for model in models:
        echo(f"  {model}")
    if not models:
        echo("  (none)")


def _download_bar() -> tuple[Any, Any]:
    """A progress callback for downloads, and a function that closes its bar."""
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = typer.progressbar(length=total or None, label="downloading", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    def close() -> None:
        if bar is not None:
            bar.__exit__(None, None, None)

    return progress, close


@app.command("install")
def models_install(
    from_file: Annotated[Path | None, typer.Option(
        "--from", metavar="FILE", help="Install this .argosmodel file (offline).")] = None,
) -> None:
    """Install the zh→en package: downloaded from the index, or from a file."""
    with user_errors():
        from bilingual.models import describe, install_from_file, install_from_index

        if from_file is not None:
            pkg = install_from_file(from_file)
        else:
            progress, close = _download_bar()
            try:
                pkg = install_from_index(progress=progress)
            finally:
                close()
        info = describe(pkg)
        echo(f"installed {info.name} {info.from_code}→{info.to_code} {info.version} "
             f"in {info.path}")
        _say_which()


def _say_which() -> None:
    """With several zh→en packages installed, say which one `translate` uses."""
    from bilingual.models import describe, find_zh_en, zh_en_packages

    found = zh_en_packages()
    used = find_zh_en()
    if len(found) > 1 and used is not None:
        echo(f"{len(found)} zh→en packages are installed; translate uses "
             f"{describe(used).name} (choose with `bilingual models use NAME` or "
             "`translate --model NAME`)")


PackageName = Annotated[str, typer.Argument(metavar="NAME",
                                            help="The package's folder name (models list).")]


@app.command("use")
def models_use(name: PackageName) -> None:
    """Choose which installed zh→en package `translate` uses."""
    with user_errors():
        from bilingual.models import describe, use_package

        info = describe(use_package(name))
        echo(f"translate now uses {info.name} {info.version}")


@app.command("remove")
def models_remove(name: PackageName) -> None:
    """Delete an installed package."""
    with user_errors():
        from bilingual.models import remove_package

        echo(f"removed {remove_package(name)}")
        _say_which()
