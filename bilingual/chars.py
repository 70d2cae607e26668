"""The one home of character classes, Chinese punctuation, month names and the clock.

Every stage that asks "is this Chinese?" asks here, so that the answer is the same in reading,
structure, segmentation, glossary matching, name finding and QA.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

# Ideographs: Extension A, the Unified block, the compatibility block (Traditional sources
# use U+F900–FAFF forms), and the supplementary planes (Extension B onwards).
IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
IDEOGRAPH_RE = re.compile(f"[{IDEOGRAPHS}]")
IDEOGRAPH_RUN_RE = re.compile(f"[{IDEOGRAPHS}]+")

# Punctuation of Chinese text (full-width forms, Chinese quotes, ellipsis, dash, middle dot).
CJK_PUNCT = "，。、；：？！“”‘’「」『』（）《》〈〉【】…—·"
# The subset that English text never uses: seeing one in English means it was not translated.
CJK_ONLY_PUNCT = "，。、；：？！「」『』（）《》〈〉【】"

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

# Characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, surrogates, U+FFFE/FFFF).
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Terminal colour and cursor codes (ECMA-48) pasted from a console: CSI sequences (7- and 8-bit),
# OSC strings and two-character escapes. Removed whole, or "[31m" would be left behind.
ANSI_ESCAPE_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]"
)
# What the cleaning step removes: everything XML cannot carry, plus DEL and the C1 controls,
# which XML allows but which no article means (they come from mis-decoded or console text).
UNSAFE_CHAR_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def is_ideograph(ch: str) -> bool:
    return bool(IDEOGRAPH_RE.fullmatch(ch))


def all_ideographs(text: str) -> bool:
    return bool(text) and bool(IDEOGRAPH_RUN_RE.fullmatch(text))


def has_ideograph(text: str) -> bool:
    return IDEOGRAPH_RE.search(text) is not None


def now_utc() -> str:
    """The current time as ISO 8601 in UTC, to the second: what every record stamps."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
