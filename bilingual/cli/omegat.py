"""`bilingual omegat`: an OmegaT project for translated articles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilingual.cli.common import echo, user_errors


def omegat(
    project: Annotated[Path, typer.Argument(
        metavar="PROJECT", help="A new folder for the OmegaT project.")],
    articles: Annotated[list[Path], typer.Argument(
        metavar="ARTICLE...", help="The articles, as given to `translate`.")],
    out: Annotated[Path, typer.Option(
        "--output", "-o", metavar="FOLDER",
        help="The output folder `translate` wrote to.")] = Path("output"),
) -> None:
    """Make an OmegaT project of translated articles: their text as sources, their TMX in
    tm/auto, and the settings that make OmegaT cut segments as bilingual does."""
    with user_errors():
        from bilingual.render.omegat import project_for

        folder, stems = project_for(project, articles, out)
        echo(f"wrote the OmegaT project {folder} ({len(stems)} article"
             f"{'' if len(stems) == 1 else 's'}: {', '.join(stems)}); open it in OmegaT")
