"""Bytes to text: encodings, and the three input formats (txt, docx, html).

Every failure is a `BilingualError` naming the file, so the CLI can print one line.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bilingual.chars import has_ideograph
from bilingual.errors import BilingualError
from bilingual.ingest.fetch import is_url
from bilingual.ingest.html import read_html_bytes

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



@dataclass
class Source:
    """A document's text as read, before any normalisation."""

    name: str  # what error messages and outputs call it: the path, or "<stdin>"
    stem: str
    text: str
    encoding: str
    format: str  # "txt", "docx" or "html"


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
    if b"\x00" in data:
        raise BilingualError(
            "looks like a binary file, not text", name, "give a .txt, .docx or .html article"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
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


def check_text(text: str, name: str) -> str:
    if not text.strip():
        raise BilingualError("the file is empty", name, "give an article with Chinese text")
    if len(CONTROL_RE.findall(text)) > max(3, len(text) // 100):
        raise BilingualError(
            "looks like a binary file, not text", name, "give a .txt, .docx or .html article"
        )
    if not has_ideograph(text):
        raise BilingualError(
            "contains no Chinese text", name, "bilingual translates Chinese articles into English"
        )
    return text


def read_docx(path: Path, name: str) -> str:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BilingualError(
            "is not a readable .docx file", name, "open and re-save it in Word or LibreOffice"
        ) from exc
    return "\n".join(p.text for p in document.paragraphs)


def _read_text(path: Path, name: str) -> tuple[str, str]:
    return decode_bytes(path.read_bytes(), name)


def _read_html(path: Path, name: str) -> tuple[str, str]:
    return read_html_bytes(path.read_bytes(), name)


def _read_docx(path: Path, name: str) -> tuple[str, str]:
    return read_docx(path, name), "docx"


@dataclass(frozen=True)
class InputFormat:
    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, str], tuple[str, str]]  # (path, name) → (text, encoding)
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


def read_source(path: str | Path, stdin: bytes | None = None) -> Source:
    """Read one article from a path ("-" is standard input, http(s):// a web page)."""
    name = str(path)
    if name == "-":
        data = stdin if stdin is not None else sys.stdin.buffer.read()
        is_html = data.lstrip()[:1] == b"<"
        text, encoding = read_html_bytes(data, "<stdin>") if is_html \
            else decode_bytes(data, "<stdin>")
        return Source("<stdin>", "stdin", check_text(text, "<stdin>"), encoding,
                      "html" if is_html else "txt")
    if is_url(name):
        from bilingual.ingest.fetch import read_url

        text, encoding, stem = read_url(name)
        return Source(name, stem, check_text(text, name), encoding, "html")
    p = Path(path)
    if not p.exists():
        raise BilingualError("no such file", name, "check the path")
    if p.is_dir():
        raise BilingualError("is a directory, not a file", name, "give an article file")
    fmt = input_format(p)
    try:
        text, encoding = fmt.read(p, name)
    except PermissionError as exc:
        raise BilingualError("permission denied", name, "check the file's permissions") from exc
    return Source(name, p.stem, check_text(text, name), encoding, fmt.name)
