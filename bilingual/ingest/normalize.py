"""Unicode clean-up of Chinese text, with a map back to the original offsets.

Normalised text is what the glossary and the MT engine see; the original is kept for display,
and the offset map lets matches found in the normalised text be shown in the original.
"""

from __future__ import annotations

import re

from bilingual.chars import CJK_PUNCT, IDEOGRAPH_RE, IDEOGRAPHS

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
SPACES = "\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\t"

# Half-width punctuation that scraped Chinese pages use in place of the full-width form.
HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}

_cjk = IDEOGRAPH_RE
_cjk_or_punct = re.compile(f"[{IDEOGRAPHS}{CJK_PUNCT}]")
# A text needs work only if it holds one of these; most Chinese sentences hold none.
_needs_work = re.compile(f"[ {SPACES}{ZERO_WIDTH},:;!?()]")


def normalize(text: str) -> str:
    """Normalised text only (see `normalize_with_map`)."""
    if not _needs_work.search(text):
        return text
    return normalize_with_map(text)[0]


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Return the normalised text and, for each of its characters, the index in `text`."""
    if not _needs_work.search(text):
        return text, list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch in ZERO_WIDTH:
            continue
        if ch in SPACES or ch == "\r" or ch == "\n":
            ch = " "
        if ch == " " and (not chars or chars[-1] == " "):
            continue  # collapse runs, drop leading space
        if ch in HALF_TO_FULL and chars and _cjk_or_punct.match(_last_visible(chars)):
            ch = HALF_TO_FULL[ch]
        elif ch == "(" and _next_is_cjk(text, i):
            ch = "（"
        elif ch == ")" and chars and _cjk_or_punct.match(_last_visible(chars)):
            ch = "）"
        chars.append(ch)
        origin.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    _drop_stray_spaces(chars, origin)
    return "".join(chars), origin


def _last_visible(chars: list[str]) -> str:
    for ch in reversed(chars):
        if ch != " ":
            return ch
    return ""


def _next_is_cjk(text: str, i: int) -> bool:
    return i + 1 < len(text) and bool(_cjk.match(text[i + 1]))


def _run_length(chars: list[str], start: int, step: int) -> int:
    """Length of the run of CJK ideographs starting at `start` and going by `step`."""
    n = 0
    j = start
    while 0 <= j < len(chars) and _cjk.match(chars[j]):
        n += 1
        j += step
    return n


def _drop_stray_spaces(chars: list[str], origin: list[int]) -> None:
    """Remove spaces that scraping put inside Chinese text.

    A space next to Chinese punctuation is always stray. A space between ideographs is stray
    when one side is a lone character ("安 阳 市"); between two multi-character phrases it is a
    deliberate separator, as in two-part headings ("以疫情为令 靠前指挥打硬战"), and is kept.
    """
    i = len(chars) - 1
    while i > 0:
        if chars[i] == " " and i + 1 < len(chars):
            left, right = chars[i - 1], chars[i + 1]
            stray = left in CJK_PUNCT or right in CJK_PUNCT
            if not stray and _cjk.match(left) and _cjk.match(right):
                stray = _run_length(chars, i - 1, -1) == 1 or _run_length(chars, i + 1, 1) == 1
            if stray:
                del chars[i]
                del origin[i]
        i -= 1
