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
    quote_open: str  # a bare ellipsis inside a quotation elides words, it ends no sentence
    quote_close: str
    # A bare ellipsis followed by one of these goes on with the same sentence: the elided list
    # leads into its purpose ("……长效化、制度化……让群众的获得感成色更足。").
    ellipsis_continuations: tuple[str, ...]


ZH = SegmentRules(
    terminators="。！？",
    halfwidth_terminators="!?",
    ellipses=("……", "…", "⋯⋯", "⋯", "..."),
    closers="”’」』）》〉】\"')",
    chinese_context=f"{IDEOGRAPHS}，。、；：？！”’」』）》",
    no_break_after_ellipsis="，、；：。！？,;:!?”’」』）》等的之",
    title_open="《",
    title_close="》",
    quote_open="“「『",
    quote_close="”」』",
    ellipsis_continuations=("让", "使", "推动", "确保", "促进", "推进", "以便", "以", "为了"),
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
    depth = quoted = 0  # nesting of book-title marks and quotes, counted incrementally
    counted = 0
    for m in _pattern(rules).finditer(text):
        start, end = m.span()
        depth = max(depth + _count(text, rules.title_open, counted, start)
                    - _count(text, rules.title_close, counted, start), 0)
        quoted = max(quoted + _count(text, rules.quote_open, counted, start)
                     - _count(text, rules.quote_close, counted, start), 0)
        counted = start
        if depth > 0 or end >= len(text):
            continue
        # an ellipsis that closes its quotation ("……」") is not inside it any more
        inside = quoted > 0 and not any(c in rules.quote_close for c in m.group())
        if not _is_boundary(text, m.group(), start, end, rules, inside):
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


def _count(text: str, chars: str, start: int, end: int) -> int:
    return sum(text.count(c, start, end) for c in chars)


def _is_boundary(text: str, cluster: str, start: int, end: int, rules: SegmentRules,
                 quoted: bool = False) -> bool:
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
        before = text[start - 1] if start > 0 else ""
        if quoted or before in rules.quote_close or text.startswith(
                rules.ellipsis_continuations, end):
            return False  # an elision inside a quote, after a list of quotes, or going on
    return True

