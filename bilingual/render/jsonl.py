"""JSON Lines: one object per segment. The field names are a public interface (see README)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from bilingual.records import Segment

# Fields of `bilingual segment --format jsonl`; later stages add ALIGNED_FIELDS.
SEGMENT_FIELDS = ("id", "kind", "para", "index", "line", "zh", "zh_simplified", "zh_display",
                  "translate", "meta")
ALIGNED_FIELDS = (*SEGMENT_FIELDS, "en", "engine", "from_tm", "origin", "state", "terms", "flags",
                  "en_mt")


def segment_record(seg: Segment, fields: Iterable[str] = SEGMENT_FIELDS) -> dict[str, Any]:
    """The fields asked for, as `Segment.to_dict` gives them; only the record lists are
    converted (asdict on the whole segment costs most of a 500-segment review import)."""
    record: dict[str, Any] = {}
    for name in fields:
        value = getattr(seg, name)
        if name in ("terms", "flags"):
            value = [item.record() for item in value]
        elif isinstance(value, dict):
            value = dict(value)
        record[name] = value
    return record


def lines(segments: Iterable[Segment], fields: Iterable[str] = SEGMENT_FIELDS) -> Iterator[str]:
    """One line a segment, made as it is written (a long article is never one string)."""
    fields = tuple(fields)
    for seg in segments:
        yield json.dumps(segment_record(seg, fields), ensure_ascii=False) + "\n"


def dumps(segments: Iterable[Segment], fields: Iterable[str] = SEGMENT_FIELDS) -> str:
    return "".join(lines(segments, fields))
