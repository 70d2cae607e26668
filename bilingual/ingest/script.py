"""Simplified / Traditional Chinese: detection and OpenCC conversion.

All processing runs on Simplified text; people see the script they asked for. Conversions used
for processing keep the text's length, so offsets and segment boundaries never shift.
"""

from __future__ import annotations

from typing import Any

from bilingual.chars import IDEOGRAPH_RE
from bilingual.errors import BilingualError

SCRIPTS = ("auto", "simplified", "traditional", "hk", "tw")

# OpenCC configs from Simplified to each display script.
_FROM_SIMPLIFIED = {"traditional": "s2t", "hk": "s2hk", "tw": "s2tw"}

# Share of ideographs that t2s changes above which a text counts as Traditional. Simplified
# text changes almost nowhere; Traditional news text changes in roughly a quarter of places.
TRADITIONAL_THRESHOLD = 0.05


class ScriptConverter:
    """Holds the OpenCC converters of one run; create once and pass it to the stages."""

    def __init__(self) -> None:
        self._converters: dict[str, Any] = {}

    def _cc(self, config: str) -> Any:
        if config not in self._converters:
            import opencc

            self._converters[config] = opencc.OpenCC(config)
        return self._converters[config]

    def detect(self, text: str) -> str:
        """'traditional' or 'simplified', by how much of the text t2s would change."""
        ideographs = "".join(IDEOGRAPH_RE.findall(text[:20000]))
        if not ideographs:
            return "simplified"
        converted = self._cc("t2s").convert(ideographs)
        if len(converted) != len(ideographs):
            converted = "".join(self._cc("t2s").convert(c) for c in ideographs)
        changed = sum(a != b for a, b in zip(ideographs, converted, strict=False))
        return "traditional" if changed / len(ideographs) > TRADITIONAL_THRESHOLD else "simplified"

    def convert(self, config: str, text: str) -> str:
        """Plain OpenCC conversion (lengths may change)."""
        return self._cc(config).convert(text)

    def to_simplified(self, text: str) -> str:
        """t2s conversion that keeps the length (phrase rules that change it are undone)."""
        return self._length_preserving("t2s", text)

    def _length_preserving(self, config: str, text: str) -> str:
        cc = self._cc(config)
        out = cc.convert(text)
        if len(out) == len(text):
            return out
        return "".join(c if len(c2 := cc.convert(c)) != 1 else c2 for c in text)

    def display(self, original: str, input_script: str, target: str) -> str:
        """The Chinese of one segment as people should see it."""
        if target not in SCRIPTS:
            raise BilingualError(
                f"unknown script '{target}'", "--zh-script", f"use one of {', '.join(SCRIPTS)}"
            )
        if target == "auto" or target == input_script:
            return original
        simplified = self.to_simplified(original) if input_script == "traditional" else original
        if target == "simplified":
            return simplified
        return self._length_preserving(_FROM_SIMPLIFIED[target], simplified)
