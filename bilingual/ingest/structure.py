"""Recognise the parts of a news article: title, meta lines, byline, headings, body, chrome.

Two kinds of knowledge, both data: `LINE_RULES` say what a line looks like on its own
(a `来源:` line, a `责任编辑:` line, a `——` subtitle); `classify` adds what position tells
(the line before the date is the title, everything after the editor line is site chrome).
Lines are classified on their normalised Simplified form, so Traditional input works alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bilingual.chars import IDEOGRAPHS as CJK

NAME = rf"[{CJK}·]{{2,5}}"
SENTENCE_END = "。！？!?…；;：:，,、"
CLOSERS = "”’」』）)》\"'"

MAX_TITLE = 64  # characters; longer first lines are body text, not a title
MAX_HEADING = 40


@dataclass(frozen=True)
class LineRule:
    kind: str
    pattern: re.Pattern[str]
    note: str = ""


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# What a line is by its own look. First match wins.
LINE_RULES: tuple[LineRule, ...] = (
    LineRule("editor", _r(r"^[\[【（(]?\s*(?:责任编辑|责编|编辑|值班编辑|审核|审校|校对|监制|签发)"
                          r"\s*[:：]\s*(?P<editor>[^\]】）)]+?)\s*[\]】）)]?$"),
             "责任编辑:孔德明, 【编辑：王某】"),
    LineRule("byline", _r(rf"^(?:本报|本台|新华社|人民日报|央视)?(?:特约|见习)?(?:记者|通讯员)"
                          rf"(?:\s*{NAME})(?:\s*[、，,\s]\s*(?:通讯员\s*)?{NAME})*$"),
             "记者 尚丽娟, 本报记者 王明 通讯员 李华"),
    LineRule("byline", _r(rf"^(?:文|图|文/图|文／图|作者|撰稿|摄影)\s*[/／:：|丨]\s*{NAME}"
                          rf"(?:\s*[、，,\s]\s*{NAME})*$"),
             "文/王明, 作者：李华"),
    LineRule("subtitle", _r(r"^(?:——|—|－－|--|─)\s*\S"), "——看我市各级党组织如何..."),
    LineRule("boilerplate", _r(
        r"(?:热门推荐|相关新闻|相关阅读|相关链接|延伸阅读|推荐阅读|分享到|扫一扫|扫描二维码|"
        r"版权所有|版权声明|Copyright|©|ICP备|ICP证|网安备|返回顶部|返回首页|打印本页|关闭窗口|"
        r"字体[:：]|字号[:：]|点击排行|网站地图|联系我们|上一篇|下一篇|当前位置|您的位置|"
        r"^首页\s*[>＞]|主办$|承办$|未经授权.*转载|违法和不良信息举报)", ), "site chrome"),
)

# Fields of a meta line. A line is meta when these patterns consume all of it but separators.
META_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("date", _r(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?")),
    ("time", _r(r"(?P<h>\d{1,2})[:：](?P<mi>\d{2})(?:[:：](?P<s>\d{2}))?")),
    ("source", _r(r"(?:来源|稿源|出处|信息来源|转自)\s*[:：]\s*"
                  r"(?P<v>[^\s|丨｜]+(?:\s[^\s|丨｜:：]+)*?)"
                  r"(?=\s*(?:[|丨｜]|\s(?:作者|编辑|发布|浏览|点击|时间)|$))")),
    ("author", _r(r"(?:作者|撰稿)\s*[:：]\s*(?P<v>[^\s|丨｜]+)")),
    ("views", _r(r"(?:浏览|阅读|点击)(?:次数|量)?\s*[:：]\s*(?P<v>\d+)")),
    ("label", _r(r"(?:发布时间|发布日期|发表时间|时间|日期)\s*[:：]")),
)
META_SEPARATORS = re.compile(r"^[\s|丨｜/／·•,，]*$")

# An agency dateline opening the first paragraph: "新华社北京2月1日电（记者 王明）".
DATELINE = _r(
    rf"^(?P<agency>新华社|中新社|本报|人民网|新华网|央视网|中新网|本台)(?P<place>[{CJK}]{{0,8}}?)"
    rf"(?P<date>\d{{1,2}}月\d{{1,2}}日)?(?:电|讯)\s*(?:[（(](?P<reporters>[^）)]{{1,40}})[）)])?"
)
NUMERAL = "一二三四五六七八九十"
NUMBERED_HEADING = _r(rf"^(?:[{NUMERAL}]+、|[（(][{NUMERAL}]+[）)]|第[{NUMERAL}]+[部章节条])")


@dataclass
class Block:
    """One paragraph (input line) with its kind; text is the original, outer spaces stripped."""

    kind: str
    text: str
    line: int
    meta: dict[str, str] = field(default_factory=dict)


def parse_meta(line: str) -> dict[str, str] | None:
    """Fields of a date / source line, or None if the line is not purely meta."""
    rest = line
    fields: dict[str, str] = {}
    for name, pattern in META_FIELDS:
        m = pattern.search(rest)
        if not m:
            continue
        if name == "date":
            fields["date"] = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
        elif name == "time":
            fields["time"] = f"{int(m['h']):02d}:{m['mi']}" + (f":{m['s']}" if m["s"] else "")
        elif name != "label":
            fields[name] = m["v"].strip()
        rest = rest[: m.start()] + " " + rest[m.end():]
    if not fields or not META_SEPARATORS.match(rest):
        return None
    if set(fields) == {"time"}:
        return None  # a lone "3:00" is not a date line
    return fields


def line_kind(line: str) -> tuple[str | None, dict[str, str]]:
    """The kind a line has by its own look, with parsed fields; (None, {}) if it has none."""
    meta = parse_meta(line)
    if meta is not None:
        return "meta", meta
    for rule in LINE_RULES:
        m = rule.pattern.search(line)
        if m:
            return rule.kind, {k: v for k, v in m.groupdict().items() if v}
    return None, {}


def ends_like_sentence(line: str) -> bool:
    stripped = line.rstrip(CLOSERS + " ")
    return bool(stripped) and stripped[-1] in SENTENCE_END


def is_heading_like(line: str) -> bool:
    if NUMBERED_HEADING.match(line) and len(line) <= MAX_HEADING:
        return True
    return len(line) <= MAX_HEADING and not ends_like_sentence(line)


Kinds = list[str | None]


def _title_and_meta(lines: list[tuple[int, str, str]], kinds: Kinds) -> int:
    """Mark the title (and any site banner above it); returns where the header run starts."""
    first_meta = next((i for i, k in enumerate(kinds) if k == "meta"), None)
    if first_meta is not None and first_meta > 8:
        first_meta = None  # a date deep inside the text is not the article's date line
    title_at = None
    if first_meta is not None:
        candidates = [i for i in range(first_meta) if kinds[i] is None
                      and len(lines[i][2]) <= MAX_TITLE]
        title_at = candidates[-1] if candidates else None
    elif len(lines) > 1 and kinds[0] is None and len(lines[0][2]) <= MAX_TITLE \
            and not ends_like_sentence(lines[0][2]):
        title_at = 0
    if title_at is not None:
        kinds[title_at] = "title"
        for i in range(title_at):
            if kinds[i] is None:
                kinds[i] = "boilerplate"  # a site banner above the title
    return max([i for i in (title_at, first_meta) if i is not None], default=-1) + 1


def _header_run(lines: list[tuple[int, str, str]], kinds: Kinds, start: int,
                has_title: bool) -> int:
    """Between the title/meta and the body: more titles, subtitles, bylines; returns where
    the body starts."""
    i = start
    while i < len(lines) and kinds[i] in (None, "meta", "byline", "subtitle", "boilerplate"):
        if kinds[i] is None:
            nxt = kinds[i + 1] if i + 1 < len(lines) else None
            if nxt == "subtitle" and len(lines[i][2]) <= MAX_TITLE:
                kinds[i] = "title"  # the print headline above its "——" subtitle
            elif not has_title and i == 0 and is_heading_like(lines[i][2]):
                kinds[i] = "title"
            else:
                break
        i += 1
    return i


def _body(lines: list[tuple[int, str, str]], kinds: Kinds, body_start: int) -> None:
    """Body and headings up to the editor line; site chrome after it."""
    n = len(lines)
    editor_at = next((j for j in range(body_start, n) if kinds[j] == "editor"), None)
    for j in range(body_start, n):
        if editor_at is not None and j > editor_at:
            kinds[j] = "boilerplate"  # trailing site chrome
        elif kinds[j] is None or (kinds[j] == "subtitle" and j > body_start):
            kinds[j] = "heading" if is_heading_like(lines[j][2]) else "body"
        elif kinds[j] in ("meta", "byline") and j > body_start + 2:
            # a date or name line deep in the text is part of the story, not the header
            kinds[j] = "heading" if is_heading_like(lines[j][2]) else "body"
    # A heading that nothing follows is chrome ("热门推荐" without an editor line, say).
    for j in range(n - 1, body_start - 1, -1):
        if kinds[j] == "heading":
            kinds[j] = "boilerplate"
        elif kinds[j] != "boilerplate":
            break


def classify(lines: list[tuple[int, str, str]]) -> list[Block]:
    """Kinds for the non-empty lines of an article.

    `lines` holds (line number, original text, normalised Simplified text).
    """
    looks = [line_kind(simp) for _, _, simp in lines]
    kinds: Kinds = [k for k, _ in looks]
    start = _title_and_meta(lines, kinds)
    body_start = _header_run(lines, kinds, start, "title" in kinds)
    _body(lines, kinds, body_start)
    blocks = []
    for (number, original, simp), kind, (_, fields) in zip(lines, kinds, looks, strict=True):
        assert kind is not None
        meta = fields if kind in ("meta", "editor", "byline") else {}
        if kind == "byline":
            meta = {"byline": simp}
        blocks.append(Block(kind, original, number, dict(meta)))
    _mark_dateline(blocks, lines)
    return blocks


def _mark_dateline(blocks: list[Block], lines: list[tuple[int, str, str]]) -> None:
    for block, (_, _, simp) in zip(blocks, lines, strict=True):
        if block.kind == "body":
            m = DATELINE.match(simp)
            if m:
                block.meta = {"dateline": m.group(0)} | {
                    k: v.strip() for k, v in m.groupdict().items() if v
                }
            return
