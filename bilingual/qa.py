"""QA checks on finished segments, the kind CAT-tool QA (Xbench, pofilter) runs, for zh→en.

Each finding is a `Finding` record (check, message, severity, segment id); a segment's
findings are also its `flags`, which every output shows. QA reads the final English, so it
is run again after a reviewer's import and reflects what the reviewer wrote.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict

from bilingual.chars import CJK_ONLY_PUNCT, IDEOGRAPH_RE, MONTHS, has_ideograph
from bilingual.records import Finding, Segment, Severity
from bilingual.terms.enforce import missing_terms

_CJK_PUNCT = re.compile(f"[{CJK_ONLY_PUNCT}]")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_WAN = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)")
_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_TIME = re.compile(r"(上午|下午|晚上?|凌晨|早上?|中午)?(\d{1,2})时(?:(\d{1,2})分)?")
_WORD = re.compile(r"[A-Za-z']+")

TERM_MISSING = "term-missing"
CHECKS = ("untranslated", "cjk-punctuation", "number", TERM_MISSING, "empty", "length",
          "repetition", "same-target")
# A zh→en translation has roughly 1.5-4 English characters per Chinese character.
MIN_RATIO, MAX_RATIO = 0.6, 8.0


def _digits(text: str) -> str:
    """Numbers as bare digits: 90,000 → 90000."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def expected_numbers(source: str) -> list[tuple[str, tuple[str, ...]]]:
    """(what the source says, forms any one of which the English must contain)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    consumed = []
    for m in _WAN.finditer(source):
        number, wan = float(m.group(1)), m.group(2) == "万"
        plain = f"{number * (10_000 if wan else 100_000_000):,.0f}"
        # 9万 is 90,000, "90 thousand" or "0.09 million"; 3亿 is "300 million" or "0.3 billion"
        small = f"{number * (10 if wan else 100):g} {'thousand' if wan else 'million'}"
        large = f"{number / (100 if wan else 10):g} {'million' if wan else 'billion'}"
        found.append((m.group(0), (plain, _digits(plain), small, large)))
        consumed.append(m.span())
    for m in _DATE.finditer(source):
        month, day = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            found.append((m.group(0), (f"{MONTHS[month - 1]} {day}", f"{day} {MONTHS[month - 1]}")))
            consumed.append(m.span())
    for m in _TIME.finditer(source):
        hour = int(m.group(2))
        minute = f":{int(m.group(3)):02d}" if m.group(3) else ""
        part = m.group(1) or ""
        afternoon = part.startswith(("下午", "晚", "中午")) and hour < 12
        suffix = "p.m." if afternoon else "a.m." if part else ""
        forms = (f"{hour}{minute} {suffix}".strip(), f"{hour}{minute}{suffix}".strip(),
                 f"{hour}{minute or ':00'}")
        found.append((m.group(0), forms))
        consumed.append(m.span())
    for m in _NUMBER.finditer(source):
        if any(a <= m.start() < b for a, b in consumed):
            continue
        found.append((m.group(0), (m.group(0),)))
    return found


def check_segment(seg: Segment) -> list[Finding]:
    if not seg.translate or seg.en is None:
        return []
    en = seg.en
    out: list[Finding] = []

    def add(check: str, message: str, severity: Severity = "warning") -> None:
        out.append(Finding(check, message, severity, seg.id))

    if not en.strip():
        if seg.state != "new":  # a kit for human translators is empty on purpose
            add("empty", "no English", "error")
        return out
    if has_ideograph(en):
        left = "".join(IDEOGRAPH_RE.findall(en))[:20]
        add("untranslated", f"Chinese left in the English: {left}", "error")
    punct = _CJK_PUNCT.findall(en)
    if punct:
        add("cjk-punctuation", f"Chinese punctuation in the English: {''.join(punct)}")
    target = _digits(en).casefold()
    for said, forms in expected_numbers(seg.zh_simplified):
        if not any(_digits(f).casefold() in target for f in forms):
            add("number", f"'{said}' not rendered (expected {forms[0]})", "error")
    lost = missing_terms(en, seg.terms)
    if lost:
        add(TERM_MISSING, "; ".join(lost), "error")
    ratio = len(en) / max(1, len(seg.zh_simplified))
    if ratio < MIN_RATIO or ratio > MAX_RATIO:
        add("length", f"English/Chinese length ratio {ratio:.1f} is suspicious", "info")
    words = [w.lower() for w in _WORD.findall(en)]
    trigrams = Counter(zip(words, words[1:], words[2:], strict=False))
    loops = [" ".join(g) for g, n in trigrams.items() if n >= 3]
    runs = [w for i, w in enumerate(words[3:], 3) if words[i - 3:i] == [w, w, w]]
    if loops or runs:
        add("repetition", f"repeated words: {(loops or runs)[0]}")
    return out


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "big")


class SameTarget:
    """Which English is shared by different Chinese sentences of one article, fed part by
    part: a long article's segments are never all in memory, so it keeps 8-byte digests
    (English → its one source, or 0 once there are several), not the sentences."""

    def __init__(self) -> None:
        self._source: dict[int, int] = {}

    def add(self, seg: Segment) -> None:
        if seg.translate and seg.en:
            key, source = _digest(seg.en.strip().casefold()), _digest(seg.zh_simplified) or 1
            if self._source.setdefault(key, source) != source:
                self._source[key] = 0

    def shared(self) -> bool:
        """Whether any English is shared (else `flag` has nothing to do)."""
        return 0 in self._source.values()

    def flag(self, seg: Segment) -> None:
        if seg.translate and seg.en and self._source.get(
                _digest(seg.en.strip().casefold())) == 0:
            seg.flags.append(Finding("same-target",
                                     "the same English as a different Chinese sentence",
                                     "warning", seg.id))


def check_part(segments: Iterable[Segment], same: SameTarget) -> None:
    """Every check but `same-target`, which needs the whole article (`SameTarget.flag`);
    each segment's QA flags are replaced (findings of other origins, such as engine errors,
    are kept)."""
    for seg in segments:
        seg.flags = [f for f in seg.flags if f.check not in CHECKS]
        seg.flags.extend(check_segment(seg))
        same.add(seg)


def run_qa(segments: Sequence[Segment]) -> list[Finding]:
    """All findings of an article held whole; each segment's QA flags are replaced by its new
    findings (findings of other origins, such as engine errors, are kept)."""
    same = SameTarget()
    check_part(segments, same)
    findings: list[Finding] = []
    for seg in segments:
        same.flag(seg)
        findings.extend(seg.flags)
    return findings


def summary(findings: Iterable[Finding]) -> dict[str, int]:
    return dict(Counter(f.check for f in findings))


def as_dicts(findings: Iterable[Finding]) -> list[dict[str, str]]:
    return [asdict(f) for f in findings]
