"""QA checks on finished segments, the kind CAT-tool QA (Xbench, pofilter) runs, for zh→en.

Each finding names the segment, the check and a message; the finding is also added to the
segment's `flags` as "check: message", which the DOCX Status cell shows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from bilingual.records import Segment
from bilingual.translate import TERM_MISSING

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_PUNCT = re.compile(r"[。，、；：“”‘’「」『』（）《》【】！？…]")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_WAN = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)")
_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_TIME = re.compile(r"(上午|下午|晚上?|凌晨|早上?|中午)?(\d{1,2})时(?:(\d{1,2})分)?")
_WORD = re.compile(r"[A-Za-z']+")

CHECKS = ("untranslated", "cjk-punctuation", "number", TERM_MISSING, "empty", "length",
          "repetition", "same-target")
# A zh→en translation has roughly 1.5-4 English characters per Chinese character.
MIN_RATIO, MAX_RATIO = 0.6, 8.0


@dataclass
class Finding:
    id: str
    check: str
    message: str

    def as_flag(self) -> str:
        return f"{self.check}: {self.message}"


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

    def add(check: str, message: str) -> None:
        out.append(Finding(seg.id, check, message))

    if not en.strip():
        if seg.status != "new":  # a kit for human translators is empty on purpose
            add("empty", "no English")
        return out
    if _CJK.search(en):
        add("untranslated", f"Chinese left in the English: {''.join(_CJK.findall(en))[:20]}")
    punct = _CJK_PUNCT.findall(en)
    if punct:
        add("cjk-punctuation", f"Chinese punctuation in the English: {''.join(punct)}")
    target = _digits(en).casefold()
    for said, forms in expected_numbers(seg.zh_simplified):
        if not any(_digits(f).casefold() in target for f in forms):
            add("number", f"'{said}' not rendered (expected {forms[0]})")
    for flag in seg.flags:
        if flag.startswith(TERM_MISSING):
            add(TERM_MISSING, flag.split(":", 1)[1].strip())
    ratio = len(en) / max(1, len(seg.zh_simplified))
    if ratio < MIN_RATIO or ratio > MAX_RATIO:
        add("length", f"English/Chinese length ratio {ratio:.1f} is suspicious")
    words = [w.lower() for w in _WORD.findall(en)]
    trigrams = Counter(zip(words, words[1:], words[2:]))
    loops = [" ".join(g) for g, n in trigrams.items() if n >= 3]
    runs = [w for i, w in enumerate(words[3:], 3) if words[i - 3:i] == [w, w, w]]
    if loops or runs:
        add("repetition", f"repeated words: {(loops or runs)[0]}")
    return out


def run_qa(segments: list[Segment]) -> list[Finding]:
    """All findings; also written into each segment's flags (replacing earlier QA flags)."""
    findings: list[Finding] = []
    targets: dict[str, set[str]] = {}
    for seg in segments:
        seg.flags = [f for f in seg.flags if f.split(":", 1)[0] not in CHECKS
                     or f.startswith(TERM_MISSING)]
        found = check_segment(seg)
        if seg.translate and seg.en:
            targets.setdefault(seg.en.strip().casefold(), set()).add(seg.zh_simplified)
        findings.extend(found)
    for seg in segments:
        if seg.translate and seg.en and len(targets[seg.en.strip().casefold()]) > 1:
            findings.append(Finding(seg.id, "same-target",
                                    "the same English as a different Chinese sentence"))
    by_id: dict[str, list[Finding]] = {}
    for f in findings:
        by_id.setdefault(f.id, []).append(f)
    for seg in segments:
        for f in by_id.get(seg.id, []):
            if f.check != TERM_MISSING:
                seg.flags.append(f.as_flag())
    return findings


def summary(findings: list[Finding]) -> dict[str, int]:
    return dict(Counter(f.check for f in findings))


def as_dicts(findings: list[Finding]) -> list[dict[str, str]]:
    return [asdict(f) for f in findings]
