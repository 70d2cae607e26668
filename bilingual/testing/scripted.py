"""A deterministic engine that misbehaves on demand, for tests of the enforcement ladder."""

from __future__ import annotations

import re

from bilingual.engines.base import Engine

LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'(),\- ]*[A-Za-z0-9)]")


class ScriptedEngine(Engine):
    """Translates by copying the injected English spans into a fixed sentence, then
    misbehaves as told: drop them, paraphrase, duplicate, or render them the wrong way."""

    name = "scripted"

    def __init__(self, mode: str = "copy", right_at: int = 0, prefix_ok: bool = False,
                 suppress_ok: bool = False) -> None:
        self.mode, self.right_at = mode, right_at
        self.prefix_ok, self.suppress_ok = prefix_ok, suppress_ok
        self.calls: list[str] = []

    def render(self, source: str, k: int) -> str:
        spans = LATIN.findall(source)
        good = "the report mentions " + " and ".join(spans) + "." if spans else "the report."
        if self.mode == "copy" or (k == self.right_at and self.mode == "nbest"):
            return good
        if self.mode in ("drop", "nbest"):
            return "the report mentions something."
        if self.mode == "dup":
            return good + " " + " ".join(spans)
        if self.mode == "wrong":
            return good.replace("Communist Party of China (CPC)", "Chinese Communist Party")
        raise AssertionError(self.mode)

    def translate(self, sources: list[str]) -> list[str]:
        self.calls.append("translate")
        return [self.render(s, 0) for s in sources]

    def hypotheses(self, sources: list[str], n: int) -> list[list[str]]:
        self.calls.append("hypotheses")
        return [[self.render(s, k) for k in range(n)] for s in sources]

    def translate_with_prefix(self, sources, prefixes):
        self.calls.append("prefix")
        if not self.prefix_ok:
            return None
        return [f"{p} and so on." for p in prefixes]

    def translate_suppressing(self, sources, banned):
        self.calls.append("suppress")
        if not self.suppress_ok:
            return None
        right = "Communist Party of China (CPC)"
        return [self.render(s, 0).replace("Chinese Communist Party", right) for s in sources]
