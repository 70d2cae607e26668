"""The engine interface: a list of Chinese sentences in, a list of English sentences out.

An engine also has a `name` and a `version` (its model's identity); both are part of the
translation-memory key, so a new model never serves translations made by an old one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class Engine(ABC):
    name: str = "engine"

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

    def errors(self) -> dict[str, str]:
        """Sources this engine failed on so far, with why; their targets came back empty.
        Engines that fail whole calls raise instead, and have none."""
        return {}

    @property
    def produces_text(self) -> bool:
        """False for engines whose output is not a translation worth remembering."""
        return True

    def describe(self) -> str:
        """For people: the engine's name, and its model where it has one."""
        return f"{self.name} ({self.version})" if self.version else self.name
