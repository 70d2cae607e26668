"""Translation engines behind one small interface (see `base.Engine`).

`create_engine` is the one place that knows every engine's name; an HTTP engine is added by
writing a `base.Engine` subclass and one branch here.
"""

from __future__ import annotations

from pathlib import Path

from bilingual.engines.base import Engine
from bilingual.errors import BilingualError

ENGINE_NAMES = ("argos", "none", "libretranslate")


def create_engine(name: str, *, packages: Path | None = None, **options: object) -> Engine:
    if name == "none":
        from bilingual.engines.none import NoneEngine

        return NoneEngine()
    if name == "argos":
        from bilingual.engines.argos import ArgosEngine, ArgosOptions
        from bilingual.models import require_zh_en

        return ArgosEngine(require_zh_en(packages), ArgosOptions(**options))  # type: ignore[arg-type]
    if name == "libretranslate":
        from bilingual.engines.libretranslate import LibreTranslateEngine

        return LibreTranslateEngine(**options)  # type: ignore[arg-type]
    raise BilingualError(f"unknown engine '{name}'", "--engine",
                         f"use one of {', '.join(ENGINE_NAMES)}")
