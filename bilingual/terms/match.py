"""Glossary matching: longest match first, no overlaps, linear time (Aho-Corasick).

Matching runs on a segment's normalised Simplified text; offsets are mapped back to the
original text, so Traditional input and the DOCX highlighting line up.
"""

from __future__ import annotations

from typing import Any

from bilingual.ingest.normalize import normalize_with_map
from bilingual.terms.entries import Entry, Glossary


class Matcher:
    """An automaton over every form in a glossary; build once, use for every segment."""

    def __init__(self, glossary: Glossary, automaton: Any = None) -> None:
        """`automaton`: one built before for this very glossary (from the cache)."""
        self.glossary = glossary
        self.automaton: Any = automaton if automaton is not None else self._build(glossary)

    @staticmethod
    def _build(glossary: Glossary) -> Any:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for form, entry in glossary.forms().items():
            automaton.add_word(form, (form, entry))
        if len(automaton):
            automaton.make_automaton()
        return automaton

    def find(self, text: str) -> list[tuple[int, int, Entry]]:
        """(start, end, entry) of the leftmost-longest non-overlapping matches in `text`."""
        if not len(self.automaton) or not text:
            return []
        found = []
        for end_index, (form, entry) in self.automaton.iter_long(text):
            start = end_index - len(form) + 1
            found.append((start, end_index + 1, entry))
        return found


def original_span(zh: str, start: int, end: int) -> tuple[int, int]:
    """Map a span of the normalised text back onto the original `zh`.

    zh_simplified = t2s(normalize(zh)), and the t2s step keeps lengths, so the
    normalisation map is all that is needed.
    """
    _, origin = normalize_with_map(zh)
    if not origin:
        return start, end
    return origin[min(start, len(origin) - 1)], origin[min(end, len(origin)) - 1] + 1
