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
from typing import Any

from bilingual.chars import IDEOGRAPH_RE, XML_ILLEGAL_RE
from bilingual.errors import BilingualError

META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)

# Elements whose text is never article content (a <video>'s text is the "your browser does
# not support" fallback).
HTML_DROP = ("script", "style", "noscript", "nav", "footer", "aside", "form", "iframe", "video",
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
MAX_KICKER_STEPS = 2
MAX_KICKER_LEN = 40
# Inline elements side by side with nothing between them, each with Chinese text, in a short
# block: the fields of an info bar (`<span>来源</span><span>阅读 2860</span>`), one a line.
MAX_FIELD_BAR = 120


def _parse(markup: str) -> Any:
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        return lxml.html.document_fromstring(markup, parser=parser)
    except Exception:  # lxml raises several types for hopeless markup
        return None


def _ideographs(text: str) -> int:
    return len(IDEOGRAPH_RE.findall(text))


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
    root = parse_page(markup)
    if root is None:
        return ""
    for bad in root.xpath("|".join(f"//{tag}" for tag in HTML_DROP)):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    best = _best_block(root)
    if best is None:
        return "\n".join(_lines(root))
    anchor = _headline(root)
    lines: list[str] = []
    if anchor is None:
        title = _page_title(root)
        if title:
            lines.append(title)
        container, start = best.getparent() if best.getparent() is not None else best, best
    else:
        container = _common_ancestor(anchor, best)
        start = _with_kicker(_branch(container, anchor))
    tree = root.getroottree()
    first = tree.getpath(start)
    started = False
    for child in container:
        started = started or tree.getpath(child) == first
        if started:
            lines.extend(_lines(child))
    return "\n".join(lines)


def _best_block(root: Any) -> Any:
    """The element holding the most paragraph text; a paragraph counts fully for its parent
    and half for the grandparent, so that pages wrapping each <p> in its own <section>
    (WeChat) still pick the article."""
    score: dict[Any, float] = defaultdict(float)
    for p in root.iter("p"):
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


def _headline(root: Any) -> Any:
    """The page's headline element: its <h1>, else an element whose class/id says title."""
    for h1 in root.iter("h1"):
        # a site's logo is often an <h1> too: short, or says so in its class
        hint = f"{h1.get('class', '')} {h1.get('id', '')}".lower()
        if _ideographs(h1.text_content()) >= MIN_HEADLINE and "logo" not in hint:
            return h1
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("title", "head", "meta"):
            continue
        hint = f"{el.get('class', '')} {el.get('id', '')}"
        text = el.text_content().strip()
        if TITLE_HINT.search(hint) and _ideographs(text) >= MIN_HEADLINE \
                and len(text) <= MAX_TITLE_HINT:
            return el
    return None


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
    """Text lines of an element: its innermost blocks, and the loose text of outer ones."""
    lines: list[str] = []
    for node in el.iter():
        if not isinstance(node.tag, str) or (node.tag not in HTML_BLOCKS and node is not el):
            continue
        if any(isinstance(c.tag, str) and c.tag in HTML_BLOCKS for c in node.iterdescendants()):
            own = [node.text or ""] + [c.tail or "" for c in node if c.tag in HTML_BLOCKS]
            lines.extend(t.strip() for t in "\n".join(own).split("\n"))
            continue
        fields = _field_bar(node)
        for text in fields if fields else [node.text_content()]:
            lines.extend(t.strip() for t in text.split("\n"))
    return [line for line in lines if line]


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


EXTRACTORS = {"lines": html_to_text, "trafilatura": trafilatura_text}
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


# libxml2 silently drops the characters XML cannot carry, so normalisation would never see
# them and the reader would never be told the text changed: they cross the parser as
# characters of Supplementary Private Use Area-A (which news pages do not use) and are
# turned back afterwards, for `clean_text` to remove and report like any other input.
_SHELTER = 0xF0000
_SHELTERED_RE = re.compile("[\U000F0000-\U000FFFFF]")


def _shelter(markup: str) -> str:
    return XML_ILLEGAL_RE.sub(lambda m: chr(_SHELTER + ord(m.group())), markup)


def _unshelter(text: str) -> str:
    return _SHELTERED_RE.sub(lambda m: chr(ord(m.group()) - _SHELTER), text)


def read_html_bytes(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """The article text of a page's bytes, and the encoding it was read in."""
    markup, encoding = decode_html(data, name, declared)
    try:
        text = _unshelter(EXTRACTORS[EXTRACTOR](_shelter(markup)))
    except PageTooDeep as exc:
        raise BilingualError("the page's markup is too deeply nested to read in full", name,
                             "paste the article's text into a .txt file") from exc
    if not text.strip() and _markup_ideographs(markup):
        raise BilingualError("no article text found in the page", name,
                             "save the article's own page, or paste its text into a .txt file")
    return text, encoding
