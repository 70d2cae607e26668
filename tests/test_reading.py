from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.errors import BilingualError
from bilingual.ingest.fetch import MAX_BYTES, url_stem
from bilingual.ingest.html import html_to_text
from bilingual.ingest.reading import decode_bytes, read_source

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


# --- saved pages and web addresses (ingest/html.py, ingest/fetch.py) ---------------------


PAGE = """<html><head><title>县里开展防汛演练_工作动态_某某县人民政府</title></head><body>
<nav>首页 | 政务公开</nav>
<div class="main"><h1>县里开展防汛演练</h1>
<div class="info"><span>发布时间：2023-06-01 09:30</span><span>来源：县应急管理局</span></div>
<div id="zoom"><p>6月1日，县应急管理局组织开展防汛应急演练。</p>
<p><img src="/a/W020230601_600.jpg"></p><p>▲演练现场。（记者 王某 摄）</p>
<p>演练检验了预案，锻炼了队伍。各乡镇要压实责任，确保安全度汛。</p>
<p>责任编辑：李某</p></div></div>
<footer>版权所有 某某县人民政府</footer></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/news/a1.html": (200, "text/html; charset=gbk", PAGE.encode("gbk")),
            # a server that says latin-1 about a GBK page: the <meta> and detection must win
            "/mislabelled.html": (200, "text/html; charset=iso-8859-1", PAGE.encode("gbk")),
            "/data.json": (200, "application/json", b'{"a": 1}'),
            "/huge.html": (200, "text/html", b"<p>" + "大".encode() * (MAX_BYTES // 3 + 10)),
        }
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/news/a1.html")
            self.end_headers()
            return
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        status, ctype, body = routes.get(self.path, (404, "text/html", b"<p>not found</p>"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what the size limit is for

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/news/a1.html", "/moved", "/mislabelled.html"])
def test_url_is_read_like_a_saved_page(site: str, path: str) -> None:
    source = read_source(site + path)
    assert source.format == "html"
    assert source.stem == "a1" or path != "/news/a1.html"
    lines = source.text.splitlines()
    assert lines[:3] == ["县里开展防汛演练", "发布时间：2023-06-01 09:30", "来源：县应急管理局"]
    assert "▲演练现场。（记者 王某 摄）" in lines
    assert "首页 | 政务公开" not in source.text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing.html", "404"),
        ("/data.json", "not a web page"),
        ("/huge.html", "too large"),
        ("/loop", "redirects"),
    ],
)
def test_bad_url_is_one_line_error(site: str, path: str, message: str) -> None:
    with pytest.raises(BilingualError, match=message):
        read_source(site + path)
    result = CliRunner().invoke(app, ["segment", site + path])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and message in result.output


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://127.0.0.1/a.html", "cannot fetch 'ftp:'"),
    ("http:///nohost", "not a valid web address"),
    ("http://127.0.0.1:9/closed.html", "cannot fetch the page"),  # the discard port: refused
])
def test_unfetchable_addresses(url: str, message: str) -> None:
    result = CliRunner().invoke(app, ["segment", url])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_url_through_segment_and_translate(site: str, tmp_path: Path) -> None:
    """segment → translate → DOCX/TMX/XLIFF/TSV for an article given by its address."""
    url = site + "/news/a1.html"
    listing = CliRunner().invoke(app, ["segment", url, "--format", "jsonl"])
    assert listing.exit_code == 0, listing.output
    kinds = [json.loads(line)["kind"] for line in listing.stdout.splitlines()]
    assert kinds[:3] == ["title", "meta", "meta"] and "caption" in kinds and kinds[-1] == "editor"
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["translate", url, "-o", str(out), "--engine", "none",
                                      "--no-tm", "--quiet"])
    assert result.exit_code == 0, result.output
    tsv = (out / "a1" / "a1.aligned.tsv").read_text(encoding="utf-8")
    assert any(line.split("\t")[1:2] == ["caption"] or "\tcaption\t" in line
               for line in tsv.splitlines())
    # with English in it (a scripted engine), the publishers' formats carry the caption too
    from helpers import translate_files

    from bilingual.terms.annotate import load_term_tools
    from bilingual.testing import ScriptedEngine

    scripted = tmp_path / "scripted"
    translate_files([url], scripted, ScriptedEngine("copy"), None, load_term_tools())  # type: ignore[list-item]
    folder = scripted / "a1"
    assert "▲演练现场。" in (folder / "a1.tmx").read_text(encoding="utf-8")
    assert "▲演练现场。" in (folder / "a1.xlf").read_text(encoding="utf-8")
    from docx import Document

    document = Document(str(folder / "a1.bilingual.docx"))
    texts = [p.text for p in document.paragraphs] + [
        c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("▲演练现场。" in text for text in texts)


def test_url_stems() -> None:
    assert url_stem("https://www.gov.cn/xinwen/2023-06/01/content_5321.htm") == "content_5321"
    assert url_stem("http://127.0.0.1:8000/") == "127.0.0.1"


def test_deeply_nested_page_keeps_its_body() -> None:
    """Issue 10: 10,000 nested divs defeat the parser's depth limit; the page is flattened
    and re-parsed, never read as a success with the body missing."""
    markup = ("<html><body><h1>深层嵌套的页面标题</h1>" + "<div>" * 10_000
              + "<p>正文第一段在最深处。</p>" + "</div>" * 10_000 + "<p>结尾一段。</p></body></html>")
    lines = html_to_text(markup).splitlines()
    assert "正文第一段在最深处。" in lines and "结尾一段。" in lines
    assert lines[0] == "深层嵌套的页面标题"


def test_wechat_sections_and_info_bar() -> None:
    """Each <p> in its own <section> (WeChat); the info bar's spans are separate fields."""
    sections = "".join(f"<section><p><span>第{i}段内容在这里。</span></p></section>" for i in range(1, 6))
    markup = ("<html><body><div id='page'><h1>公众号文章标题</h1><div class='meta'>"
              "<span>原创</span><span>某某发布</span><em>2023-06-21 18:02</em></div>"
              f"<div id='js_content'>{sections}</div></div></body></html>")
    lines = html_to_text(markup).splitlines()
    assert lines[0] == "公众号文章标题"
    assert lines[1:3] == ["原创", "某某发布"]
    assert [line for line in lines if line.endswith("在这里。")] == [
        f"第{i}段内容在这里。" for i in range(1, 6)]


def test_page_without_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><div></div><script>var a='中文';</script></body></html>",
                    encoding="utf-8")
    with pytest.raises(BilingualError):
        read_source(path)


def test_logo_h1_and_page_without_h1() -> None:
    """A site logo in an <h1> is not the headline; a page with none takes its <title>
    without the site name."""
    page = ("<html><body><div class='top'><h1 class='logo'><a>某某网</a></h1></div><div class='main'>"
            "<div class='tit'>县委召开常委会议研究部署重点工作</div><div class='info'>2023-05-10 来源：县委办</div>"
            "<div class='con'><p>5月9日，县委召开常委会议，研究部署近期重点工作。</p>"
            "<p>会议强调，要抓好项目建设。</p></div></div></body></html>")
    assert html_to_text(page).splitlines()[:2] == ["县委召开常委会议研究部署重点工作", "2023-05-10 来源：县委办"]
    bare = ("<html><head><title>我县举办春季招聘会_县域要闻_某某县人民政府</title></head><body>"
            "<div id='content'><p>3月1日，我县举办春季招聘会。</p><p>求职者与企业面对面交流。</p></div></body></html>")
    assert html_to_text(bare).splitlines()[0] == "我县举办春季招聘会"


def test_page_the_parser_cannot_read_is_an_error(tmp_path: Path, monkeypatch) -> None:
    """When even the flattened page loses its body, reading fails; it never goes on without it."""
    from bilingual.ingest import html

    monkeypatch.setattr(html, "FLATTEN", re.compile(r"(?!x)x"))  # flattening that does nothing
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 10_000 + "<p>正文在最深处。</p>" + "</div>" * 10_000
                    + "</body></html>", encoding="utf-8")
    with pytest.raises(BilingualError, match="cannot be read in full"):
        read_source(path)


def test_docx_table_rows_all_read_every_time(tmp_path) -> None:
    """Every row of a layout table, on every read: cells once told apart by the id() of
    lxml proxies lost rows at random when a freed proxy's id was reused (1 read in 10)."""
    import docx

    rows = [f"第{n}段：县委召开会议，部署疫情防控工作。" for n in range(1, 41)]
    document = docx.Document()
    document.add_paragraph("县委召开疫情防控工作会议")
    table = document.add_table(rows=len(rows), cols=2)
    for row, text in zip(table.rows, rows, strict=True):
        row.cells[0].text = text
    merged = table.cell(0, 1).merge(table.cell(len(rows) - 1, 1))  # one cell over all rows
    merged.text = "图片说明"
    path = tmp_path / "table.docx"
    document.save(str(path))
    for _ in range(30):
        text = read_source(path).text
        assert [line for line in text.splitlines() if line.startswith("第")] == rows
        assert text.count("图片说明") == 1


# -- saved pages as real sites lay them out (shapes seen on held-out pages; our own text) --

def _page(body: str, title: str = "某县召开乡村振兴工作推进会_某县人民政府") -> str:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>{body}</body></html>")


PARAS = ["会议指出，要坚持以习近平新时代中国特色社会主义思想为指导，全面推进乡村振兴。",
         "会议强调，各级党组织要压实责任，确保各项任务落地见效，让群众得到实惠。",
         "会议要求，要抓好春耕备耕工作，稳定粮食生产，促进农民持续增收，巩固脱贫成果。"]


def test_inline_subheads_captions_and_editor_lines_are_kept() -> None:
    """Text inside <strong>/<span> of a block that also holds blocks is part of the page."""
    page = _page("<h1>某县召开乡村振兴工作推进会</h1><div class='content'>"
                 f"<p>{PARAS[0]}</p><strong>一、压实责任</strong><p>{PARAS[1]}</p>"
                 f"<span class='pic'>图为会议现场。</span><p>{PARAS[2]}</p>"
                 "<span class='editor'>责任编辑：王某</span></div>")
    lines = html_to_text(page).splitlines()
    assert lines == ["某县召开乡村振兴工作推进会", PARAS[0], "一、压实责任", PARAS[1],
                     "图为会议现场。", PARAS[2], "责任编辑：王某"]


def test_markup_line_breaks_are_not_paragraph_breaks() -> None:
    """A newline in the source inside a paragraph joins (as a browser shows it); spans the
    source puts on lines of their own in an info bar stay apart; <br> breaks."""
    broken = PARAS[0][:20] + "\n      " + PARAS[0][20:]
    page = _page("<h1>某县召开乡村振兴工作推进会</h1><div class='info'>\n"
                 "  <span>来源：某县融媒体中心</span>\n  <span>2024-03-05 10:21</span>\n</div>"
                 f"<div class='content'><p>{broken}</p><p>{PARAS[1]}<br>{PARAS[2]}</p></div>")
    assert html_to_text(page).splitlines() == [
        "某县召开乡村振兴工作推进会", "来源：某县融媒体中心", "2024-03-05 10:21", *PARAS]


def test_hidden_text_and_marked_furniture_are_dropped() -> None:
    page = _page("<h1>某县召开乡村振兴工作推进会</h1><div class='content'>"
                 f"<p>{PARAS[0]}</p><p style='display: none'>微视频：隐藏的分享标题文字内容</p>"
                 f"<p>{PARAS[1]}</p><div hidden>隐藏的脚本用文字内容</div><p>{PARAS[2]}</p>"
                 "<div class='share-bar'>分享到：微信 微博</div></div>"
                 "<div id='comments'><p>网友甲：说得好，我们村也是这样做的，点赞！</p></div>"
                 "<div class='related'><p>相关新闻：某县开展春耕生产督导工作</p></div>"
                 "<div class='footer'><a>关于我们</a> <a>联系我们</a><p>版权所有 某县人民政府</p></div>")
    assert html_to_text(page).splitlines() == ["某县召开乡村振兴工作推进会", *PARAS]


def test_the_headline_comes_before_the_article_not_after() -> None:
    """A "title" box after the article (recommendations, a sidebar cell) is never the
    headline; an <h3> headline before it is; a logo <h1> is not."""
    page = _page("<div class='logo'><h1>某县人民政府门户网站首页</h1></div>"
                 "<h3>某县召开乡村振兴工作推进会</h3><div class='text'>"
                 + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"
                 "<div class='post-title'>推荐：某县举办第三届农民丰收节活动</div>"
                 "<table><tr><td class='title_left'>燕赵新闻周刊精选专题内容</td></tr></table>")
    assert html_to_text(page).splitlines()[:2] == ["某县召开乡村振兴工作推进会", PARAS[0]]


def test_the_site_name_heading_is_not_the_headline() -> None:
    page = _page("<h1>某县人民政府</h1><div><h2>某县召开乡村振兴工作推进会</h2>"
                 + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>")
    assert html_to_text(page).splitlines()[0] == "某县召开乡村振兴工作推进会"


def test_a_portal_setting_paragraphs_in_divs_is_read() -> None:
    """No <p> at all: the article's <div> paragraphs, not the search box, are the body."""
    page = _page("<div class='search'>热门搜索：转型 综改 营商环境 招商引资</div>"
                 "<div class='art'><div class='tit'>某县召开乡村振兴工作推进会</div>"
                 "<div class='zw'>" + "".join(f"<div>{p}</div>" for p in PARAS) + "</div></div>")
    lines = html_to_text(page).splitlines()
    assert lines[0] == "某县召开乡村振兴工作推进会" and lines[-3:] == PARAS


def test_text_without_a_body_paragraph_is_flagged(tmp_path) -> None:
    """A page whose article was not found reads as a few headings and chrome: the first
    segment says so, instead of the run passing it off as a translated article."""
    from bilingual.ingest.article import load_article

    page = tmp_path / "portal.html"
    page.write_text(_page("<div class='nav'><a>首页</a> <a>政务公开</a> <a>办事服务</a></div>"
                          "<div>某县人民政府门户网站欢迎您</div>"), encoding="utf-8")
    notice = tmp_path / "notice.txt"
    notice.write_text("县委召开疫情防控工作会议\n\n" + PARAS[0] + "\n", encoding="utf-8")
    flags = [f for s in load_article(page).segments for f in s.flags]
    assert [f.check for f in flags] == ["no-body"] and "article's own page" in flags[0].message
    assert not any(s.flags for s in load_article(notice).segments)


def test_the_page_marked_headline_is_the_title(tmp_path) -> None:
    """The page says which line is its headline: no guess overrides it. A deck under it is a
    subtitle, a short badge or channel label before the date line is chrome."""
    from bilingual.ingest.article import load_article

    page = tmp_path / "deck.html"
    page.write_text(_page(
        "<div class='art'><h1>某县乡村振兴示范带建设全面启动</h1>"
        "<div class='fu'>成功举办首届乡村振兴项目集中签约活动</div><div class='tag'>优质作者</div>"
        "<div class='info'>发布时间：2024-03-05 10:21 来源：某县融媒体中心</div>"
        + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"), encoding="utf-8")
    kinds = [(s.kind, s.zh) for s in load_article(page).segments][:4]
    assert kinds[0] == ("title", "某县乡村振兴示范带建设全面启动")
    assert kinds[1] == ("subtitle", "成功举办首届乡村振兴项目集中签约活动")
    assert kinds[2] == ("boilerplate", "优质作者")
    assert kinds[3][0] == "meta"


def test_text_behind_a_read_more_button_or_in_a_page_form_is_kept() -> None:
    """A hidden block of paragraphs is the rest of the article (展开全文), not furniture; an
    ASP.NET portal wraps the whole page in a <form>; a style that only mentions display:none
    in a comment hides nothing."""
    for wrap in ("<div class='more' style='display:none;'>{}</div>",
                 "<div hidden='until-found'>{}</div>",
                 "<div style='/* display:none */ color:red'>{}</div>",
                 "<form id='form1' method='post'>{}</form>"):
        inner = "".join(f"<p>{p}</p>" for p in PARAS[1:])
        page = _page("<h1>某县召开乡村振兴工作推进会</h1><div class='content'>"
                     f"<p>{PARAS[0]}</p>" + wrap.format(inner) + "<button>展开全文</button></div>")
        assert html_to_text(page).splitlines()[1:4] == PARAS, wrap


def test_weak_furniture_words_never_cost_article_text() -> None:
    """"content-foot", "ad-free", a <p class="share">, an inline <span class="ad"> in a
    paragraph: article text whatever the class says."""
    page = _page("<h1>某县召开乡村振兴工作推进会</h1><div class='content'>"
                 f"<p class='share'>{PARAS[0]}</p><div class='content-foot'><p>{PARAS[1]}</p></div>"
                 f"<div class='content ad-free'><p>{PARAS[2][:10]}<span class='ad'>"
                 f"{PARAS[2][10:]}</span></p></div></div>")
    assert html_to_text(page).splitlines()[1:] == PARAS


def test_a_list_after_the_article_naming_this_page_is_not_its_headline() -> None:
    page = _page("<font><b>某县召开乡村振兴工作推进会</b></font><div class='content'>"
                 + "".join(f"<p>{p}</p>" for p in PARAS) + "</div><ul>"
                 "<li><h3>某县召开乡村振兴工作推进会</h3></li><li><h3>某县举办农民丰收节</h3></li></ul>",
                 title="某县召开乡村振兴工作推进会")
    lines = html_to_text(page).splitlines()
    assert all(p in lines for p in PARAS)


def test_a_stray_end_of_document_before_the_article_loses_nothing() -> None:
    """A header include that closes </body></html> before the article (a gazette page on a
    government portal): the article after it is read, not refused."""
    page = ("<html><head><meta charset='utf-8'><title>某县召开乡村振兴工作推进会</title></head><body>"
            "<div class='head'>某县人民政府门户网站</div></body></html>"
            "<div class='main'><h1>某县召开乡村振兴工作推进会</h1>"
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></body></html>")
    assert html_to_text(page).splitlines()[-3:] == PARAS
