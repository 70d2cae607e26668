"""Saved news pages (and fetched ones) to article text: one block element a line.

Our own extractor keeps what a news page puts around its text, which the structure rules
need: the headline, the date/source line, captions, the editor line. It takes the block
holding the most paragraph text, widens it to the headline (the lowest common ancestor of
both) and emits the lines from the headline's branch to the end of that ancestor; the
structure rules then mark the page chrome that comes along. `trafilatura_text` is the
main-text extractor it was measured against (bench/bench_structure.py --html): see README.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, NamedTuple

from bilingual.chars import IDEOGRAPH_RE, IDEOGRAPH_RUN_RE, XML_ILLEGAL_RE
from bilingual.errors import BilingualError

META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)

# Elements whose text is never article content (a <video>'s text is the "your browser does
# not support" fallback).
HTML_DROP = ("script", "style", "noscript", "nav", "footer", "aside", "iframe", "video",
             "audio", "canvas", "svg", "button", "select", "textarea", "template")
HTML_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th",
               "div", "dd", "dt", "section", "article", "center", "figcaption", "header", "tr",
               "table", "ul", "ol", "dl", "figure", "main", "address"}
# An element whose class or id says it holds the headline, where the page has no <h1>.
TITLE_HINT = re.compile(r"(?:^|[\s_-])(?:title|tit|headline|subject|bt)(?:$|[\s_\d-])", re.I)
# A <title> carries the site after the headline: "标题_部门动态_某某市人民政府", "标题-新华网".
TITLE_SUFFIX = re.compile(r"\s*(?:[_|｜–—]|\s-\s|-(?=[^-]{2,12}$))\s*")
# Container tags dropped when the markup nests too deep for the parser (issue 10): they carry
# no text of their own, so the paragraphs survive a flat re-parse.
FLATTEN = re.compile(r"</?(?:div|section|span|font|article|main|center|header|figure)\b[^>]*>",
                     re.I)
MAX_TITLE_HINT = 80
MIN_HEADLINE = 6  # ideographs; a shorter <h1> is a site name
# Headline candidates, best first: a page's own <h1>, then <h2>, an element whose class says
# title, then <h3> (some portals set the headline there, and their menus too).
HEADING_RANK = {"h1": 0, "h2": 1, "h3": 3}
HINT_RANK = 2
# Innermost blocks that count as paragraphs outside <p>: long enough, and ending a sentence.
PARAGRAPH_LIKE = ("div", "td", "section")
MIN_DIV_PARAGRAPH = 20
SENTENCE_END = re.compile(r"[。！？]")
# Inline styles that hide an element: a browser never shows its text (share titles, video
# blurbs kept for scripts).
_HIDDEN_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
# Class or id words of page furniture around an article (readability's "unlikely candidates",
# with the pinyin Chinese sites use): comments, related and recommended links, share bars,
# sidebars, footers. Dropped only where they hold neither the article nor its headline.
CHROME_HINT = re.compile(
    r"(?:^|[\s_-])(?:comments?|pinglun|related|relate|recommend|tuijian|xiangguan|share|"
    r"fenxiang|sidebar|footer|copyright|banquan|breadcrumbs?|crumbs?|toolbar|"
    r"advert|guanggao|rank|paihang|hotnews)(?:$|[\s_\d-])", re.I)
# Words that name furniture only now and then ("content-foot", "ad-free", "side-content"):
# an element they mark goes only when it holds no paragraph of text.
WEAK_CHROME_HINT = re.compile(r"(?:^|[\s_-])(?:side|foot|ads?)(?:$|[\s_\d-])", re.I)
MAX_KICKER_STEPS = 2
MAX_KICKER_LEN = 40
# Inline elements side by side with nothing between them, each with Chinese text, in a short
# block: the fields of an info bar (`<span>来源</span><span>阅读 2860</span>`), one a line.
MAX_FIELD_BAR = 120


# A page stitched from fragments may close </body></html> before its article (a header
# include with its own end tags): libxml2 then drops everything after. The document ends where
# the file does, so these end tags carry nothing and go before parsing.
_END_OF_DOCUMENT = re.compile(r"</\s*(?:body|html)\s*>", re.I)


def _parse(markup: str) -> Any:
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        return lxml.html.document_fromstring(_END_OF_DOCUMENT.sub("", markup), parser=parser)
    except Exception:  # lxml raises several types for hopeless markup
        return None


def _ideographs(text: str) -> int:
    # counted by runs: a list of every character of a long page would cost 70 bytes each
    return sum(m.end() - m.start() for m in IDEOGRAPH_RUN_RE.finditer(text))


def _markup_ideographs(markup: str) -> int:
    """Chinese characters in the markup's text, by a crude strip: what parsing must keep."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", markup)
    return _ideographs(re.sub(r"<[^>]*>", " ", text))


class PageTooDeep(ValueError):
    """The parser loses most of the page's text even after flattening."""


def parse_page(markup: str) -> Any:
    """The page's element tree, flattened first if the parser lost most of its text; raises
    PageTooDeep rather than go on without the body (issue 10)."""
    root = _parse(markup)
    expected = _markup_ideographs(markup)
    if root is None or _ideographs(root.text_content()) < expected // 2:
        root = _parse(FLATTEN.sub("\n", markup))
        if root is None or _ideographs(root.text_content()) < expected // 2:
            raise PageTooDeep
    return root


def html_to_text(markup: str) -> str:
    """The article of a saved news page, one block element a line."""
    return html_article(markup)[0]


def html_article(markup: str) -> tuple[str, str]:
    """(the article's lines, the page's headline): the headline element's text, else the
    <title>'s headline part; "" when neither is found. The structure rules take it as the
    title when it is one of the lines."""
    root = parse_page(markup)
    if root is None:
        return "", ""
    for bad in root.xpath("|".join(f"//{tag}" for tag in HTML_DROP)):
        bad.drop_tree()
    for form in root.xpath("//form"):  # ASP.NET portals wrap the whole page in one <form>
        if not _holds_text(form):
            form.drop_tree()
    _drop_hidden(root)
    best = _best_block(root)
    if best is None:
        return "\n".join(_lines(root)), ""
    anchor = _headline(root, best)
    _drop_chrome(root, [best] if anchor is None else [best, anchor])
    lines: list[str] = []
    if anchor is None:
        headline = _page_title(root)
        if headline:
            lines.append(headline)
        container, start = best.getparent() if best.getparent() is not None else best, best
    else:
        headline = " ".join(_lines(anchor))
        container = _common_ancestor(anchor, best)
        start = _with_kicker(_branch(container, anchor))
    tree = root.getroottree()
    first = tree.getpath(start)
    started = False
    for child in container:
        started = started or tree.getpath(child) == first
        if started:
            lines.extend(_lines(child))
    return "\n".join(lines), headline


def _is_hidden(el: Any) -> bool:
    hidden = el.get("hidden")
    if hidden is not None and hidden.lower() != "until-found":  # until-found: found by search
        return True
    return bool(_HIDDEN_STYLE.search(_CSS_COMMENT.sub("", el.get("style", ""))))


def _drop_hidden(root: Any) -> None:
    """What a browser never shows (`hidden`, an inline style hiding it) and is not article
    text: a hidden block holding paragraphs is the rest of the article behind a "展开全文"
    (read more) button, and stays."""
    hidden = [el for el in root.iter() if isinstance(el.tag, str)
              and el.tag not in ("html", "body") and _is_hidden(el) and not _holds_text(el)]
    for el in hidden:
        el.drop_tree()


def _holds_text(el: Any) -> bool:
    """Whether an element is, or holds, a paragraph of article text."""
    return any(True for _ in _paragraphs(el, long_only=True))


def _drop_chrome(root: Any, keep: list[Any]) -> None:
    """Furniture marked as such by its class or id, unless it holds what is kept."""
    tree = root.getroottree()
    kept = [tree.getpath(el) for el in keep]
    chrome = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        hint = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag == "p" or any(a.tag == "p" for a in el.iterancestors()) or not (
                CHROME_HINT.search(hint) or (
                WEAK_CHROME_HINT.search(hint) and not _holds_text(el))):
            continue  # a <p> and what sits in one are text whatever their class says
        path = tree.getpath(el)
        if not any(k == path or k.startswith(path + "/") for k in kept):
            chrome.append(el)
    for el in chrome:
        el.drop_tree()


def _paragraphs(root: Any, long_only: bool = False) -> Iterator[Any]:
    """The elements that hold paragraph text: <p>, and the innermost <div>/<td>/<section>
    that hold a sentence (some government portals set every paragraph in a <div>);
    `long_only`: <p> too only when it holds a sentence."""
    for el in root.iter():
        if el.tag == "p" and not long_only:
            yield el
        elif el.tag == "p":
            text = el.text_content()
            if _ideographs(text) >= MIN_DIV_PARAGRAPH and SENTENCE_END.search(text):
                yield el
        elif el.tag in PARAGRAPH_LIKE and not any(
                isinstance(c.tag, str) and c.tag in HTML_BLOCKS for c in el.iterdescendants()):
            text = el.text_content()
            if _ideographs(text) >= MIN_DIV_PARAGRAPH and SENTENCE_END.search(text):
                yield el


def _best_block(root: Any) -> Any:
    """The element holding the most paragraph text; a paragraph counts fully for its parent
    and half for the grandparent, so that pages wrapping each <p> in its own <section>
    (WeChat) still pick the article."""
    score: dict[Any, float] = defaultdict(float)
    for p in _paragraphs(root):
        length = _ideographs(p.text_content())
        parent = p.getparent()
        if parent is None:
            continue
        score[parent] += length
        grand = parent.getparent()
        if grand is not None:
            score[grand] += length / 2
    if not score:
        return None
    return max(score, key=lambda el: score[el])


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_logo(el: Any, site_names: set[str]) -> bool:
    """A site's logo or name set as a heading: says so in its own or a near ancestor's
    class/id, or reads as the site name the <title> ends with."""
    for node in [el, *list(el.iterancestors())[:3]]:
        if "logo" in f"{node.get('class', '')} {node.get('id', '')}".lower():
            return True
    return _compact(el.text_content()) in site_names


def _headline(root: Any, best: Any) -> Any:
    """The page's headline element. Candidates: headings (<h1> first) and elements whose
    class/id says title. The one the <title> or og:title names wins; otherwise the best
    ranked that comes before the article text (or inside it), nearest first: a "title" box
    after the article is a recommendation or a sidebar, never the headline."""
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    order = {el: n for n, el in enumerate(elements)}
    at = order.get(best, 0)
    page = _compact(_page_title(root))
    sites = {_compact(part) for part in TITLE_SUFFIX.split(_title_text(root))[1:] if part}
    found: list[tuple[int, int, Any]] = []  # (rank, distance to the article, element)
    for el in elements:
        if el.tag in ("title", "head", "meta", "html", "body"):
            continue
        rank = HEADING_RANK.get(el.tag)
        if rank is None and TITLE_HINT.search(f"{el.get('class', '')} {el.get('id', '')}"):
            rank = HINT_RANK
        text = el.text_content().strip()
        if rank is None or _ideographs(text) < MIN_HEADLINE or len(text) > MAX_TITLE_HINT:
            continue
        if _is_logo(el, sites):
            continue
        if order[el] > at and not any(a is best for a in el.iterancestors()):
            continue  # after the article: a list that names this page, a recommendation
        if page and _compact(text) == page:
            rank = -1  # the page says this is its headline
        found.append((rank, abs(at - order[el]), el))
    return min(found, key=lambda f: (f[0], f[1]))[2] if found else None


def _title_text(root: Any) -> str:
    return next((v.strip() for v in root.xpath("//title/text()") if v.strip()), "")


def _page_title(root: Any) -> str:
    """The headline from <meta> or <title>, without the site name after it."""
    for xpath in ("//meta[@name='ArticleTitle']/@content", "//meta[@property='og:title']/@content",
                  "//title/text()"):
        values = [v.strip() for v in root.xpath(xpath) if v.strip()]
        if values:
            parts = [p for p in TITLE_SUFFIX.split(values[0]) if p.strip()]
            return parts[0].strip() if parts and _ideographs(parts[0]) >= 6 else values[0]
    return ""


def _with_kicker(start: Any) -> Any:
    """Step back over the short elements right above the headline's branch: the kicker (引题)
    and the column name sit there, beside the breadcrumb that the structure rules drop."""
    for _ in range(MAX_KICKER_STEPS):
        prev = start.getprevious()
        if prev is None or not isinstance(prev.tag, str):
            break
        lines = _lines(prev)
        if not lines or len(lines) > 2 or any(len(line) > MAX_KICKER_LEN for line in lines):
            break
        if any("logo" in f"{el.get('class', '')} {el.get('id', '')}".lower()
               for el in prev.iter() if isinstance(el.tag, str)):
            break  # the site's name above the page, not a kicker
        start = prev
    return start


def _common_ancestor(a: Any, b: Any) -> Any:
    # lxml may hand out a new proxy object for the same node: compare by tree path
    tree = a.getroottree()
    ancestors = {tree.getpath(el) for el in [a, *a.iterancestors()]}
    for el in [b, *b.iterancestors()]:
        if tree.getpath(el) in ancestors:
            return el
    return tree.getroot()


def _branch(container: Any, el: Any) -> Any:
    """The child of `container` that holds `el`."""
    tree = el.getroottree()
    top = tree.getpath(container)
    while el.getparent() is not None and tree.getpath(el.getparent()) != top:
        el = el.getparent()
    return el


def _lines(el: Any) -> list[str]:
    """Text lines of an element as a browser lays them out: a block element starts and ends a
    line, inline elements (<strong> subheads, <span> captions and editor lines) stay in the
    line, and whitespace from the markup collapses (a newline in the source is not a line
    break; <br> is)."""
    lines: list[str] = []
    buf: list[str] = []
    if not isinstance(el.tag, str):  # a comment or processing instruction: no text shown
        return lines

    def flush() -> None:
        text = _collapse("".join(buf))
        buf.clear()
        lines.extend(t.strip() for t in text.split("\n"))

    def walk(node: Any, pre: bool) -> None:
        block = node.tag in HTML_BLOCKS or node is el
        pre = pre or node.tag == "pre"
        if block:
            flush()
            fields = [] if any(isinstance(c.tag, str) and c.tag in HTML_BLOCKS
                               for c in node.iterdescendants()) else _field_bar(node)
            if fields:
                lines.extend(_collapse(f).strip() for f in fields)
                return
        # outside a <p>, inline elements the source puts on lines of their own are laid out
        # apart by the page's CSS (an info bar's author and time); inside one, they are text
        between = node.tag != "p" and not pre and len(node.text_content()) <= MAX_FIELD_BAR
        buf.append(_keep_breaks(node.text or "", pre))
        for child in node:
            if isinstance(child.tag, str):
                if child.tag == "br":
                    buf.append(_NEWLINE)
                else:
                    walk(child, pre)
            tail = child.tail or ""
            buf.append(_NEWLINE if between and "\n" in tail and not tail.strip()
                       else _keep_breaks(tail, pre))
        if block:
            flush()

    walk(el, False)
    return [line for line in lines if line]


_NEWLINE = "\u2028"  # a break from <br> or <pre>: survives the whitespace collapse
_CJK_WRAP = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef])"
                       r"[ \t\r\f]*\n\s*"
                       r"(?=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef])")
_SPACES = re.compile(r"[ \t\r\n\f]+")


def _keep_breaks(text: str, pre: bool) -> str:
    return text.replace("\n", _NEWLINE) if pre else text


def _collapse(text: str) -> str:
    """Markup whitespace as a browser shows it: a source line break between two Chinese
    characters disappears (CSS Text's segment-break rule), other runs become one space."""
    text = _SPACES.sub(" ", _CJK_WRAP.sub("", text.replace("\u00a0", " ")))
    return text.replace(_NEWLINE, "\n").replace("\n ", "\n").replace(" \n", "\n")


def _field_bar(node: Any) -> list[str]:
    """The fields of an info bar, or [] when the block is ordinary text."""
    children = [c for c in node if isinstance(c.tag, str)]
    if node.tag == "p" or len(children) < 2 or len(node.text_content()) > MAX_FIELD_BAR:
        return []
    loose = (node.text or "") + "".join(c.tail or "" for c in children)
    texts = [c.text_content() for c in children]
    counts = [_ideographs(t) for t in texts]
    # two or more Chinese fields; a lone character is a control (字号 大 中 小), not a field
    if loose.strip() or sum(c >= 2 for c in counts) < 2 or 1 in counts:
        return []
    return texts


def trafilatura_text(markup: str) -> str:
    """The same page through trafilatura (main text, with its metadata title on top)."""
    import trafilatura

    doc = trafilatura.bare_extraction(markup, include_comments=False, include_tables=True,
                                      favor_recall=True, with_metadata=True)
    if doc is None:
        return ""
    fields = doc if isinstance(doc, dict) else {"title": doc.title, "text": doc.text}
    title = TITLE_SUFFIX.split(fields.get("title") or "")[0].strip()
    text = fields.get("text") or ""
    return text if not title or text.startswith(title) else f"{title}\n{text}"


def trafilatura_article(markup: str) -> tuple[str, str]:
    return trafilatura_text(markup), ""


EXTRACTORS = {"lines": html_article, "trafilatura": trafilatura_article}
EXTRACTOR = "lines"  # the one reading uses; the bench swaps it to compare


def decode_html(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """A page's text: the charset it declares (HTTP header, then <meta>), else detection."""
    from bilingual.ingest.reading import decode_bytes

    candidates = [declared] if declared else []
    found = META_CHARSET_RE.search(data[:4096])
    if found:
        candidates.append(found.group(1).decode("ascii"))
    for encoding in candidates:
        try:
            text = data.decode(encoding.lower())
        except (LookupError, UnicodeDecodeError):
            continue
        # a server's default "iso-8859-1" decodes GBK bytes without error, into no Chinese
        if text.isascii() or IDEOGRAPH_RE.search(text):
            return text, encoding.lower()
    return decode_bytes(data, name)


# libxml2 silently drops the characters XML cannot carry (or makes U+FFFD of them), so
# normalisation would never see them and the reader would never be told the text changed: they
# cross the parser as characters of a Supplementary Private Use Area, one the page itself does
# not use (A, else B), and are turned back afterwards, for `clean_text` to remove and report.
_SHELTER_PLANES = (0xF0000, 0x100000)


def _shelter(markup: str) -> tuple[str, int]:
    """The markup with illegal characters sheltered, and the plane used (0: none was free)."""
    if not XML_ILLEGAL_RE.search(markup):
        return markup, 0
    free = [b for b in _SHELTER_PLANES if not re.search(f"[{chr(b)}-{chr(b + 0xFFFF)}]", markup)]
    if not free:
        return markup, 0
    base = free[0]
    return XML_ILLEGAL_RE.sub(lambda m: chr(base + ord(m.group())), markup), base


def _unshelter(text: str, base: int) -> str:
    if not base:
        return text
    return re.sub(f"[{chr(base)}-{chr(base + 0xFFFF)}]", lambda m: chr(ord(m.group()) - base),
                  text)


def read_html_bytes(data: bytes, name: str, declared: str | None = None) -> PageText:
    """The article text of a page's bytes, the encoding it was read in, its headline."""
    markup, encoding = decode_html(data, name, declared)
    try:
        sheltered, base = _shelter(markup)
        text, headline = EXTRACTORS[EXTRACTOR](sheltered)
    except PageTooDeep as exc:
        raise BilingualError("the page's markup cannot be read in full (the parser loses most "
                             "of its text)", name,
                             "paste the article's text into a .txt file") from exc
    text, headline = _unshelter(text, base), _unshelter(headline, base)
    if not text.strip() and _markup_ideographs(markup):
        raise BilingualError("no article text found in the page", name,
                             "save the article's own page, or paste its text into a .txt file")
    return PageText(text, encoding, headline)


class PageText(NamedTuple):
    text: str
    encoding: str
    headline: str = ""
