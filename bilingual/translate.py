"""The translation stage: translation memory first, then the engine, once per distinct source.

Takes the segments of one or many articles at once, so that the engine sees one large batch.
Segments that carry glossary terms go through the enforcement ladder (terms/enforce.py); each
term records the rung that satisfied it (`Term.rung`), which is what every count reads.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bilingual.chars import XML_ILLEGAL_RE
from bilingual.engines.base import Engine
from bilingual.records import Finding, Rung, Segment
from bilingual.terms.enforce import Job, banned_for, enforce, missing_terms, term_rung
from bilingual.terms.entries import Glossary
from bilingual.tm import Hit, TranslationMemory


@dataclass
class TranslateStats:
    segments: int = 0  # translatable segments
    distinct: int = 0  # distinct sources among them
    from_tm: int = 0  # segments served by the TM
    human: int = 0  # of which human translations
    engine_sources: int = 0  # distinct sources sent to the engine
    seconds: float = 0.0
    engine_seconds: float = 0.0
    decode_passes: int = 0  # batched engine calls (first pass and repairs)
    hypotheses_decoded: int = 0  # sentence decodes in all, each n-best hypothesis counted
    engine_errors: int = 0  # distinct sources the engine failed on (no English)

    def decodes_per_sentence(self) -> float:
        return self.hypotheses_decoded / self.engine_sources if self.engine_sources else 0.0

    def merge(self, other: TranslateStats) -> None:
        """Add another batch's figures to these."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _engine_jobs(sources: list[str], segments: dict[str, Segment], engine: Engine,
                 glossary: Glossary | None, stats: TranslateStats) -> dict[str, Job]:
    """Translate `sources` with the engine, enforcing their terms; job by source."""
    if not sources:
        return {}
    if not engine.produces_text:
        return {s: Job(s, segments[s].terms, output="") for s in sources}
    jobs = [Job(s, segments[s].terms,
                banned_for(segments[s].terms, glossary) if glossary else {}) for s in sources]
    counts = enforce(jobs, engine)
    stats.decode_passes += counts.passes
    stats.hypotheses_decoded += counts.hypotheses
    stats.engine_errors += sum(1 for j in jobs if j.error)
    return {job.source: job for job in jobs}


def _from_tm(seg: Segment, hit: Hit, engine: Engine) -> tuple[list[str], Rung]:
    # an entry an older version stored may hold what no output can carry
    seg.en, seg.origin, seg.from_tm = XML_ILLEGAL_RE.sub("", hit.target), hit.origin, True
    seg.engine = engine.name if hit.origin == "mt" else "human"
    seg.state = "reviewed" if hit.origin == "human" else "mt"
    return (missing_terms(hit.target, seg.terms) if hit.origin == "mt" else []), "tm"


def _from_engine(seg: Segment, job: Job, engine: Engine) -> tuple[list[str], dict[str, Rung]]:
    seg.en, seg.engine, seg.from_tm = job.output, engine.name, False
    seg.origin = "mt" if engine.produces_text and not job.error else None
    seg.state = "mt" if engine.produces_text and not job.error else "new"
    if job.error:  # the run must not count this article as done: see Segment.flags
        seg.flags.append(Finding("engine-error", f"the engine failed: {job.error}", "error",
                                 seg.id))
    return job.missing, {t.en: term_rung(job, t.en) for t in seg.terms}


def translate_segments(
    segments: list[Segment],
    engine: Engine,
    tm: TranslationMemory | None = None,
    glossary_fingerprint: str = "",
    glossary: Glossary | None = None,
) -> TranslateStats:
    """Fill `en`, `engine`, `from_tm`, `origin`, `state` and each term's `rung` of every
    translatable segment. `terms` must already be set (terms/annotate.py) to be enforced."""
    start = time.perf_counter()
    todo = [s for s in segments if s.translate]
    first: dict[str, Segment] = {}
    for seg in todo:
        first.setdefault(seg.zh_simplified, seg)
    stats = TranslateStats(segments=len(todo), distinct=len(first))
    hits = tm.lookup(list(first), engine.name, engine.version, glossary_fingerprint) if tm else {}
    missing = [s for s in first if s not in hits]
    engine_start = time.perf_counter()
    jobs = _engine_jobs(missing, first, engine, glossary, stats)
    stats.engine_seconds = time.perf_counter() - engine_start
    stats.engine_sources = len(missing)
    if tm and engine.produces_text:
        tm.add_mt(((s, j.output) for s, j in jobs.items() if not j.error), engine.name,
                  engine.version, glossary_fingerprint)
    for seg in todo:
        hit = hits.get(seg.zh_simplified)
        if hit is not None:
            lost, rung = _from_tm(seg, hit, engine)
            rungs = dict.fromkeys((t.en for t in seg.terms), rung)
            stats.from_tm += 1
            stats.human += hit.origin == "human"
        else:
            lost, rungs = _from_engine(seg, jobs[seg.zh_simplified], engine)
        for term in seg.terms:
            term.rung = "missing" if term.en in lost else (rungs[term.en] if seg.en else "")
    stats.seconds = time.perf_counter() - start
    return stats
