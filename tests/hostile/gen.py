"""Generators for hostile inputs: Chinese articles, DOCX files, archives."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

TITLE = "某某县：党员先锋岗筑牢疫情防控线"
BODY = [
    "新型冠状病毒感染的肺炎疫情发生以来，某某县各级党组织和广大党员把疫情防控作为当前最重要的工作。",
    "县委书记带头深入乡镇检查指导疫情防控工作，要求各级干部靠前指挥、压实责任。",
    "截至2月3日，全县共设立党员先锋岗126个，组织党员志愿者1800余名参与防控。",
    "广大群众纷纷表示，有党员在身边，心里就踏实。",
]
ARTICLE = "\n\n".join([TITLE, "2020-02-03 09:15", "来源：某某日报", *BODY,
                       "责任编辑：孔德明"]) + "\n"


def article_with(paragraph: str) -> str:
    """The article with `paragraph` as an extra body paragraph after the first one."""
    parts = [TITLE, "2020-02-03 09:15", "来源：某某日报", BODY[0], paragraph, *BODY[1:],
             "责任编辑：孔德明"]
    return "\n\n".join(parts) + "\n"


def random_cjk(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def article_docx(path: Path) -> Path:
    path.write_bytes(docx_bytes(ARTICLE.strip().split("\n\n")))
    return path


def rewrite_zip(data: bytes, replace: dict[str, bytes], *, add: dict[str, bytes] | None = None,
                compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A copy of zip `data` with members replaced (or added)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def corrupt_member(data: bytes, member: str) -> bytes:
    """Flip bytes in the middle of `member`'s compressed stream (a damaged deflate stream)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    info = z.getinfo(member)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    buf = bytearray(data)
    name_len = int.from_bytes(buf[info.header_offset + 26: info.header_offset + 28], "little")
    extra_len = int.from_bytes(buf[info.header_offset + 28: info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    for i in range(middle, min(middle + 16, start + info.compress_size)):
        buf[i] ^= 0xA5
    return bytes(buf)


BILLION_LAUGHS_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE w:document [\n'
    '<!ENTITY lol "哈哈哈哈哈哈哈哈哈哈">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
              for i in range(1, 10))
    + ']>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:body><w:p><w:r><w:t>' + TITLE + '</w:t></w:r></w:p>'
    '<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
    '<w:p><w:r><w:t>' + BODY[0] + '</w:t></w:r></w:p></w:body></w:document>'
).encode("utf-8")
