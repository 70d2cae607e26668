"""The terms stage: glossary matches and automatic names on every translatable segment."""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bilingual.fileio import atomic_open
from bilingual.ingest.normalize import normalize_with_map
from bilingual.ingest.script import ScriptConverter
from bilingual.records import Segment, Term
from bilingual.terms.entries import AUTO, Entry, Glossary
from bilingual.terms.lexicon import cache_dir
from bilingual.terms.load import default_glossary_text, load_glossary
from bilingual.terms.match import Matcher, original_span
from bilingual.terms.names import NameFinder
from bilingual.terms.stats import TermCounts, count_terms

CACHE_VERSION = b"glossary-cache-2"  # change when Entry, Glossary or the forms change


@dataclass
class TermTools:
    """Everything the terms stage needs, loaded once per run and passed around."""

    glossary: Glossary
    matcher: Matcher
    names: NameFinder | None

    @cached_property
    def fingerprint(self) -> str:
        # hashing every entry: computed once, not at every use (200,000 entries: 0.3 s)
        return self.glossary.fingerprint() + ("+names" if self.names else "")


def _cache_stem(paths: Sequence[str | Path], include_default: bool) -> Path | None:
    """Where the parsed glossary and its automaton are kept, named by a hash of every input
    (the files' bytes, their order, the default glossary and the library versions)."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(CACHE_VERSION)
    for lib in ("opencc", "pyahocorasick"):
        try:
            digest.update(version(lib).encode())
        except PackageNotFoundError:
            digest.update(lib.encode())
    if include_default:
        digest.update(default_glossary_text().encode())
    for path in paths:
        if not Path(path).is_file():
            return None  # loading reports it
        digest.update(b"\x1e" + str(path).encode() + b"\x1f" + Path(path).read_bytes())
    return cache_dir() / f"glossary-{digest.hexdigest()[:24]}"


_Row = tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...],
             tuple[str, ...], str, int]


def _row(e: Entry) -> _Row:
    return (e.zh, e.en, e.category, e.note, e.variants, e.banned, e.accepted,
            tuple(sorted(e.flags)), e.source, e.line)


def _entry(r: _Row) -> Entry:
    return Entry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], frozenset(r[7]), r[8], r[9])


def _save(stem: Path, glossary: Glossary, matcher: Matcher) -> None:
    # marshal, not pickle: plain tuples of strings load ten times faster than dataclasses
    data = marshal.dumps(([_row(e) for e in glossary.entries.values()],
                          [(_row(old), _row(new)) for old, new in glossary.shadowed],
                          glossary.sources, glossary.derived))
    stem.parent.mkdir(parents=True, exist_ok=True)
    matcher.save(stem.with_suffix(".automaton"))
    with atomic_open(stem.with_suffix(".glossary"), "wb") as f:
        f.write(data)


def _load(stem: Path) -> tuple[Glossary, Matcher]:
    with stem.with_suffix(".glossary").open("rb") as f:
        rows, shadowed, sources, derived = marshal.load(f)
    glossary = Glossary({r[0]: _entry(r) for r in rows},
                        [(_entry(a), _entry(b)) for a, b in shadowed], sources, derived)
    automaton = Matcher.load_automaton(stem.with_suffix(".automaton"))
    return glossary, Matcher(glossary, automaton)


def load_glossary_and_matcher(paths: Sequence[str | Path] | None = None,
                              include_default: bool = True,
                              scripts: ScriptConverter | None = None) -> tuple[Glossary, Matcher]:
    """Parsed and built once for given files, then read from the cache (a 200,000-entry
    glossary: 40 s to parse, derive its Traditional forms and build; about a second to read).
    The cache holds only what this code wrote from the user's own glossaries."""
    stem = _cache_stem(list(paths or []), include_default)
    if stem is not None and stem.with_suffix(".glossary").exists():
        try:
            return _load(stem)
        except (OSError, EOFError, ValueError, TypeError, IndexError):
            pass  # damaged or from another version: rebuilt below
    glossary = load_glossary(paths, include_default, scripts)
    matcher = Matcher(glossary)
    if stem is not None and glossary.forms():
        try:
            _save(stem, glossary, matcher)
        except OSError:
            pass  # a read-only cache folder: parse again next time
    return glossary, matcher


def load_term_tools(paths: Sequence[str | Path] | None = None, include_default: bool = True,
                    names: bool = True, scripts: ScriptConverter | None = None) -> TermTools:
    glossary, matcher = load_glossary_and_matcher(paths, include_default, scripts)
    return TermTools(glossary, matcher, NameFinder(glossary) if names else None)


def _term(segment: Segment, start: int, end: int, en: str, source: str, category: str,
          entry: Entry | None = None, accepted: tuple[str, ...] = (),
          origin: list[int] | None = None) -> Term:
    o_start, o_end = original_span(segment.zh, start, end, origin)
    # interned: a term recurs all through an article, its text is held once
    return Term(zh=sys.intern(segment.zh_simplified[start:end]), en=en, start=o_start, end=o_end,
                source=source, category=category, norm_start=start, norm_end=end,
                fixed_case=entry.fixed_case if entry else False,
                accepted=entry.accepted if entry else accepted)


def find_terms(segment: Segment, tools: TermTools) -> list[Term]:
    """Places, then the glossary in what they leave, then people; nothing overlaps."""
    text = segment.zh_simplified
    whole = tools.matcher.find(text)
    places = []
    if tools.names is not None:
        for place in tools.names.find_places(text):
            covered = any(s <= place.start and e >= place.end for s, e, _ in whole)
            if not covered:
                places.append(place)
    origin = normalize_with_map(segment.zh)[1]  # once per segment, for every term's span
    terms = [_term(segment, p.start, p.end, p.en, AUTO, "place", accepted=p.accepted,
                   origin=origin)
             for p in places]
    # the glossary runs in the stretches the places leave
    bounds = [0, *(x for p in places for x in (p.start, p.end)), len(text)]
    for gap_start, gap_end in zip(bounds[::2], bounds[1::2], strict=True):
        for start, end, entry in tools.matcher.find(text[gap_start:gap_end]):
            terms.append(_term(segment, gap_start + start, gap_start + end, entry.target,
                               entry.source, entry.category, entry, origin=origin))
    if tools.names is not None:
        taken = [(t.norm_start, t.norm_end) for t in terms]
        for person in tools.names.find_people(text, taken):
            terms.append(_term(segment, person.start, person.end, person.en, AUTO, "person",
                               origin=origin))
    return sorted(terms, key=lambda t: t.norm_start)


def annotate(segments: list[Segment], tools: TermTools) -> TermCounts:
    """Fill `terms` of every translatable segment; returns what was found."""
    for seg in segments:
        seg.terms = find_terms(seg, tools) if seg.translate else []
    return count_terms(segments)
