"""Making the official rendering appear in MT output: inject → verify → repair.

CTranslate2 has no constrained decoding, and opaque placeholders get mangled by models that
never saw them, so:
1. inject: the English rendering replaces the Chinese term in the source (zh→en models copy
   Latin-script spans through);
2. verify: each expected rendering (or a form the glossary accepts) is in the output as often
   as its term was matched, and the Chinese term is not left over;
3. repair, in order: the n-best hypothesis that has every term (from the first decode's
   beam, at no extra cost); a re-decode with the output forced up to the term (target prefix),
   or, for engines that cannot force a prefix, with known wrong renderings banned; replacing a
   known wrong rendering in the output;
4. what still fails keeps its first output and its missing terms are recorded for the
   reviewer (QA flags them `term-missing`).

Every repair decode is one batched call over all the segments still failing, and the ladder
has a budget of extra passes (REPAIR_PASSES): a weak model or a long glossary costs at most
that many more decodes per sentence, never one call per sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bilingual.chars import XML_ILLEGAL_RE
from bilingual.engines.base import Engine
from bilingual.records import Rung, Term
from bilingual.terms.entries import Glossary
from bilingual.terms.match import Coverage

N_BEST = 4
# Forced decoding passes after the first, per chunk. The second takes only the sentences the
# first brought closer (with another missing term to force); what is still missing then is
# flagged term-missing.
REPAIR_PASSES = 2
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
    rung: Rung = ""  # what satisfied every term; "missing" when nothing did
    missing: list[str] = field(default_factory=list)
    first_present: frozenset[str] = frozenset()  # renderings the first output already had
    kept: Rung = "inject"  # the step that made `output` (a partial repair may be kept)
    error: str = ""  # why the engine could not translate it at all
    progressed: bool = True  # the last repair pass got it closer: worth another


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


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(needle)
    while needle and at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans


def missing_terms(output: str, terms: list[Term]) -> list[str]:
    """Renderings absent (or present too often: copied and also translated) in `output`.

    A rendering counts when it, or a form its entry accepts (an earlier official rendering),
    stands in the output. A rendering inside a longer expected one ("work report" in "work
    report of the county Party committee") is counted only where the longer one is not.
    """
    text = _norm(output)
    expected = Counter(t.en for t in terms if t.en)
    accepted = {t.en: t.accepted for t in terms if t.en}
    problems = []
    taken = Coverage(len(text))
    for en, count in sorted(expected.items(), key=lambda kv: -len(kv[0])):
        spans = [(a, b) for form in (en, *accepted[en]) for a, b in _occurrences(text, _norm(form))
                 if taken.free(a, b)]
        if len(spans) != count:
            problems.append(en)
        for a, b in spans:
            taken.take(a, b)
    for term in terms:
        if term.zh and term.zh in output and term.en not in problems:
            problems.append(term.en)  # the Chinese came through untranslated
    return problems


def tidy(text: str, terms: Iterable[Term] = ()) -> str:
    """Grammar around inserted terms: no doubled articles, a capital at the start (unless the
    sentence starts with a rendering whose case is fixed, such as "iPhone" or "xiaokang").
    Every engine's English passes here: what XML cannot carry (an engine's stray U+FFFE, a
    lone surrogate) goes, so no output, TM entry or DOCX header is broken by it."""
    text = _SPACES.sub(" ", XML_ILLEGAL_RE.sub("", text)).strip()
    text = _DOUBLED_ARTICLE.sub(lambda m: m.group(1), text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if any(t.fixed_case and t.en and text.startswith(t.en) for t in terms):
        return text
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


def _accept(job: Job, candidates: Iterable[str], rung: Rung) -> bool:
    """Take the first candidate that has every term; True if one did."""
    for candidate in candidates:
        candidate = tidy(candidate, job.terms)
        if not missing_terms(candidate, job.terms):
            job.output, job.missing, job.rung, job.kept = candidate, [], rung, rung
            return True
    return False


@dataclass
class DecodeCounts:
    """What enforcement cost: sentences, batched passes, and hypotheses decoded in all."""

    sentences: int = 0
    passes: int = 0  # batched engine calls, the first included
    hypotheses: int = 0  # sentence decodes, every n-best hypothesis counted

    def add(self, sentences: int, hypotheses_each: int = 1) -> None:
        self.passes += 1
        self.hypotheses += sentences * hypotheses_each


def _first_pass(jobs: list[Job], engine: Engine, counts: DecodeCounts) -> list[Job]:
    """Inject and decode; the n-best hypotheses come from the same beam search, so trying
    them costs no second decode."""
    for job in jobs:
        job.injected = inject(job.source, job.terms) if job.terms else job.source
    sources = [job.injected for job in jobs]
    if any(job.terms for job in jobs):
        hypotheses = engine.hypotheses(sources, N_BEST)
    else:
        hypotheses = [[out] for out in engine.translate(sources)]
    counts.add(len(jobs), max(map(len, hypotheses), default=1))
    for job, hyps in zip(jobs, hypotheses, strict=True):
        job.output = tidy(hyps[0] if hyps else "", job.terms)
        job.missing = missing_terms(job.output, job.terms)
        job.first_present = frozenset(t.en for t in job.terms) - set(job.missing)
        job.rung = "inject"
        if job.missing:
            _accept(job, hyps[1:], engine.alternatives)
    return [j for j in jobs if j.missing]


def _keep_if_closer(job: Job, out: str, rung: Rung) -> None:
    """A forced output that has more of the terms is kept for the next pass to build on."""
    out = tidy(out, job.terms)
    missing = missing_terms(out, job.terms)
    job.progressed = len(missing) < len(job.missing)
    if job.progressed:
        job.output, job.missing, job.kept = out, missing, rung


def _forced(failing: list[Job], engine: Engine, counts: DecodeCounts) -> None:
    """One pass: the output forced up to the first missing term where the engine can force a
    prefix, else (same pass) a decode with the known wrong renderings banned."""
    prefixes = [_prefix_for(j, j.missing[0]) for j in failing]
    redone = engine.translate_with_prefix([j.injected for j in failing], prefixes)
    rung: Rung = "prefix"
    if redone is None:
        rung = "suppress"
        for job in failing:
            job.progressed = False
        failing = [j for j in failing if any(j.banned.get(en) for en in j.missing)]
        if not failing:
            return
        redone = engine.translate_suppressing(
            [j.injected for j in failing],
            [[w for en in j.missing for w in j.banned.get(en, ())] for j in failing])
        if redone is None:
            return
    counts.add(len(failing))
    for job, out in zip(failing, redone, strict=True):
        if not _accept(job, [out], rung):
            _keep_if_closer(job, out, rung)


def _replace(failing: list[Job]) -> list[Job]:
    still = []
    for job in failing:
        fixed = tidy(_replace_banned(job), job.terms)
        if fixed == job.output or not _accept(job, [fixed], "replace"):
            job.rung = "missing"
            still.append(job)
    return still


def enforce(jobs: list[Job], engine: Engine, passes: int = REPAIR_PASSES) -> DecodeCounts:
    """Translate every job, climbing the ladder for those whose terms are missing, with at
    most `passes` batched decodes after the first.

    Sets each job's `output`, `rung` and `missing`; returns what the decoding cost."""
    counts = DecodeCounts(sentences=len(jobs))
    failing = _first_pass(jobs, engine, counts)
    errors = engine.errors()
    for job in jobs:
        if job.source in errors:  # no English at all: not worth a repair pass
            job.error, job.output, job.rung = errors[job.source], "", "missing"
            job.missing = [t.en for t in job.terms]
    failing = [j for j in failing if not j.error]
    for _ in range(max(0, passes)):
        trying = [j for j in failing if j.progressed]
        if not trying:
            break
        _forced(trying, engine, counts)
        failing = [j for j in failing if j.missing]
    _replace(failing)
    return counts


def term_rung(job: Job, en: str) -> Rung:
    """How one rendering got into the job's final output: a term the first output already
    had counts as first time even where a repair brought in another; in a job that ends
    with terms missing, the rest came from the step whose output was kept."""
    if en in job.missing:
        return "missing"
    if en in job.first_present:
        return "inject"
    return job.kept if job.rung == "missing" else job.rung


def banned_for(terms: list[Term], glossary: Glossary) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for term in terms:
        entry = glossary.entries.get(term.zh) or glossary.lookup(term.zh)
        if entry is not None and entry.banned:
            out[term.en] = entry.banned
    return out
