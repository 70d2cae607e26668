"""A minimal zip writer for archives zipfile will not write: ZipCrypto-encrypted members,
symlinks, and zip bombs built from a repeated deflate block (fast, no 1 GB in memory)."""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass

STORED, DEFLATED = 0, 8


@dataclass
class Entry:
    name: str
    payload: bytes  # as stored in the archive (compressed / encrypted)
    crc: int
    size: int  # uncompressed
    method: int = DEFLATED
    flags: int = 0
    external_attr: int = 0o100644 << 16
    create_system: int = 3  # Unix, so external_attr mode bits mean something


def entry(name: str, data: bytes, method: int = DEFLATED, *, password: bytes | None = None,
          mode: int = 0o100644) -> Entry:
    crc = zlib.crc32(data)
    if method == DEFLATED:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        payload = c.compress(data) + c.flush()
    else:
        payload = data
    flags = 0
    if password is not None:
        payload = zipcrypto_encrypt(payload, password, crc)
        flags |= 1
    return Entry(name, payload, crc, len(data), method, flags, mode << 16)


def zero_bomb(name: str, size: int) -> Entry:
    """A deflated member of `size` zero bytes (size a multiple of 1 MiB), built fast:
    a 1 MiB block compressed once with a full flush repeats byte for byte."""
    mib = 1 << 20
    assert size % mib == 0
    zeros = bytes(mib)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    second = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush(zlib.Z_FINISH)
    n = size // mib
    payload = first + second * (n - 1) + tail if n > 1 else first + tail
    # sanity: the stream decodes to the right size at the start (checked cheaply by tests)
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(zeros, crc)
    return Entry(name, payload, crc, size, DEFLATED)


# -- ZipCrypto (traditional PKWARE encryption) -------------------------------------------

def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc_table()


def zipcrypto_encrypt(data: bytes, password: bytes, crc: int) -> bytes:
    keys = [0x12345678, 0x23456789, 0x34567890]

    def update(byte: int) -> None:
        keys[0] = _TABLE[(keys[0] ^ byte) & 0xFF] ^ (keys[0] >> 8)
        keys[1] = (keys[1] + (keys[0] & 0xFF)) & 0xFFFFFFFF
        keys[1] = (keys[1] * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = _TABLE[(keys[2] ^ (keys[1] >> 24)) & 0xFF] ^ (keys[2] >> 8)

    for byte in password:
        update(byte)
    header = bytearray(os.urandom(11) + bytes([crc >> 24 & 0xFF]))
    out = bytearray()
    for byte in bytes(header) + data:
        temp = (keys[2] | 2) & 0xFFFF
        out.append(byte ^ ((temp * (temp ^ 1)) >> 8) & 0xFF)
        update(byte)
    return bytes(out)


def build(entries: list[Entry]) -> bytes:
    out = bytearray()
    central = bytearray()
    for e in entries:
        name = e.name.encode("utf-8")
        offset = len(out)
        flags = e.flags | 0x800  # UTF-8 names
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, e.method, 0, 0x21,
                           e.crc, len(e.payload), e.size, len(name), 0)
        out += name + e.payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (e.create_system << 8) | 20,
                               20, flags, e.method, 0, 0x21, e.crc, len(e.payload), e.size,
                               len(name), 0, 0, 0, 0, e.external_attr, offset)
        central += name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                       len(central), start, 0)
    return bytes(out)


def entries_of(zip_bytes: bytes, *, password: bytes | None = None) -> list[Entry]:
    """Re-pack every member of an existing zip (for encrypting a whole DOCX/package)."""
    import io
    import zipfile

    z = zipfile.ZipFile(io.BytesIO(zip_bytes))
    result = []
    for info in z.infolist():
        data = z.read(info.filename)
        if info.is_dir():
            result.append(Entry(info.filename, b"", 0, 0, STORED, 0, (0o40755 << 16) | 0x10))
        else:
            result.append(entry(info.filename, data, password=password))
    return result
