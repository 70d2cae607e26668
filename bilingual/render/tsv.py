"""Tab-separated values for pipelines, comma-separated values for spreadsheets.

TSV: one record is always one line, never quoted. Inside a field: backslash → \\\\,
tab → \\t, newline → \\n, carriage return → \\r. Read it by splitting on tabs (Python:
`csv.reader(f, delimiter="\\t", quoting=csv.QUOTE_NONE)`), not in a spreadsheet.

CSV: RFC 4180 (comma, CRLF line ends, a field quoted when it holds a comma, a quote, or a line
break, quotes doubled), UTF-8 with a byte-order mark so that Excel opens Chinese as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

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


def tsv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    yield "\t".join(header) + "\n"
    for row in rows:
        yield "\t".join(escape(v) for v in row) + "\n"


def render_tsv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    return "".join(tsv_lines(header, rows))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text row by row: a BOM first (Excel reads UTF-8 only after one), CRLF line
    ends; write it without newline translation."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    yield "\ufeff"
    for row in _with_header(header, rows):
        writer.writerow(["" if v is None else str(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _with_header(header: Sequence[str], rows: Iterable[Sequence[object]]
                 ) -> Iterator[Sequence[object]]:
    yield header
    yield from rows


def render_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Bytes, so that the CRLF line ends and the BOM reach the file as they are."""
    return "".join(csv_lines(header, rows)).encode("utf-8")
