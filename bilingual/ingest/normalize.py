"""Unicode clean-up of Chinese text, with a map back to the original offsets.

Two steps. `clean_text` removes what no output can carry (control characters, terminal escape
codes, lone surrogates); its result *is* the article's text from then on, shown to people and
handed to CAT tools, because XML (DOCX, TMX, XLIFF) cannot hold the removed characters and
every output must agree. Each removal is reported (an `input-cleaned` finding), never silent.
`normalize` then makes what the glossary and the MT engine see; the cleaned text is kept for
display, and the offset map lets matches found in the normalised text be shown in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bilingual.chars import ANSI_ESCAPE_RE, CJK_PUNCT, IDEOGRAPH_RE, IDEOGRAPHS, UNSAFE_CHAR_RE

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
SPACES = "\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\t"

# Half-width punctuation that scraped Chinese pages use in place of the full-width form.
HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}

_cjk = IDEOGRAPH_RE
_cjk_or_punct = re.compile(f"[{IDEOGRAPHS}{CJK_PUNCT}]")
# A text needs work only if it holds one of these; most Chinese sentences hold none.
_needs_work = re.compile(f"[ {SPACES}{ZERO_WIDTH},:;!?()]")


_UNSAFE_OR_ESCAPE = re.compile(f"{ANSI_ESCAPE_RE.pattern}|{UNSAFE_CHAR_RE.pattern}")
_SURROGATE_OR_NONCHAR = re.compile("[\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Removal:
    """One thing `clean_text` took out: where (an offset into the cleaned text) and what."""

    at: int
    kind: str  # "control character", "terminal escape code" or "invalid character"


def clean_text(text: str) -> tuple[str, list[Removal]]:
    """`text` without the characters no output can carry, and what was removed where."""
    if not _UNSAFE_OR_ESCAPE.search(text):
        return text, []
    pieces: list[str] = []
    removals: list[Removal] = []
    kept = last = 0
    for m in _UNSAFE_OR_ESCAPE.finditer(text):
        pieces.append(text[last:m.start()])
        kept += m.start() - last
        last = m.end()
        removals.append(Removal(kept, _kind(m.group())))
    pieces.append(text[last:])
    return "".join(pieces), removals


def _kind(removed: str) -> str:
    if len(removed) > 1 or removed == "\x9b":
        return "terminal escape code"
    if _SURROGATE_OR_NONCHAR.match(removed):
        return "invalid character"
    return "control character"


def describe_removals(removals: list[Removal]) -> str:
    """"removed 3 control characters and 1 terminal escape code": a finding's message."""
    counts: dict[str, int] = {}
    for r in removals:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    parts = [f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in counts.items()]
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"removed {listed}"


def normalize(text: str, piece: int = 8192) -> str:
    """Normalised text only (see `normalize_with_map`). A long text (a whole article on one
    line) is done in pieces of about `piece` characters: the map's per-character lists
    would cost some 100 bytes a character."""
    if not _needs_work.search(text):
        return text
    if len(text) <= piece:
        return _normalized(text)[0]
    return "".join(_normalized(part)[0] for part in _pieces(text, piece))


# Where a text may be cut without changing its normalisation: inside a run of four
# ideographs, between the second and the third. Every rule looks at most at the visible
# character before, the character after, and whether a run of ideographs is longer than one:
# none of them can tell the cut is there.
_SAFE_CUT = re.compile(f"(?<=[{IDEOGRAPHS}]{{2}})(?=[{IDEOGRAPHS}]{{2}})")


def _pieces(text: str, piece: int) -> Iterator[str]:
    start = 0
    while len(text) - start > piece:
        cut = _SAFE_CUT.search(text, start + piece)
        if cut is None:
            break
        yield text[start:cut.start()]
        start = cut.start()
    yield text[start:]


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Return the normalised text and, for each of its characters, the index in `text`."""
    if not _needs_work.search(text):
        return text, list(range(len(text)))
    return _normalized(text)


def _normalized(text: str) -> tuple[str, list[int]]:
    """The work itself, whether or not `text` needs any (a piece of a longer text that
    does: its line breaks become spaces as the whole's do)."""
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
