"""The records that flow through every stage of the pipeline.

A `Segment` is one sentence (or one title, heading, meta line...) of an article.
Each stage fills in its own fields and leaves the others alone; renderers read them all.
Each vocabulary has its own name and type: a segment's `state` (where it is in translation and
review), a term's `rung` (how enforcement satisfied it), a finding's `check` and `severity`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from itertools import groupby
from typing import Any, Literal, get_args

SegmentState = Literal["new", "mt", "reviewed", "approved"]
# How a term's rendering got into the English: from the TM, by injection into the source
# (first time), by a repair step of the ladder (an LLM's second answer is a re-ask naming the
# miss, not an n-best hypothesis), or not at all.
Rung = Literal["", "tm", "inject", "n-best", "reask", "prefix", "suppress", "replace", "missing"]
REPAIR_RUNGS: tuple[Rung, ...] = ("n-best", "reask", "prefix", "suppress", "replace")
Severity = Literal["error", "warning", "info"]


def _known_fields(cls: Any, data: dict[str, Any], renamed: dict[str, str]) -> dict[str, Any]:
    """The values of `data` that `cls` has fields for (unknown keys ignored, so files written
    by other versions still load); `renamed` maps the names of version 0.1 to today's."""
    names = {f.name for f in fields(cls)}
    values = {renamed.get(k, k): v for k, v in data.items() if renamed.get(k, k) in names}
    for new in renamed.values():
        if new in data:  # today's name wins over the old one
            values[new] = data[new]
    return values


@dataclass(slots=True)
class Finding:
    """One QA or engine finding about one segment."""

    check: str  # e.g. "number", "term-missing", "engine-error"
    message: str
    severity: Severity = "warning"
    segment: str = ""  # the segment id

    def as_text(self) -> str:
        return f"{self.check}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        return _reduce(self)

    def record(self) -> dict[str, Any]:
        """As `asdict` gives it, without its deep copy (a long article has many)."""
        return _record(self)

    @classmethod
    def from_value(cls, value: Any, segment: str = "") -> Finding:
        """From a dict, or from the "check: message" strings that older outputs hold."""
        if isinstance(value, dict):
            return cls(**_known_fields(cls, value, {}))
        check, _, message = str(value).partition(":")
        return cls(check.strip(), message.strip(), segment=segment)


@dataclass(slots=True)
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
    rung: Rung = ""
    fixed_case: bool = False  # the rendering's case is never changed (tidy leaves it alone)
    accepted: tuple[str, ...] = ()  # other English forms verification accepts

    def __reduce__(self) -> tuple[Any, ...]:
        return _reduce(self)

    def record(self) -> dict[str, Any]:
        """As `asdict` gives it, without its deep copy (a long article has many)."""
        return _record(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Term:
        values = _known_fields(cls, data, renamed={"status": "rung"})
        values["accepted"] = tuple(values.get("accepted") or ())
        return cls(**values)


@dataclass(slots=True)
class Segment:
    id: str  # "p3.s2": paragraph 3, sentence 2 (both 1-based, stable for a given input)
    kind: str  # one of ingest.structure.KINDS
    para: int
    index: int
    zh: str  # the original text, character for character (as cleaned: normalize.clean_text)
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
    state: SegmentState = "new"
    flags: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return _reduce(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        """The inverse of to_dict (unknown keys ignored, so older files still load)."""
        values = _known_fields(cls, data, renamed={"status": "state"})
        values["terms"] = [Term.from_dict(t) for t in data.get("terms") or []]
        values["flags"] = [Finding.from_value(f, data.get("id", ""))
                           for f in data.get("flags") or []]
        return cls(**values)


SEGMENT_STATES: tuple[str, ...] = get_args(SegmentState)
_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in (Finding, Term, Segment)}


def _reduce(record: Any) -> tuple[Any, ...]:
    """Pickled as the class and its field values: half the size of the default for slotted
    classes, and twice as fast to load (a long article's parts are read back many times)."""
    return (type(record), tuple(getattr(record, name) for name in _FIELDS[type(record)]))


def _record(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in _FIELDS[type(record)]}


@dataclass
class Article:
    """One input document after reading, structure recognition and segmentation."""

    path: str  # as given (the name people know it by)
    stem: str  # the output name: unique within a run
    encoding: str
    format: str  # txt, docx, html
    script: str  # "simplified" or "traditional": what the input was written in
    # a list, or for a long article the segments spilled to disk part by part (run/spill.py):
    # renderers only iterate (as often as they need) and take the length
    segments: Sequence[Segment]
    meta: dict[str, str] = field(default_factory=dict)  # title, date, time, source, byline, editor

    def paragraphs(self) -> Iterator[list[Segment]]:
        """The segments paragraph by paragraph (a paragraph's segments are consecutive)."""
        for _, group in groupby(self.segments, key=lambda seg: seg.para):
            yield list(group)


@dataclass
class RunInfo:
    """What produced an article's outputs: shown in the DOCX header and report.json."""

    engine: str = ""  # for people, e.g. "argos zh→en 1.9 (translate-zh_en-1_9)"
    engine_name: str = ""  # the registry name, e.g. "argos"
    model: str = ""  # the engine's model identity, part of the TM key
    glossary: str = ""  # fingerprint
    glossary_sources: list[str] = field(default_factory=list)
    generated: str = ""  # ISO 8601
    timings: dict[str, float] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)  # LLM requests and tokens, if counted
