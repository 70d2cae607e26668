from __future__ import annotations

import pytest

from bilingual.errors import BilingualError
from bilingual.ingest.reading import decode_bytes, html_to_text, read_source

TEXT = "市委书记李公乐说，党支部和共产党员就是群众的主心骨。我们要把疫情当作命令，把基层当作前线。"
TRAD = "市委書記李公樂說，黨支部和共產黨員就是群眾的主心骨。我們要把疫情當作命令，把基層當作前線。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM, native order
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16"),
        ((TEXT * 3).encode("gb2312"), "gb18030"),
        ((TEXT * 3).encode("gbk"), "gb18030"),
        ((TEXT * 3).encode("gb18030"), "gb18030"),
        ((TRAD * 3).encode("big5"), "big5"),
    ],
)
def test_decode_common_encodings(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data, "x.txt")
    assert found == encoding
    assert text.lstrip("\ufeff").startswith(TEXT[:5] if "big5" not in encoding else TRAD[:5])


def test_read_txt_in_gbk(tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(("标题\r\n\r\n" + TEXT * 2).encode("gbk"))
    source = read_source(path)
    assert source.encoding == "gb18030"
    assert source.format == "txt"
    assert source.stem == "a"
    assert "党支部" in source.text


def test_read_docx(tmp_path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("县委召开会议")
    doc.add_paragraph(TEXT)
    path = tmp_path / "news.docx"
    doc.save(str(path))
    source = read_source(path)
    assert source.format == "docx"
    assert source.text.splitlines() == ["县委召开会议", TEXT]


def test_read_html_body_only(fixtures) -> None:
    source = read_source(fixtures / "headings_html.html")
    assert source.format == "html"
    assert source.encoding == "gbk"
    lines = source.text.splitlines()
    assert lines[0] == "市政府召开疫情防控工作会议"
    assert "不要出现" not in source.text  # script content dropped
    assert "网站导航" not in source.text  # nav dropped
    assert "ICP备" not in source.text  # footer dropped
    assert any(line.startswith("对密切接触者") for line in lines)


def test_html_without_article_uses_title() -> None:
    text = html_to_text("<html><head><title>县里新闻</title></head><body><p>第一段。</p></body></html>")
    assert text.splitlines() == ["县里新闻", "第一段。"]


def test_stdin() -> None:
    source = read_source("-", stdin=TEXT.encode("gbk"))
    assert source.name == "<stdin>"
    assert source.text == TEXT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\t\n", "empty"),
        (bytes(range(256)) * 8, "binary"),
        (b"This is English only.\n", "no Chinese"),
        (b"\xff\xfe\x00\xd8", "byte-order mark"),
    ],
)
def test_bad_text_files(tmp_path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(BilingualError) as info:
        read_source(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_directory_and_suffix(tmp_path) -> None:
    with pytest.raises(BilingualError, match="no such file"):
        read_source(tmp_path / "nope.txt")
    with pytest.raises(BilingualError, match="directory"):
        read_source(tmp_path)
    other = tmp_path / "x.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(BilingualError, match="unsupported file type"):
        read_source(other)


def test_corrupt_docx(tmp_path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BilingualError, match=r"not a \.docx file"):
        read_source(path)
