"""The translation stage: translation memory first, then the engine, once per distinct source.

Takes the segments of one or many articles at once, so that the engine sees one large batch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .engines.base import Engine
from .records import Segment
from .tm import TranslationMemory


@dataclass
class TranslateStats:
    segments: int = 0  # translatable segments
    distinct: int = 0  # distinct sources among them
    from_tm: int = 0  # segments served by the TM
    human: int = 0  # of which human translations
    engine_sources: int = 0  # distinct sources sent to the engine
    seconds: float = 0.0
    engine_seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


def translate_segments(
    segments: list[Segment],
    engine: Engine,
    tm: TranslationMemory | None = None,
    glossary_fingerprint: str = "",
) -> TranslateStats:
    """Fill `en`, `engine`, `from_tm`, `origin` and `status` of every translatable segment."""
    start = time.perf_counter()
    todo = [s for s in segments if s.translate]
    sources = list(dict.fromkeys(s.zh_simplified for s in todo))
    stats = TranslateStats(segments=len(todo), distinct=len(sources))
    hits = tm.lookup(sources, engine.name, engine.version, glossary_fingerprint) if tm else {}
    missing = [s for s in sources if s not in hits]
    engine_start = time.perf_counter()
    targets = dict(zip(missing, engine.translate(missing))) if missing else {}
    stats.engine_seconds = time.perf_counter() - engine_start
    stats.engine_sources = len(missing)
    if tm and engine.produces_text:
        tm.add_mt(targets.items(), engine.name, engine.version, glossary_fingerprint)
    for seg in todo:
        hit = hits.get(seg.zh_simplified)
        if hit is not None:
            seg.en, seg.origin, seg.from_tm = hit.target, hit.origin, True
            seg.engine = engine.name if hit.origin == "mt" else "human"
            seg.status = "reviewed" if hit.origin == "human" else "mt"
            stats.from_tm += 1
            stats.human += hit.origin == "human"
        else:
            seg.en = targets[seg.zh_simplified]
            seg.engine, seg.from_tm = engine.name, False
            seg.origin = "mt" if engine.produces_text else None
            seg.status = "mt" if engine.produces_text else "new"
    stats.seconds = time.perf_counter() - start
    return stats
