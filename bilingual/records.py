"""The records that flow through every stage of the pipeline.

A `Segment` is one sentence (or one title, heading, meta line...) of an article.
Each stage fills in its own fields and leaves the others alone; renderers read them all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

KINDS = ("title", "subtitle", "meta", "byline", "heading", "body", "editor", "boilerplate")


@dataclass
class Term:
    """A glossary or name match inside a segment; offsets index the segment's original `zh`."""

    zh: str  # as matched, in the normalised Simplified text
    en: str  # the English the output must contain
    start: int  # offsets into the segment's original `zh`
    end: int
    source: str  # glossary name, or "auto" for rule-based names
    category: str = ""
    norm_start: int = 0  # offsets into `zh_simplified`, where injection happens
    norm_end: int = 0
    status: str = ""  # enforcement: "inject", "n-best", "prefix", "suppress", "replace", "missing"


TERM_FIELDS = {"zh", "en", "start", "end", "source", "category", "norm_start", "norm_end",
               "status"}


@dataclass
class Segment:
    id: str  # "p3.s2": paragraph 3, sentence 2 (both 1-based, stable for a given input)
    kind: str  # one of KINDS
    para: int
    index: int
    zh: str  # the original text, character for character
    zh_simplified: str  # normalised, Simplified: what glossary and MT see
    translate: bool
    line: int = 0  # 1-based line of the paragraph in the input
    zh_display: str = ""  # the Chinese shown to people, in the script chosen by --zh-script
    meta: dict[str, str] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    en: str | None = None
    en_mt: str | None = None  # the machine translation, kept when a reviewer changes `en`
    engine: str | None = None
    from_tm: bool = False
    origin: str | None = None  # "mt" or "human"
    status: str = "new"
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        """The inverse of to_dict (unknown keys ignored, so older files still load)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["terms"] = [Term(**{k: v for k, v in t.items() if k in TERM_FIELDS})
                           for t in data.get("terms") or []]
        return cls(**values)


@dataclass
class Article:
    """One input document after reading, structure recognition and segmentation."""

    path: str
    stem: str
    encoding: str
    format: str  # txt, docx, html
    script: str  # "simplified" or "traditional": what the input was written in
    segments: list[Segment]
    meta: dict[str, str] = field(default_factory=dict)  # title, date, time, source, byline, editor

    def paragraphs(self) -> list[list[Segment]]:
        groups: dict[int, list[Segment]] = {}
        for seg in self.segments:
            groups.setdefault(seg.para, []).append(seg)
        return list(groups.values())


@dataclass
class RunInfo:
    """What produced an article's outputs: shown in the DOCX header and report.json."""

    engine: str = ""  # e.g. "argos zh→en v1.9 (translate-zh_en-1_9)"
    engine_name: str = ""
    model: str = ""  # the engine's version string, part of the TM key
    glossary: str = ""  # fingerprint
    glossary_sources: list[str] = field(default_factory=list)
    generated: str = ""  # ISO 8601
    timings: dict[str, float] = field(default_factory=dict)
