"""The engine interface: a list of Chinese sentences in, a list of English sentences out.

An engine also has a `name` and a `version` (its model's identity); both are part of the
translation-memory key, so a new model never serves translations made by an old one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bilingual.records import Article, Rung, Segment
    from bilingual.terms.entries import Glossary


class Engine(ABC):
    name: str = "engine"
    # what the second and later `hypotheses` are, as the term outcomes name it
    alternatives: Rung = "n-best"

    @property
    def version(self) -> str:
        """The model's identity ("" for engines without a model)."""
        return ""

    @abstractmethod
    def translate(self, sources: list[str]) -> list[str]:
        """One target per source, in order."""

    def hypotheses(self, sources: list[str], n: int) -> list[list[str]]:
        """Up to `n` alternative targets per source, best first (engines without n-best give 1)."""
        return [[target] for target in self.translate(sources)]

    def translate_with_prefix(self, sources: list[str], prefixes: list[str]) -> list[str] | None:
        """Targets forced to start with `prefixes`; None where the engine cannot."""
        return None

    def translate_suppressing(self, sources: list[str],
                              banned: list[list[str]]) -> list[str] | None:
        """Targets that never contain the `banned` phrases; None where the engine cannot."""
        return None

    @property
    def produces_text(self) -> bool:
        """False for engines whose output is not a translation worth remembering."""
        return True

    def prepare(self, articles: list[Article], glossary: Glossary | None) -> None:
        """The articles about to be translated, before `translate` is called on their sources
        (injected as terms/enforce.py injects them). Engines that translate in context (the
        LLM engine: paragraphs, segment ids, the glossary entries of each) keep what they need;
        others ignore it."""
        return None

    def errors(self) -> dict[str, str]:
        """Sources (zh_simplified) the engine gave up on, with why: the run flags them
        `engine-error` and leaves their English empty rather than guess."""
        return {}

    def usage(self, stem: str | None = None) -> dict[str, int]:
        """Requests and tokens spent, for one article (by stem) or the whole run; {} for
        engines that do not count them."""
        return {}

    def describe(self) -> str:
        """For people: the engine's name, and its model where it has one."""
        return f"{self.name} ({self.version})" if self.version else self.name


def flag_engine_errors(segments: list[Segment], errors: dict[str, str]) -> None:
    """Segments whose source the engine gave up on: no English, state `new`, an `engine-error`
    finding (kept by QA) saying why; never another segment's text shifted into the row."""
    from bilingual.records import Finding

    for seg in segments:
        why = errors.get(seg.zh_simplified)
        if why is None or not seg.translate or seg.from_tm or seg.en \
                or any(f.check == "engine-error" for f in seg.flags):  # flagged already
            continue
        seg.en, seg.origin, seg.state = "", None, "new"
        seg.flags.append(Finding("engine-error", why, "error", seg.id))
        for term in seg.terms:
            term.rung = ""
