"""Guards for the .docx files we open (articles and reviewed copies) before any parser sees them.

A .docx is a zip of XML parts, and both halves can be hostile: a zip bomb, an encrypted or
damaged archive, a member that inflates past its declared size, a DTD with entity expansion
(billion laughs). Each is refused with one `BilingualError` line, reading at most the declared
sizes (themselves bounded), so no input can make us hold more than `MAX_UNPACKED` bytes.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from bilingual.errors import BilingualError

MAX_UNPACKED = 200 * 1024 * 1024  # a review DOCX of 500 rows is about 100 KB, an article 50 KB
MAX_RATIO = 200  # zip bombs compress thousands to one; real DOCX XML about ten to one
MAX_MEMBERS = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old .doc files
# No OOXML part has a DTD; one that does is an entity-expansion attack, or not ours.
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 1 << 20


def check_archive(path: Path, name: str | None = None) -> None:
    """Refuse a file that is not a plausible, readable, unencrypted .docx archive."""
    name = name or str(path)
    if not path.is_file():
        raise BilingualError("no such file", name, "check the path")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise BilingualError("is password-protected or an old .doc file", name,
                             "save it unprotected as .docx")
    if not zipfile.is_zipfile(path):
        raise BilingualError("is not a .docx file (corrupt or another format)", name,
                             "open it in Word or LibreOffice and save it as .docx")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BilingualError("is a corrupt .docx", name, "save it again as .docx") from exc
    if any(info.flag_bits & 0x1 for info in infos):  # the zip "encrypted" bit (ZipCrypto, AES)
        raise BilingualError("is password-protected", name, "save it unprotected as .docx")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > MAX_MEMBERS or total > MAX_UNPACKED or total / packed > MAX_RATIO:
        raise BilingualError("unpacks to an implausible size (a zip bomb?)", name,
                             "do not process this file")


def check_parts(path: Path, name: str | None = None) -> None:
    """Inflate every XML part once (a damaged stream or CRC fails here) and refuse any DTD.

    Run after `check_archive`, whose limits bound what this reads; zipfile stops a member at
    its declared size, so a stream that inflates further fails its CRC instead of growing.
    """
    name = name or str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.endswith((".xml", ".rels")) and _has_dtd(archive, info):
                    raise BilingualError(
                        f"has a DTD in {info.filename} (entity expansion is refused)", name,
                        "open it in Word or LibreOffice and save it as .docx")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise BilingualError(f"is a damaged .docx ({_reason(exc)})", name,
                             "open it in Word or LibreOffice and save it as .docx") from exc


def _has_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in DTD_MARKERS):
                return True
            tail = window[-16:]  # a marker split across two chunks is still seen
    return False


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
