"""Glossary matching: longest match first, no overlaps, linear time (Aho-Corasick).

Matching runs on a segment's normalised Simplified text; offsets are mapped back to the
original text, so Traditional input and the DOCX highlighting line up.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bilingual.ingest.normalize import normalize_with_map
from bilingual.terms.entries import Entry, Glossary


class Matcher:
    """An automaton over every form in a glossary; build once, use for every segment.

    The automaton stores each form's index (not Python objects), so it can be saved and
    loaded natively: a 200,000-entry glossary's is read back far faster than rebuilt."""

    def __init__(self, glossary: Glossary, automaton: Any = None) -> None:
        """`automaton`: one built before for this very glossary (from the cache)."""
        self.glossary = glossary
        forms = glossary.forms()
        self._lengths = [len(form) for form in forms]
        self._entries = list(forms.values())
        self.automaton: Any = automaton if automaton is not None else self._build(list(forms))

    @staticmethod
    def _build(forms: list[str]) -> Any:
        import ahocorasick

        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for i, form in enumerate(forms):
            automaton.add_word(form, i)
        if forms:
            automaton.make_automaton()
        return automaton

    def save(self, path: Path) -> None:
        """Written beside `path` and renamed: never half a file under the name."""
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.automaton.save(str(temporary))
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    @staticmethod
    def load_automaton(path: Path) -> Any:
        import ahocorasick

        return ahocorasick.load(str(path), lambda _: None)

    def find(self, text: str) -> list[tuple[int, int, Entry]]:
        """(start, end, entry) of the leftmost-longest non-overlapping matches in `text`."""
        if not self._entries or not text:
            return []
        found = []
        for end_index, i in self.automaton.iter_long(text):
            found.append((end_index - self._lengths[i] + 1, end_index + 1, self._entries[i]))
        return found


def original_span(zh: str, start: int, end: int,
                  origin: list[int] | None = None) -> tuple[int, int]:
    """Map a span of the normalised text back onto the original `zh`.

    zh_simplified = t2s(normalize(zh)), and the t2s step keeps lengths, so the
    normalisation map is all that is needed. `origin`: that map, when the caller maps many
    spans of one segment (computing it per span made a long sentence quadratic).
    """
    if origin is None:
        origin = normalize_with_map(zh)[1]
    if not origin:
        return start, end
    return origin[min(start, len(origin) - 1)], origin[min(end, len(origin)) - 1] + 1


class Coverage:
    """Which characters of a text spans already claim: an overlap test in the span's length,
    where checking every claimed span made a sentence with thousands of terms quadratic."""

    def __init__(self, length: int) -> None:
        self.mask = bytearray(length + 1)

    def free(self, start: int, end: int) -> bool:
        return not any(self.mask[start:end])

    def take(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)
