"""Glossary entries and the merged glossary a run uses.

Later glossaries override earlier ones, entry by entry; what was overridden is kept so that
`bilingual glossary check` can report it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

AUTO = "auto"  # the source of names found by rule rather than by a glossary
FLAG_SUFFIX = "suffix"  # an administrative suffix: used by the name rules, never matched alone
FLAG_KEEP = "keep"  # do not translate: the Chinese (or its Latin form) stays as it is
FLAG_FIXED_CASE = "fixed-case"  # never change the case of the English
FLAGS = (FLAG_SUFFIX, FLAG_KEEP, FLAG_FIXED_CASE)


@dataclass(frozen=True)
class Entry:
    zh: str
    en: str
    category: str = ""
    note: str = ""
    variants: tuple[str, ...] = ()
    banned: tuple[str, ...] = ()  # known wrong renderings, removed from MT output
    accepted: tuple[str, ...] = ()  # other English forms verification accepts (earlier usage)
    flags: frozenset[str] = frozenset()
    source: str = "default"  # the glossary's name
    line: int = 0

    @property
    def keep(self) -> bool:
        return FLAG_KEEP in self.flags

    @property
    def target(self) -> str:
        """What the English must contain: the rendering, or the term itself when kept."""
        return self.zh if self.keep and not self.en else self.en

    @property
    def fixed_case(self) -> bool:
        return FLAG_FIXED_CASE in self.flags


@dataclass
class Glossary:
    """The entries in force (by Chinese term) and every other form that maps to them."""

    entries: dict[str, Entry] = field(default_factory=dict)
    shadowed: list[tuple[Entry, Entry]] = field(default_factory=list)  # (old, new)
    sources: list[str] = field(default_factory=list)
    derived: dict[str, str] = field(default_factory=dict)  # Traditional-derived form → zh

    def add(self, entries: list[Entry], source: str) -> None:
        self.sources.append(source)
        for entry in entries:
            old = self.entries.get(entry.zh)
            if old is not None and old.source != entry.source:
                self.shadowed.append((old, entry))
            self.entries[entry.zh] = entry

    def forms(self) -> dict[str, Entry]:
        """Every matchable form: terms, their variants and derived forms (suffixes excluded)."""
        out: dict[str, Entry] = {}
        for entry in self.entries.values():
            if FLAG_SUFFIX in entry.flags:
                continue
            for form in (*entry.variants, entry.zh):
                if form:
                    out[form] = entry
        for form, zh in self.derived.items():
            found = self.entries.get(zh)
            if found is not None and form not in out and FLAG_SUFFIX not in found.flags:
                out[form] = found
        return out

    def suffixes(self) -> dict[str, Entry]:
        return {e.zh: e for e in self.entries.values() if FLAG_SUFFIX in e.flags}

    def lookup(self, term: str) -> Entry | None:
        entry = self.entries.get(term)
        if entry is not None:
            return entry
        return self.forms().get(term)

    def fingerprint(self) -> str:
        """Changes whenever anything that affects a translation changes."""
        digest = hashlib.sha256()
        for zh in sorted(self.entries):
            e = self.entries[zh]
            digest.update("\x1f".join((e.zh, e.en, "|".join(e.variants), "|".join(e.banned),
                                       ",".join(sorted(e.flags)), "|".join(e.accepted))).encode())
            digest.update(b"\x1e")
        return digest.hexdigest()[:16]
