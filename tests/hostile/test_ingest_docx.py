"""Hostile article .docx files (issues 10 and 16): one line, exit 2, bounded memory, no
traceback; the same guards protect `review import`. Every file is generated in tmp_path.
"""

from __future__ import annotations

import resource
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.ingest.reading import read_source

runner = CliRunner()

TEXT = "县委书记李公乐说，党支部和共产党员就是群众的主心骨。"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>县委召开会议</w:t></w:r></w:p>'
            f'<w:p><w:r><w:t>{TEXT}</w:t></w:r></w:p></w:body></w:document>').encode()


def good_docx(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("县委召开会议")
    doc.add_paragraph(TEXT)
    doc.save(str(path))


def rewrite(path: Path, change: Callable[[str, bytes], bytes | None],
            compression: int = zipfile.ZIP_DEFLATED) -> None:
    """A valid .docx with its members passed through `change` (None drops the member)."""
    good_docx(path)
    with zipfile.ZipFile(path) as zin:
        members = [(i.filename, zin.read(i)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", compression) as zout:
        for name, data in members:
            new = change(name, data)
            if new is not None:
                zout.writestr(name, new)


def billion_laughs(path: Path) -> None:
    levels = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)]
    dtd = f'<?xml version="1.0"?><!DOCTYPE w:document [{"".join(levels)}]>'
    body = DOCUMENT.split(b"?>", 1)[1].replace(TEXT.encode(), b"&lol9;")
    rewrite(path, lambda n, d: dtd.encode() + body if n == "word/document.xml" else d)


def dtd_in_styles(path: Path) -> None:
    external = b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd">'
    rewrite(path, lambda n, d: external + d.split(b"?>", 1)[1] if n == "word/styles.xml" else d)


def truncated_document(path: Path) -> None:
    rewrite(path, lambda n, d: d[: len(d) // 2] if n == "word/document.xml" else d)


def missing_document(path: Path) -> None:
    rewrite(path, lambda n, d: None if n == "word/document.xml" else d)


def _member_offset(path: Path, member: str) -> tuple[int, int]:
    """(offset of the member's compressed data, its compressed size)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_len + extra_len, info.compress_size


def damaged_deflate(path: Path) -> None:
    good_docx(path)
    start, size = _member_offset(path, "word/document.xml")
    data = bytearray(path.read_bytes())
    for i in range(start + size // 3, start + size // 3 + 24):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def zip_bomb(path: Path) -> None:
    # 60 MB of zeros packs to about 60 KB: a thousand to one (the was 3.7 MB → 1 GB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(60):
                member.write(block)


def lying_sizes(path: Path) -> None:
    """A member whose headers claim 1,000 bytes but whose stream inflates to 8 MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<a>" + b" " * (8 * 1024 * 1024) + b"</a>")
    real = struct.pack("<I", 8 * 1024 * 1024 + 7)
    path.write_bytes(path.read_bytes().replace(real, struct.pack("<I", 1000)))


def zipcrypto(path: Path) -> None:
    """The "encrypted" bit set in every local and central header, as ZipCrypto writes it."""
    good_docx(path)
    data = bytearray(path.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flag_at] |= 0x01
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def ole_encrypted(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)


def many_members(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(2500):
            zf.writestr(f"word/media/x{i}.xml", "<a/>")


def not_a_zip(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 and then nothing a zip needs")


def truncated_archive(path: Path) -> None:
    good_docx(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


def no_body_xml(path: Path) -> None:
    rewrite(path, lambda n, d: b"<not-word/>" if n == "word/document.xml" else d)


# (case, how to make it, what the one line says)
CASES: list[tuple[str, Callable[[Path], None], str]] = [
    ("billion-laughs", billion_laughs, "has a DTD in word/document.xml"),
    ("dtd-in-styles", dtd_in_styles, "has a DTD in word/styles.xml"),
    ("truncated-document-xml", truncated_document, "not a readable .docx"),
    ("missing-document-xml", missing_document, "not a readable .docx"),
    ("damaged-deflate", damaged_deflate, "damaged .docx"),
    ("zip-bomb", zip_bomb, "zip bomb"),
    ("lying-sizes", lying_sizes, "damaged .docx"),
    ("zipcrypto", zipcrypto, "password-protected"),
    ("ole-encrypted", ole_encrypted, "password-protected"),
    ("too-many-members", many_members, "zip bomb"),
    ("not-a-zip", not_a_zip, "not a .docx file"),
    ("truncated-archive", truncated_archive, ".docx"),
    ("foreign-xml", no_body_xml, "not a readable .docx"),
]


@pytest.mark.parametrize(("case", "make", "message"), CASES, ids=[c[0] for c in CASES])
def test_hostile_article_docx(tmp_path: Path, case: str, make, message: str) -> None:
    path = tmp_path / f"{case}.docx"
    make(path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = runner.invoke(app, ["segment", str(path)])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.exit_code == 2, result.output
    assert result.output.startswith("bilingual: error: ") and result.output.count("\n") == 1
    assert message in result.output and str(path) in result.output
    assert grown_mb < 100  # refused before anything big was inflated


def test_hostile_docx_in_a_folder_does_not_stop_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    zipcrypto(folder / "a-locked.docx")
    billion_laughs(folder / "b-laughs.docx")
    good_docx(folder / "c-good.docx")
    result = runner.invoke(app, ["translate", str(folder), "-o", str(tmp_path / "out"),
                                 "--engine", "none", "--no-tm", "--quiet"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert (tmp_path / "out" / "c-good" / "c-good.bilingual.docx").exists()
    assert not (tmp_path / "out" / "a-locked").exists()


def test_good_docx_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "good.docx"
    good_docx(path)
    assert read_source(path).text.splitlines() == ["县委召开会议", TEXT]


@pytest.mark.parametrize(("case", "make", "message"), [
    ("billion-laughs", billion_laughs, "has a DTD"),
    ("zipcrypto", zipcrypto, "password-protected"),
    ("damaged-deflate", damaged_deflate, "damaged .docx"),
], ids=["billion-laughs", "zipcrypto", "damaged-deflate"])
def test_review_import_has_the_same_guards(tmp_path: Path, case: str, make, message: str) -> None:
    path = tmp_path / f"{case}.docx"
    make(path)
    result = runner.invoke(app, ["review", "import", str(path), "-o", str(tmp_path / "out"),
                                 "--no-tm"])
    assert result.exit_code == 2, result.output
    assert message in result.output and result.output.count("\n") == 1
