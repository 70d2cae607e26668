"""Making the official rendering appear in MT output: inject → verify → repair.

CTranslate2 has no constrained decoding, and opaque placeholders get mangled by models that
never saw them, so:
1. inject: the English rendering replaces the Chinese term in the source (zh→en models copy
   Latin-script spans through);
2. verify: each expected rendering is in the output as often as its term was matched, and
   the Chinese term is not left over;
3. repair, in order: the n-best hypothesis that has every term; a re-decode with the output
   forced up to the term (target prefix); a re-decode with known wrong renderings banned;
   replacing a known wrong rendering in the output;
4. what still fails keeps the best output and is flagged `term-missing` for the reviewer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bilingual.engines.base import Engine
from bilingual.records import Term
from bilingual.terms.entries import Glossary

RUNGS = ("inject", "n-best", "prefix", "suppress", "replace", "missing")
N_BEST = 4
_CJK = re.compile(r"[\u3400-\u9fff]")
_SPACES = re.compile(r"\s+")
_DOUBLED_ARTICLE = re.compile(r"\b(the|a|an)\s+(?:the|a|an)\b", re.I)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)])")


@dataclass
class Job:
    """One distinct source sentence with the terms found in it."""

    source: str  # zh_simplified
    terms: list[Term]
    banned: dict[str, tuple[str, ...]] = field(default_factory=dict)  # en → wrong renderings
    injected: str = ""
    output: str = ""
    rung: str = ""
    missing: list[str] = field(default_factory=list)


@dataclass
class EnforceStats:
    terms: int = 0  # term occurrences to enforce
    satisfied: Counter = field(default_factory=Counter)  # rung → term occurrences

    def shares(self) -> dict[str, float]:
        return {r: (self.satisfied[r] / self.terms if self.terms else 0.0) for r in RUNGS}


def inject(source: str, terms: list[Term]) -> str:
    """The source with each term replaced by its English, spaced off from the Chinese."""
    out = []
    pos = 0
    for term in sorted(terms, key=lambda t: t.norm_start):
        out.append(source[pos:term.norm_start])
        out.append(f" {term.en} ")
        pos = term.norm_end
    out.append(source[pos:])
    return _SPACES.sub(" ", "".join(out)).strip()


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).casefold()


def expected_counts(terms: list[Term]) -> Counter:
    return Counter(t.en for t in terms if t.en)


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(needle)
    while needle and at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans


def missing_terms(output: str, terms: list[Term]) -> list[str]:
    """Renderings absent (or present too often: copied and also translated) in `output`.

    A rendering inside a longer expected one ("work report" in "work report of the county
    Party committee") is counted only where the longer one is not.
    """
    text = _norm(output)
    problems = []
    taken: list[tuple[int, int]] = []
    for en, count in sorted(expected_counts(terms).items(), key=lambda kv: -len(kv[0])):
        spans = [(a, b) for a, b in _occurrences(text, _norm(en))
                 if all(b <= x or a >= y for x, y in taken)]
        if len(spans) != count:
            problems.append(en)
        taken.extend(spans)
    for term in terms:
        if term.zh and term.zh in output and term.en not in problems:
            problems.append(term.en)  # the Chinese came through untranslated
    return problems


def tidy(text: str) -> str:
    """Grammar around inserted terms: no doubled articles, a capital at the start."""
    text = _SPACES.sub(" ", text).strip()
    text = _DOUBLED_ARTICLE.sub(lambda m: m.group(1), text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return text[:1].upper() + text[1:] if text else text


def _prefix_for(job: Job, missing: str) -> str:
    """The output up to where the missing term belongs, followed by the term."""
    words = job.output.split()
    for wrong in job.banned.get(missing, ()):
        at = _norm(job.output).find(_norm(wrong))
        if at >= 0:
            return (job.output[:at] + missing).strip()
    term = next(t for t in job.terms if t.en == missing)
    share = term.norm_start / max(1, len(job.source))
    keep = round(share * len(words))
    return " ".join([*words[:keep], missing])


def _replace_banned(job: Job) -> str:
    out = job.output
    for en, wrongs in job.banned.items():
        for wrong in sorted(wrongs, key=len, reverse=True):
            out = re.sub(re.escape(wrong), en, out, flags=re.I)
    return out


def enforce(jobs: list[Job], engine: Engine) -> EnforceStats:
    """Translate every job, climbing the ladder for those whose terms are missing."""
    stats = EnforceStats()
    for job in jobs:
        job.injected = inject(job.source, job.terms) if job.terms else job.source
    outputs = engine.translate([job.injected for job in jobs])
    for job, out in zip(jobs, outputs):
        job.output = tidy(out)
        job.missing = missing_terms(job.output, job.terms)
        job.rung = "inject"
    failing = [j for j in jobs if j.missing]

    if failing:  # n-best
        for job, hyps in zip(failing, engine.hypotheses([j.injected for j in failing], N_BEST)):
            for hyp in hyps[1:]:
                hyp = tidy(hyp)
                if not missing_terms(hyp, job.terms):
                    job.output, job.missing, job.rung = hyp, [], "n-best"
                    break
        failing = [j for j in failing if j.missing]

    if failing:  # target prefix up to the first missing term
        prefixes = [_prefix_for(j, j.missing[0]) for j in failing]
        redone = engine.translate_with_prefix([j.injected for j in failing], prefixes)
        if redone is not None:
            for job, out in zip(failing, redone):
                out = tidy(out)
                if not missing_terms(out, job.terms):
                    job.output, job.missing, job.rung = out, [], "prefix"
            failing = [j for j in failing if j.missing]

    banning = [j for j in failing if any(j.banned.get(en) for en in j.missing)]
    if banning:  # ban known wrong renderings
        redone = engine.translate_suppressing(
            [j.injected for j in banning],
            [[w for en in j.missing for w in j.banned.get(en, ())] for j in banning])
        if redone is not None:
            for job, out in zip(banning, redone):
                out = tidy(out)
                if not missing_terms(out, job.terms):
                    job.output, job.missing, job.rung = out, [], "suppress"

    for job in [j for j in failing if j.missing]:  # replace a known wrong rendering
        fixed = tidy(_replace_banned(job))
        if fixed != job.output and not missing_terms(fixed, job.terms):
            job.output, job.missing, job.rung = fixed, [], "replace"
        elif job.missing:
            job.rung = "missing"

    for job in jobs:
        counts = expected_counts(job.terms)
        total = sum(counts.values())
        lost = sum(counts[en] for en in job.missing)
        stats.terms += total
        # a failing job keeps its first output: what it does have came from injection
        stats.satisfied["inject" if job.rung == "missing" else job.rung] += total - lost
        stats.satisfied["missing"] += lost
    return stats


def banned_for(terms: list[Term], glossary: Glossary) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for term in terms:
        entry = glossary.entries.get(term.zh) or glossary.lookup(term.zh)
        if entry is not None and entry.banned:
            out[term.en] = entry.banned
    return out
