"""Tab-separated values with escapes, so that one record is always one line.

Inside a field: backslash → \\\\, tab → \\t, newline → \\n, carriage return → \\r.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def escape(value: object) -> str:
    text = "" if value is None else str(value)
    return "".join(_ESCAPES.get(c, c) for c in text)


def unescape(text: str) -> str:
    out = []
    chars = iter(text)
    for c in chars:
        if c == "\\":
            nxt = next(chars, "")
            out.append(_UNESCAPES.get(nxt, "\\" + nxt))
        else:
            out.append(c)
    return "".join(out)


def render_tsv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["\t".join(header)]
    lines.extend("\t".join(escape(v) for v in row) for row in rows)
    return "\n".join(lines) + "\n"
