"""Paragraphs into sentences, losslessly.

The rules are data (`SegmentRules`); `split_sentences` only applies them. Boundaries are found
on the original text and every sentence is a slice of it, so joining the sentences of a
paragraph gives the paragraph back, character for character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bilingual.chars import IDEOGRAPHS, is_ideograph


@dataclass(frozen=True)
class SegmentRules:
    terminators: str  # always end a sentence
    halfwidth_terminators: str  # end a sentence only in Chinese context
    ellipses: tuple[str, ...]  # end a sentence when a new one follows
    closers: str  # stay with the sentence they close
    chinese_context: str  # a half-width terminator after one of these is Chinese punctuation
    no_break_after_ellipsis: str  # "……等", "……，": the sentence goes on
    title_open: str  # no sentence ends inside book-title marks
    title_close: str
    # After a bare ellipsis a new sentence opens with a short connective and a comma
    # ("……同时，"); anything else continues the sentence whose list or quote was elided
    # ("……长效化、制度化……让群众的获得感成色更足。").
    after_ellipsis_new: str


ZH = SegmentRules(
    terminators="。！？",
    halfwidth_terminators="!?",
    ellipses=("……", "…", "⋯⋯", "⋯", "..."),
    closers="”’」』）》〉】\"')",
    chinese_context=f"{IDEOGRAPHS}，。、；：？！”’」』）》",
    no_break_after_ellipsis="，、；：。！？,;:!?”’」』）》等的之",
    title_open="《",
    title_close="》",
    after_ellipsis_new=f"[{IDEOGRAPHS}]{{1,4}}[，,]",
)


def _compile(rules: SegmentRules) -> re.Pattern[str]:
    ellipsis = "|".join(re.escape(e) for e in rules.ellipses)
    stops = re.escape(rules.terminators + rules.halfwidth_terminators)
    closers = re.escape(rules.closers)
    # A cluster: terminators and ellipses in any mix, the closers that follow, an ellipsis
    # trailing a closed quote ("“请战！”……"), and the whitespace before the next sentence.
    return re.compile(
        rf"(?:[{stops}]|{ellipsis})+[{closers}]*(?:(?:{ellipsis})(?=[{closers}]|[^\s{closers}]))?"
        rf"[{closers}]*[ \t\u3000\u00a0]*"
    )


_PATTERNS: dict[SegmentRules, re.Pattern[str]] = {}


def _pattern(rules: SegmentRules) -> re.Pattern[str]:
    pattern = _PATTERNS.get(rules)
    if pattern is None:
        pattern = _PATTERNS[rules] = _compile(rules)
    return pattern


def split_sentences(text: str, rules: SegmentRules = ZH) -> list[str]:
    """Split one paragraph into sentences; ''.join(result) == text always holds."""
    if not text:
        return []
    bounds: list[int] = []
    depth = 0  # nesting of book-title marks, counted incrementally to stay linear
    counted = 0
    for m in _pattern(rules).finditer(text):
        start, end = m.span()
        depth += text.count(rules.title_open, counted, start)
        depth -= text.count(rules.title_close, counted, start)
        depth = max(depth, 0)
        counted = start
        if depth > 0 or end >= len(text):
            continue
        if not _is_boundary(text, m.group(), start, end, rules):
            continue
        bounds.append(end)
    pieces: list[str] = []
    prev = 0
    for b in bounds:
        if b > prev:
            pieces.append(text[prev:b])
            prev = b
    if prev < len(text):
        pieces.append(text[prev:])
    return pieces


def _is_boundary(text: str, cluster: str, start: int, end: int, rules: SegmentRules) -> bool:
    core = cluster.rstrip(" \t\u3000\u00a0").rstrip(rules.closers)
    has_full = any(c in rules.terminators for c in core)
    has_half = any(c in rules.halfwidth_terminators for c in core)
    if not has_full and has_half:
        # "?" in a URL or English text is not a sentence end; after Chinese it is
        prev = text[start - 1] if start > 0 else ""
        if not prev or (prev not in rules.chinese_context and not is_ideograph(prev)):
            return False
    if not has_full and not has_half:
        # a bare ellipsis ends the sentence only if something new starts after it
        nxt = text[end] if end < len(text) else ""
        if not nxt or nxt in rules.no_break_after_ellipsis:
            return False
        if core.startswith(".") and (start == 0 or not is_ideograph(text[start - 1])):
            return False  # "..." in Latin text
        if not re.match(rules.after_ellipsis_new, text[end:]):
            return False
    return True

