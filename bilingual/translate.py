"""The translation stage: translation memory first, then the engine, once per distinct source.

Takes the segments of one or many articles at once, so that the engine sees one large batch.
Segments that carry glossary terms go through the enforcement ladder (terms/enforce.py).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from bilingual.engines.base import Engine
from bilingual.records import Segment
from bilingual.terms.enforce import Job, enforce, missing_terms
from bilingual.terms.entries import Glossary
from bilingual.tm import TranslationMemory

TERM_MISSING = "term-missing"


@dataclass
class TranslateStats:
    segments: int = 0  # translatable segments
    distinct: int = 0  # distinct sources among them
    from_tm: int = 0  # segments served by the TM
    human: int = 0  # of which human translations
    engine_sources: int = 0  # distinct sources sent to the engine
    terms: int = 0  # term occurrences to enforce (in engine-translated sources)
    rungs: Counter = field(default_factory=Counter)  # rung → term occurrences satisfied there
    term_missing_segments: int = 0
    seconds: float = 0.0
    engine_seconds: float = 0.0

    def merge(self, other: TranslateStats) -> None:
        """Add another batch's figures to these."""
        for name in ("segments", "distinct", "from_tm", "human", "engine_sources", "terms",
                     "term_missing_segments", "seconds", "engine_seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rungs.update(other.rungs)

    def rung_shares(self) -> dict[str, float]:
        return {r: n / self.terms for r, n in self.rungs.items()} if self.terms else {}


def translate_segments(
    segments: list[Segment],
    engine: Engine,
    tm: TranslationMemory | None = None,
    glossary_fingerprint: str = "",
    glossary: Glossary | None = None,
) -> TranslateStats:
    """Fill `en`, `engine`, `from_tm`, `origin`, `status` (and term flags) of every
    translatable segment. `terms` must already be set (terms/annotate.py) to be enforced."""
    start = time.perf_counter()
    todo = [s for s in segments if s.translate]
    terms_of = {}
    for seg in todo:
        terms_of.setdefault(seg.zh_simplified, seg.terms)
    sources = list(terms_of)
    stats = TranslateStats(segments=len(todo), distinct=len(sources))
    hits = tm.lookup(sources, engine.name, engine.version, glossary_fingerprint) if tm else {}
    missing = [s for s in sources if s not in hits]
    engine_start = time.perf_counter()
    jobs: dict[str, Job] = {}
    if missing and engine.produces_text:
        from bilingual.terms.enforce import banned_for

        batch = [Job(s, terms_of[s], banned_for(terms_of[s], glossary) if glossary else {})
                 for s in missing]
        enforce_stats = enforce(batch, engine)
        stats.terms, stats.rungs = enforce_stats.terms, enforce_stats.satisfied
        jobs = {job.source: job for job in batch}
        targets = {job.source: job.output for job in batch}
    else:
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
            lost = missing_terms(hit.target, seg.terms) if hit.origin == "mt" else []
            rung = "tm"
        else:
            seg.en = targets[seg.zh_simplified]
            seg.engine, seg.from_tm = engine.name, False
            seg.origin = "mt" if engine.produces_text else None
            seg.status = "mt" if engine.produces_text else "new"
            job = jobs.get(seg.zh_simplified)
            lost = job.missing if job else []
            rung = job.rung if job else ""
        for term in seg.terms:
            term.status = "missing" if term.en in lost else (rung if seg.en else "")
        seg.flags = [f for f in seg.flags if not f.startswith(TERM_MISSING)]
        if lost:
            seg.flags.append(f"{TERM_MISSING}: {'; '.join(lost)}")
            stats.term_missing_segments += 1
    stats.seconds = time.perf_counter() - start
    return stats
