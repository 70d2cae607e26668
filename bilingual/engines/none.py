"""The `none` engine: no machine translation, empty targets (a kit for human translators)."""

from __future__ import annotations

from bilingual.engines.base import Engine


class NoneEngine(Engine):
    name = "none"

    def translate(self, sources: list[str]) -> list[str]:
        return ["" for _ in sources]

    @property
    def produces_text(self) -> bool:
        return False
