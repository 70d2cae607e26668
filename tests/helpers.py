"""A shortcut shared by several test modules: the batch runner on tools already loaded."""

from __future__ import annotations

from pathlib import Path

from bilingual.engines.base import Engine
from bilingual.errors import BilingualError
from bilingual.ingest.script import ScriptConverter
from bilingual.render.formats import FORMATS
from bilingual.run.executor import BatchOptions, Tools, run_batch
from bilingual.run.inputs import plan
from bilingual.terms.annotate import TermTools
from bilingual.tm import TranslationMemory


def translate_files(paths: list[Path], out: Path, engine: Engine, tm: TranslationMemory | None,
                    terms: TermTools, formats: list[str] | None = None) -> None:
    """Run the batch pipeline on `paths` with tools already loaded; fail on any bad article."""
    result = run_batch(plan(list(paths)), engine, tm,
                       BatchOptions(out=out, formats=formats or list(FORMATS)),
                       tools=Tools(ScriptConverter(), terms))
    if result.failed:
        raise BilingualError(result.failed[0].reason)
