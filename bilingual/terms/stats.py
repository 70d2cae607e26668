"""Term counts: one function and one vocabulary for the console, run.json, report.json and DOCX.

Every matched term ends in exactly one outcome: served with its segment from the translation
memory, satisfied the first time (by injection), repaired by a step of the ladder, missing,
or not translated at all (the `none` engine). The outcomes add up to `matched`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bilingual.records import REPAIR_RUNGS, Segment
from bilingual.terms.entries import AUTO

_SAID = {"reask": "re-ask"}  # rungs as the summary words them


@dataclass
class TermCounts:
    glossary: int = 0  # glossary term occurrences in translatable segments
    names: int = 0  # automatic-name occurrences
    by_rung: Counter[str] = field(default_factory=Counter)  # outcome → occurrences
    term_missing_segments: int = 0  # segments with at least one missing term

    @property
    def matched(self) -> int:
        return self.glossary + self.names

    @property
    def repaired(self) -> dict[str, int]:
        return {r: self.by_rung[r] for r in REPAIR_RUNGS if self.by_rung[r]}

    def outcomes(self) -> dict[str, int]:
        """Outcome → occurrences, in the order people read them; they add up to `matched`."""
        return {"from TM": self.by_rung["tm"], "first time": self.by_rung["inject"],
                **{f"repaired by {_SAID.get(r, r)}": n for r, n in self.repaired.items()},
                "missing": self.by_rung["missing"], "not translated": self.by_rung[""]}

    def describe(self) -> str:
        """The counts in words: the same wording in the console summary and the DOCX."""
        outcomes = ", ".join(f"{n} {what}" for what, n in self.outcomes().items() if n)
        segments = self.term_missing_segments
        return (f"{self.matched} matched ({self.glossary} glossary, {self.names} names)"
                + (f": {outcomes}" if outcomes else "")
                + f"; {segments} segment{'' if segments == 1 else 's'} with a missing term")

    def add(self, seg: Segment) -> None:
        """Count one segment's terms (those of translatable segments only)."""
        if not seg.translate:
            return
        for term in seg.terms:
            if term.source == AUTO:
                self.names += 1
            else:
                self.glossary += 1
            self.by_rung[term.rung] += 1
        self.term_missing_segments += any(t.rung == "missing" for t in seg.terms)

    def merge(self, other: TermCounts) -> None:
        self.glossary += other.glossary
        self.names += other.names
        self.by_rung.update(other.by_rung)
        self.term_missing_segments += other.term_missing_segments

    def to_json(self) -> dict[str, Any]:
        return {"matched": self.matched, "glossary": self.glossary, "names": self.names,
                "from_tm": self.by_rung["tm"], "first_time": self.by_rung["inject"],
                "repaired": self.repaired, "missing": self.by_rung["missing"],
                "not_translated": self.by_rung[""],
                "term_missing_segments": self.term_missing_segments}


def count_terms(segments: Iterable[Segment]) -> TermCounts:
    counts = TermCounts()
    for seg in segments:
        counts.add(seg)
    return counts
