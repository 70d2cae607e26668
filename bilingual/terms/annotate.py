"""The terms stage: glossary matches and automatic names on every translatable segment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bilingual.ingest.script import ScriptConverter
from bilingual.records import Segment, Term
from bilingual.terms.entries import AUTO, Entry, Glossary
from bilingual.terms.load import load_glossary
from bilingual.terms.match import Matcher, original_span
from bilingual.terms.names import NameFinder
from bilingual.terms.stats import TermCounts, count_terms


@dataclass
class TermTools:
    """Everything the terms stage needs, loaded once per run and passed around."""

    glossary: Glossary
    matcher: Matcher
    names: NameFinder | None

    @property
    def fingerprint(self) -> str:
        return self.glossary.fingerprint() + ("+names" if self.names else "")


def load_term_tools(paths: Sequence[str | Path] | None = None, include_default: bool = True,
                    names: bool = True, scripts: ScriptConverter | None = None) -> TermTools:
    glossary = load_glossary(paths, include_default, scripts)
    return TermTools(glossary, Matcher(glossary), NameFinder(glossary) if names else None)


def _term(segment: Segment, start: int, end: int, en: str, source: str, category: str,
          entry: Entry | None = None, accepted: tuple[str, ...] = ()) -> Term:
    o_start, o_end = original_span(segment.zh, start, end)
    return Term(zh=segment.zh_simplified[start:end], en=en, start=o_start, end=o_end,
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
    terms = [_term(segment, p.start, p.end, p.en, AUTO, "place", accepted=p.accepted)
             for p in places]
    # the glossary runs in the stretches the places leave
    bounds = [0, *(x for p in places for x in (p.start, p.end)), len(text)]
    for gap_start, gap_end in zip(bounds[::2], bounds[1::2], strict=True):
        for start, end, entry in tools.matcher.find(text[gap_start:gap_end]):
            terms.append(_term(segment, gap_start + start, gap_start + end, entry.target,
                               entry.source, entry.category, entry))
    if tools.names is not None:
        taken = [(t.norm_start, t.norm_end) for t in terms]
        for person in tools.names.find_people(text, taken):
            terms.append(_term(segment, person.start, person.end, person.en, AUTO, "person"))
    return sorted(terms, key=lambda t: t.norm_start)


def annotate(segments: list[Segment], tools: TermTools) -> TermCounts:
    """Fill `terms` of every translatable segment; returns what was found."""
    for seg in segments:
        seg.terms = find_terms(seg, tools) if seg.translate else []
    return count_terms(segments)
