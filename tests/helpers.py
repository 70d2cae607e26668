"""Test doubles shared by several test modules."""

from __future__ import annotations

import re
from pathlib import Path

from bilingual.batch import BatchOptions, plan, run_batch
from bilingual.engines.base import Engine
from bilingual.testing import ScriptedEngine  # noqa: F401  (re-exported for tests)
from bilingual.errors import BilingualError
from bilingual.outputs import FORMATS
from bilingual.script import ScriptConverter
from bilingual.terms.annotate import TermTools
from bilingual.tm import TranslationMemory

def translate_files(paths: list[Path], out: Path, engine: Engine, tm: TranslationMemory | None,
                    terms: TermTools, formats: list[str] | None = None) -> None:
    """Run the batch pipeline on `paths` with tools already loaded; fail on any bad article."""
    result = run_batch(plan(list(paths)), engine, tm,
                       BatchOptions(out=out, formats=formats or list(FORMATS)),
                       state={"scripts": ScriptConverter(), "terms": terms})
    if result.failed:
        raise BilingualError(result.failed[0].reason)
