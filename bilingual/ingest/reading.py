"""Bytes to text: encodings, and the three input formats (txt, docx, html).

Every failure is a `BilingualError` naming the file, so the CLI can print one line.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.chars import CJK_PUNCT, IDEOGRAPHS, has_ideograph
from bilingual.errors import BilingualError
from bilingual.ingest.fetch import is_url
from bilingual.ingest.html import PageText, read_html_bytes

# Encodings a Chinese news file is realistically in. Restricting the detector to these
# keeps it from "finding" Cyrillic or Latin-1 in short GBK files.
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "big5hkscs", "utf_16", "utf_32"]

_PREFERENCE = {"utf_8": 0, "gb18030": 1, "big5": 2, "big5hkscs": 3}

BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Control characters other than tab/newline/CR/form feed: a decoded text full of them is binary.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Articles past this size are refused before reading: news articles are kilobytes, and a
# bigger file is usually a mistake (a log, a dump). `--max-size` or the variable changes it;
# the variable is also how the limit reaches worker processes.
DEFAULT_MAX_SIZE_MB = 20.0
MAX_SIZE_ENV = "BILINGUAL_MAX_SIZE_MB"
_MB = 1024 * 1024
# A text file may hold a few stray control characters (they are cleaned and reported); past
# this share of its characters it is binary. Console logs with colour codes stay under it.
MAX_CONTROL_SHARE = 0.05
MAX_NUL_SHARE = 0.01  # of the bytes of a file that decodes as UTF-8
# UTF-32 before UTF-16: a UTF-32 file also decodes as (NUL-riddled) UTF-16.
WIDE_ENCODINGS = (("utf_32_le", 4), ("utf_32_be", 4), ("utf_16_le", 2), ("utf_16_be", 2))
PLAUSIBLE_SAMPLE = 20_000  # characters looked at
PLAUSIBLE_SHARE = 0.9
# Characters of real Chinese text: ideographs, CJK and full-width punctuation, ASCII text,
# general punctuation, and whitespace. Mis-decoded bytes are mostly none of these.
_USUAL_RE = re.compile(
    f"[{IDEOGRAPHS}{CJK_PUNCT}\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\t\r\n]"
)
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)



@dataclass
class Source:
    """A document's text as read, before any normalisation."""

    name: str  # what error messages and outputs call it: the path, or "<stdin>"
    stem: str
    text: str
    encoding: str
    format: str  # "txt", "docx" or "html"
    headline: str = ""  # what a page marks as its headline (the structure rules' title)


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text file's bytes; returns (text, encoding name)."""
    if not data.strip():
        raise BilingualError("the file is empty", name, "give an article with Chinese text")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise BilingualError(
                    f"starts with a {encoding} byte-order mark but is not valid {encoding}",
                    name,
                    "re-save the file as UTF-8",
                ) from exc
    text = _utf8_with_few_errors(data)
    # A few NULs in Chinese UTF-8 (a bad copy, a broken editor) are cleaned later like any
    # control character. UTF-16/32 without a mark has NULs too, and is almost never UTF-8.
    nuls = data.count(b"\x00")
    if text is not None and nuls <= len(data) * MAX_NUL_SHARE:
        return text, "utf-8"
    wide = _decode_wide(data, nuls > 0)
    if wide is not None:
        return wide
    if nuls or text is not None:
        raise BilingualError(
            "looks like a binary file, not text", name, "give a .txt, .docx or .html article"
        )
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS))
    # Short texts decode cleanly as both GB18030 and Big5; on a tie, GB (mainland news) wins.
    best = min(matches, key=lambda m: (round(m.chaos, 3), _PREFERENCE.get(m.encoding, 9)),
               default=None)
    if best is None:
        raise BilingualError(
            "cannot tell the text encoding (tried UTF-8/16, GB18030/GBK/GB2312, Big5)",
            name,
            "re-save the file as UTF-8",
        )
    return str(best), best.encoding


def _utf8_with_few_errors(data: bytes) -> str | None:
    """UTF-8, where it is UTF-8. A handful of invalid sequences in an otherwise valid file
    (a truncated copy, one encoded surrogate) are kept as lone surrogates, which reading
    then removes and reports like control characters; a GB or Big5 file fails everywhere."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    bad = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    chinese = sum(1 for c in text if has_ideograph(c))
    return text if bad <= max(3, len(data) // 1000) and chinese >= 10 * bad else None


def _decode_wide(data: bytes, has_nul: bool) -> tuple[str, str] | None:
    """UTF-16 or UTF-32 without a byte-order mark, when the bytes read as such plausibly.

    Every ASCII character (newlines, digits) of such a file has NUL bytes, so they are tried
    when there are NULs; pure-CJK UTF-16 has none, is not UTF-8, and is tried before GB/Big5.
    A wrong guess decodes to Hangul, private-use or unassigned characters and fails the test.
    """
    for encoding, width in WIDE_ENCODINGS:
        if len(data) % width or (width == 4 and not has_nul):
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, encoding.replace("_", "-")
    return None


def _plausible(text: str) -> bool:
    """Chinese text: some ideographs, and nearly every character a usual one."""
    sample = text[:PLAUSIBLE_SAMPLE]
    usual = len(_USUAL_RE.findall(sample))
    return has_ideograph(sample) and usual >= len(sample) * PLAUSIBLE_SHARE


def check_text(text: str, name: str) -> str:
    if not text.strip():
        raise BilingualError("the file is empty", name, "give an article with Chinese text")
    if len(CONTROL_RE.findall(text)) > max(3, int(len(text) * MAX_CONTROL_SHARE)):
        raise BilingualError(
            "looks like a binary file, not text", name, "give a .txt, .docx or .html article"
        )
    if not has_ideograph(text):
        raise BilingualError(
            "contains no Chinese text", name, "bilingual translates Chinese articles into English"
        )
    return text


def read_docx(path: Path, name: str) -> str:
    """The paragraphs of an article .docx, one a line, after the archive guards."""
    from bilingual.ingest.archive import check_archive, check_parts

    check_archive(path, name)
    check_parts(path, name)
    from docx import Document

    try:
        return "\n".join(_docx_lines(Document(str(path))))
    except Exception as exc:  # python-docx raises many types for broken or foreign packages
        raise BilingualError(
            f"is not a readable .docx file ({type(exc).__name__})", name,
            "open and re-save it in Word or LibreOffice"
        ) from exc


def _docx_lines(document: Any) -> list[str]:
    """Paragraphs in document order, including those inside tables (layout tables hold whole
    articles in some newsroom templates): each cell's paragraphs once, row by row."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            # merged cells repeat the same element. The elements themselves are kept, not
            # their id(): lxml makes a new proxy object per access, and a freed proxy's id is
            # reused, which once dropped whole rows at random.
            seen: set[Any] = set()
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        lines.extend(_docx_lines(cell))
    return lines


def _read_text(path: Path, name: str) -> PageText:
    return PageText(*decode_bytes(path.read_bytes(), name))


def _read_html(path: Path, name: str) -> PageText:
    return read_html_bytes(path.read_bytes(), name)


def _read_docx(path: Path, name: str) -> PageText:
    return PageText(read_docx(path, name), "docx")


@dataclass(frozen=True)
class InputFormat:
    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, str], PageText]  # (path, name) → text, encoding, headline
    discover: tuple[str, ...] = ()  # the suffixes a folder run picks up


INPUT_FORMATS: tuple[InputFormat, ...] = (
    InputFormat("txt", (".txt", ".text", ".md", ""), _read_text, (".txt", ".text")),
    InputFormat("html", (".html", ".htm", ".xhtml"), _read_html, (".html", ".htm", ".xhtml")),
    InputFormat("docx", (".docx",), _read_docx, (".docx",)),
)
INPUT_SUFFIXES = frozenset(s for f in INPUT_FORMATS for s in f.discover)


def input_format(path: Path) -> InputFormat:
    suffix = path.suffix.lower()
    for fmt in INPUT_FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    raise BilingualError(f"unsupported file type '{suffix}'", str(path),
                         "give a .txt, .docx, .html or .htm file")


def set_max_size(megabytes: float | None) -> None:
    """Set the article size limit for this process and the workers it starts (None: keep)."""
    if megabytes is not None:
        os.environ[MAX_SIZE_ENV] = str(megabytes)


def max_size() -> float:
    """The article size limit in MB: `--max-size`, else the environment, else the default."""
    raw = os.environ.get(MAX_SIZE_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_SIZE_MB
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:  # also refuses NaN
        raise BilingualError(f"{MAX_SIZE_ENV}={raw!r} is not a size in MB", None,
                             "set it to a positive number, such as 20")
    return value


def _check_size(size: int, name: str, whole: bool = True) -> None:
    """Refuse an article over the limit; `whole`: `size` is the file's, not a prefix's."""
    limit = max_size()
    if size > limit * _MB:
        what = f"is {size / _MB:.1f} MB, over" if whole else "is over"
        raise BilingualError(
            f"{what} the {limit:g} MB limit for an article", name,
            f"split it, or raise the limit with --max-size MB or {MAX_SIZE_ENV}")


def read_source(path: str | Path, stdin: bytes | None = None) -> Source:
    """Read one article from a path ("-" is standard input, http(s):// a web page)."""
    name = str(path)
    if name == "-":
        if stdin is None:  # read one byte past the limit: enough to know it is too big
            stdin = sys.stdin.buffer.read(int(max_size() * _MB) + 1)
        data = stdin
        _check_size(len(data), "<stdin>", whole=False)
        is_html = data.lstrip()[:1] == b"<"
        page = read_html_bytes(data, "<stdin>") if is_html \
            else PageText(*decode_bytes(data, "<stdin>"))
        return Source("<stdin>", "stdin", check_text(page.text, "<stdin>"), page.encoding,
                      "html" if is_html else "txt", page.headline)
    if is_url(name):
        from bilingual.ingest.fetch import read_url

        page, stem = read_url(name)
        return Source(name, stem, check_text(page.text, name), page.encoding, "html",
                      page.headline)
    p = Path(path)
    if not p.exists():
        raise BilingualError("no such file", name, "check the path")
    if p.is_dir():
        raise BilingualError("is a directory, not a file", name, "give an article file")
    if not p.is_file():  # a FIFO would block, a device (/dev/zero) would never end
        raise BilingualError("is not a regular file", name, "give an article file")
    fmt = input_format(p)
    try:
        _check_size(p.stat().st_size, name)
        page = fmt.read(p, name)
    except PermissionError as exc:
        raise BilingualError("permission denied", name, "check the file's permissions") from exc
    return Source(name, p.stem, check_text(page.text, name), page.encoding, fmt.name,
                  page.headline)
