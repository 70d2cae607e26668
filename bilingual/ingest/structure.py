"""Recognise the parts of a news article: title, meta lines, byline, captions, body, chrome.

Two kinds of knowledge, both data: `LINE_RULES` say what a line looks like on its own
(a `来源:` line, a `责任编辑:` line, a photo caption, a share bar), each with the examples it
must claim (tested one by one); `META_FIELDS` say which fields a meta line is made of.
`classify` adds what position tells: the title is the last short line before the first
meta/byline/subtitle line of the header (unless that is a mere label under a longer headline),
a short line right above the title is its kicker, the lines above a date at the end of a notice
are its signature, and whatever follows the article's end (the closing editor line, or the head
of a comment thread or link list, in the article's last part) is site chrome. Lines are classified on their normalised Simplified form,
so Traditional input works alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bilingual.chars import IDEOGRAPHS as CJK

KINDS = ("title", "subtitle", "meta", "byline", "heading", "body", "caption", "editor",
         "boilerplate")

NAME = rf"[{CJK}·]{{2,5}}"
SENTENCE_END = "。！？!?…；;：:，,、"
# A line ending in one of these is running text, never a title, heading or chrome label.
BODY_END = "。；;：:，,、"
CLOSERS = "”’」』）)》\"'"

MAX_TITLE = 64  # characters; longer first lines are body text, not a title
MAX_HEADING = 40
MAX_KICKER = 32  # a kicker (引题) above the title is a short phrase
MAX_SIGNATURE = 30  # an issuing body signing a notice
MAX_LABEL = 6  # an author badge, a column name: a headline is hardly ever this short
MIN_HEADLINE = 8
MAX_META = 120  # the longest meta line seen is about 60 characters
MAX_RULED = 240  # the longest line any rule claims (a long photo caption)


@dataclass(frozen=True)
class LineRule:
    """One look of a line. `max_len` keeps a chrome rule off sentences of running text that
    merely contain its phrase (…请及时联系我们社区卫生服务中心…); `original` matches the line
    as written, where spacing carries the meaning (a print byline `王　某`)."""

    kind: str
    pattern: re.Pattern[str]
    examples: tuple[str, ...]
    max_len: int = 0  # 0: any length
    original: bool = False
    ends: str = ""  # if set, the rule is tried only on lines ending in one of these (speed)


# What a name ends with: a rule ending in a name is tried only on lines ending in an ideograph.
CJK_LAST = "\u3400-\u9fff"


def _r(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _ri(pattern: str) -> re.Pattern[str]:
    """Case-insensitive, for the Latin words of page chrome (Copyright, Cookie, .JPG); only
    where needed, since folding case over the ideograph ranges makes compiling slow."""
    return re.compile(pattern, re.IGNORECASE)


_EDITOR_LABEL = r"(?:责任编辑|责编|本版编辑|值班编辑|编辑|美编|审核|审校|校对|监制|签发|初审|复审|终审|编审|统筹)"
_EDITOR_VALUE = r"[^\]】）)\s:：丨|｜]{1,20}"
_EDITOR_PAIR = rf"{_EDITOR_LABEL}\s*[:：丨|｜]\s*{_EDITOR_VALUE}"
_REPORTER = r"(?:本报|本台|本网|本刊|新华社|人民日报|央视|中央社)?(?:特约|见习)?(?:记者|通讯员)"
_CREDIT_END = (r"(?:[（(][^（）()]{0,40}(?:摄|摄影|提供|供图|照片|图片|截图|截屏)\s*[）)]|(?:视频|报道|网页)截图|[（(](?:视觉中国|东方IC|CFP|IC photo)[）)]"
               rf"|(?:[\s。！？）)]|记者|通讯员){NAME}\s*[/／]?\s*(?:摄|摄影)|^{NAME}\s+(?:摄|摄影)"
               r"|资料图片?|新华社发)$")

# What a line is by its own look. First match wins; meta lines (META_FIELDS) are tried before.
LINE_RULES: tuple[LineRule, ...] = (
    LineRule("editor", _r(rf"^[\[【（(]?\s*(?P<pair>{_EDITOR_PAIR})(?:\s*[、，,]?\s*{_EDITOR_PAIR})*"
                          r"\s*[\]】）)]?\s*\d*$"),
             ("责任编辑:孔德明", "【编辑：王某】", "编辑丨王某", "终审：陈建国",
              "本版编辑：马某　美编：李某", "（编辑：王某　审核：刘某某）", "（編輯：林淑媛）1120215",
              "(责编：赵蕾、张娜)")),
    # The label alone, its name left empty by the site (`责任编辑：`): still the closing line.
    LineRule("editor", _r(r"^[\[【（(]?\s*(?:责任编辑|责编)\s*[:：]?\s*[\]】）)]?$"), ("责任编辑：", "【责任编辑】")),
    LineRule("byline", _r(rf"^(?:(?:文|图|文/图|文／图|图/文|作者|撰稿|撰文|文字|图片)\s*[/／:：|丨]\s*"
                          rf"{NAME}\s*)+$"),
             ("文/王明", "作者：李华", "文字：新华社区　图片：新华社区")),
    # captions before bylines: "（记者 孙某某 摄）" is a photo credit, not the article's byline
    LineRule("caption", _r(r"^[▲△▼]\s*\S"), ("▲民警向群众讲解交通安全知识",)),
    LineRule("caption", _r(r"^(?:图为|图：|图:|图/|图／|上图|下图|左图|右图)\s*\S|^[（(]?(?:图片来源|图源)\s*[:：]"),
             ("图为街道机关党支部党员重温入党誓词。", "图：志愿者帮助村民晾晒小麦。", "（图片来源：某某网）")),
    LineRule("caption", _r(_CREDIT_END), ends="摄影供片图发屏）)",
             examples=
             ("（记者 孙某某 摄）", "▲长辈们在据点一起用餐、聊天。（记者林某某摄）",
              "某某市机关党员干部在红色教育基地重温入党誓词。何伟摄",
              "■社署表示，服务券名额将增至10000张。资料图片",
              "衛生福利部宣布擴大長照服務。（中央社檔案照片）", "花蓮縣政府今天舉行平板捐贈儀式。記者黃某某／攝影",
              "某某公园里晨练的市民（视频截图）", "某某电视台报道截图",
              "2019年10月15日，某某公园里晨练的老年人。（视觉中国）")),
    LineRule("caption", _r(rf"(?:^|\s)(?:制图|绘图|摄影|图表|图片)\s*[:：/／]\s*{NAME}(?:\s+{NAME})*$"),
             ends=CJK_LAST, examples=
             ("全省小麦机收进度示意图　制图：王某", "摄影：刘某　黄某")),
    LineRule("byline", _r(rf"^[（(]?{_REPORTER}\s*[:：]?\s*{NAME}(?:\s*[、，,\s]\s*(?:{_REPORTER}\s*"
                          rf"[:：]?\s*)?{NAME})*(?:\s*报[道导])?[）)]?$"),
             ("记者 尚丽娟", "本报记者 王明 通讯员 李华", "（本报记者 吴某某 通讯员 郑某）",
              "记者：刘畅　通讯员：马宁", "本网记者 孙莉 通讯员 郭浩", "記者 李嘉欣 報道")),
    # A reporter and the paper they write for, as reprinting sites credit them: `王某/某某日报`.
    LineRule("byline", _r(rf"^{NAME}\s*[/／]\s*[{CJK}]{{2,10}}(?:报|网|社|台|新闻|杂志|周刊|客户端)$"),
             ("王某/某某青年报", "李某某／某某新闻网")),
    LineRule("byline", _r(rf"^(?:本报|中央社)?记者\s*{NAME}?\s*[/／]\s*[{CJK}]{{2,8}}报[导道]$"
                          rf"|^(?:本报|本网)?综合报[导道]$"),
             ("記者林某某／高雄報導", "記者黃某某／花蓮即時報導", "綜合報導")),
    LineRule("byline", _r(r"^[（(]\s*作者\s*(?:为|系|是|[:：])[^（）()]{2,60}[）)]$"),
             ("（作者为某某省委党校教授）", "（作者：李某某，系某某大学马克思主义学院副教授）")),
    LineRule("byline", _r(rf"^[（(](?:[{CJK}]{{2,12}}\s+{NAME}|[{CJK}]{{2,16}}(?:供稿|供图|来稿))[）)]$"),
             ("（区委宣传部 王某某）", "（某某街道党工委供稿）")),
    LineRule("byline", _r(rf"^[{CJK}]{{0,8}}?(?:特约|见习)?(?:评论员|记者)$"), ("本报评论员", "明報記者")),
    LineRule("byline", _r(rf"^[{CJK}][ \u3000]+[{CJK}]{{1,2}}$|^[{CJK}]{{2}}[ \u3000]+[{CJK}]$"),
             ("王　某", "刘　某"), original=True),
    LineRule("subtitle", _r(r"^(?:——|—|－－|--|─)\s*\S"), ("——看我市各级党组织如何...",)),
    LineRule("subtitle", _r(r"^[（(]?第?\s*[\d一二三四五六七八九十百零〇]+(?:/\d+)?\s*号(?:通告|公告|令)?[）)]?$"
                            rf"|^[{CJK}]{{1,10}}[〔\[［（(]\d{{4}}[〕\]］）)]\d+号$"),
             ("（第12号）", "第004/2022號通告", "某政办〔2022〕12号")),
    # Chrome that says so whatever its length: copyright, cookies, players, leaving the site.
    LineRule("boilerplate", _ri(
        r"版权所有|版权声明|Copyright|©|ICP备|ICP证|公网安备|网安备|网站标识码|技术支持\s*[:：]|"
        r"未经(?:书面)?(?:授权|许可).{0,20}(?:转载|使用)|非经授权|禁止转载|不得转载|Cookie|隐私权?政策|"
        r"浏览器不支持|does not support|即将离开|违法和不良信息举报|主办单位\s*[:：]|主办\s*[:：]|"
        # a self-media platform's disclaimer under every post, a comment box's, licence numbers
        r"仅提供信息存储服务|^(?:特别|免责)声明\s*[:：]|仅供其表达个人看法|许可证(?:编号|号)?\s*[:：]|备案号\s*[:：]"),
        ("本網站使用Cookie以提供您更好的服務。繼續使用即表示您同意我們的隱私權政策。",
         "您的浏览器不支持 video 标签。", "Your browser does not support the video tag.",
         "本網站之文字、圖片及影音，非經授權，不得轉載、公開播送或公開傳輸及利用。",
         "您访问的链接即将离开“某某省人民政府门户网站” 是否继续？",
         "特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台用户上传并发布，本平台仅提供信息存储服务。",
         "互联网新闻信息服务许可证：10120000000"),
        max_len=90),
    LineRule("boilerplate", _r(rf"[{CJK}]{{2,20}}主办$|承办$"), ("中共中央宣传部委托新华通讯社主办",),
             max_len=40, ends="办"),
    # Page furniture of print editions and e-papers.
    LineRule("boilerplate", _r(
        r"^第?\s*[A-Za-z]?\d{1,3}\s*版\s*[:：]|^[A-Z]\d{1,2}\s*[:：]\s*\S{2,8}$|总第\d+期|"
        r"^[（(]?\s*(?:上接|下转|转|接)\s*(?:第?[一二三四五六七八九十\dA-Z]+版)\s*[）)]?$|"
        rf"^[{CJK}]{{2,8}}报\s*\d{{4}}年\d{{1,2}}月\d{{1,2}}日\s*星期.$|(?:数字报|电子报|数字版)$|"
        r"^[（(]?完[）)]?$|^上一版|^下一版"),
        ("第04版：要闻　总第27123期", "A2：评论", "（下转第五版）", "（上接A1版）",
         "人民日报 2022年06月10日 星期五", "某某日报数字报", "（完）", "完", "上一版　下一版"),
        max_len=40),
    # Navigation, share bars, reader tools: only a short line that is mostly the phrase.
    LineRule("boilerplate", _ri(
        r"分享到|分享至|分享给|^分享\s*[:：]?$|^分享\s*[:：]|参与互动|我要评论|发表评论|网友评论|扫一扫|扫描二维码|扫码关注|返回顶部|返回首页|打印|列印|关闭窗口|【关闭】|"
        r"字体|字号|字级|点击排行|网站地图|联系我们|上一篇|下一篇|当前位置|您的位置|所在的位置|"
        r"热门推荐|相关新闻|相关阅读|相关链接|相关稿件|相关报道|延伸阅读|推荐阅读|相关推荐|热点推荐|精彩推荐|为你推荐|"
        r"猜你喜欢|热门文章|最新文章|语音播报|语音播放|纠错】|^纠错$|"
        r"回上一页|继续往下阅读|关注我们|视频加载中|点击播放|查看大图|查看原图|收录于合集|阅读原文|下载.{0,12}(?:客户端|APP)|让更多人看到|^广告$|我知道了|"
        r"^首页\s*[>＞]|门户网站|全球资讯网|www\.|^\S+\.(?:jpe?g|png|gif|webp|bmp)$"),
        ("热门推荐", "分享到：微信 微博", "语音播报", "小字号", "字級", "列印", "【纠错】",
         "請繼續往下閱讀...", "分享給朋友：", "分享給朋友：FacebookLineX複製連結", "W020210608345678_600.jpg",
         "臺中市政府全球資訊網", "收录于合集 #五星支部创建 12个", "广告", "分享", "参与互动"),
        max_len=24),
    # Page controls, whole lines: font size (超大 大 标准 小), share targets, reader buttons,
    # counters (1032人参与, 308评论, 赞38回复), and the shapes of a comment thread (a
    # commenter's [某某网友] tag, 今天20:58, 6天前, 1楼, +1顶71). None of them is ever a
    # heading or a paragraph of an article.
    LineRule("boilerplate", _ri(
        r"^[|｜\s]*(?:超大|特大|大|中|小|标准|默认|大字|小字|QQ空间|QQ好友|Qzone|新浪微博|腾讯微博|微信|微博|"
        r"微信好友|朋友圈|豆瓣|人人网|转寄朋友|转发|收藏|点赞|举报|回复|跟贴|跟帖|刷新|登录|注册|退出|表情|"
        r"加载更多|加载中|点击加载更多|我要反馈|评论|关注|\+\s*关注|微信号|功能介绍|腾讯QQ|申请入驻)$|"
        r"^(?:[|｜\s]*\d+\s*(?:人参与|条评论|条跟贴|评论|人评论|人阅读|次阅读|阅读|人点赞|赞|次播放|人收藏|篇文章|人关注))+$|"
        r"^[|｜]?\+1\s*[顶踩赞]?\d*$|^赞\s*\d*\s*回复$|^\d+楼$|^(?:今天|昨天|前天)\s*\d{1,2}:\d{2}$|"
        r"^\d+\s*(?:秒|分钟|小时|天|周|个月)前$|^[\[【(（]?[^\s\[\]【】()（）]{0,12}网友[\]】)）]$|"
        rf"^关注[{CJK}]{{2,8}}(?:网|微信|微博|公众号)$"),
        ("超大", "标准", "小", "QQ空间", "新浪微博", "|退出", "1032人参与", "308评论", "6条评论|106人参与",
         "赞38回复", "+1顶71", "|+1踩0", "今天20:58", "6天前", "2楼", "[某某上海网友]", "关注某某网",
         "功能介绍"),
        max_len=24),
    # Heads of the link lists, comment threads and app promotions that follow an article.
    LineRule("boilerplate", _ri(
        r"^(?:作者最新文章|相关文章|精彩视频推荐|热新闻|热话题|热帖|热点新闻|最热新闻|地方频道|友情链接|"
        r"阅读排行|评论排行|热点排行|图片新闻|视频新闻|精彩图集|热门评论|最热评论|最新评论|热评论|新评论|热评|"
        r"网友跟贴|我要跟[帖贴]|查看全部\d*条评论|目前没有.{0,6}跟[帖贴]|评论[（(]\d+[）)])|"
        r"客户端下载$|APP下载$|^手机[{CJK}]{1,4}网$|^点击进入|(?:>>|＞＞|»|>|＞)$".replace("{CJK}", CJK)),
        ("作者最新文章", "精彩视频推荐", "友情链接", "最新评论", "评论（191）", "某某日报客户端下载",
         "某某新闻APP下载", "手机某某网", "点击进入“某某专题”>>", "查看全部6条评论 >", "地方频道"),
        max_len=30),
    LineRule("boilerplate", _r(r"^(?:上一篇|下一篇|上一条|下一条)\s*[:：]"),
             ("上一篇：县农业农村局开展农产品质量安全专项检查",), max_len=64),
    # Breadcrumbs and menus: short items joined by > or spaced | /, or a row of menu words.
    LineRule("boilerplate", _r(
        r"^(?:[^\s>＞»›]{0,12}\s*(?:>>|>|＞|»|›)\s*)+[^\s>＞»›]{1,12}$|^\S{2,12}\s+正文$|"
        r"^(?:[^\s/／|｜]{1,12}\s+[/／|｜]\s+)+[^\s/／|｜]{1,12}$|^(?:[^\s|｜]{1,8}[|｜]){2,}[^\s|｜]{1,8}$|"
        rf"^(?:[{CJK}]{{2,6}}\s+){{3,}}[{CJK}]{{2,6}}$|^(?:【[^】]{{1,8}}】\s*)+$|^[^\w{CJK}]{{3,}}$"),
        ("首頁 / 政治", "香港 > 要聞", "自由時報 › 地方", "人民网 >> 地方 >> 河南频道", "某某网 >  > 正文", "> 某某频道", "某某网  正文", "某某市委组织部 | 组工动态",
         "人民网首页|频道首页|网站地图", "网站首页 政务公开 政务服务 政民互动 走进某某", "【我要纠错】 【打印本页】",
         "＊＊＊＊＊＊＊＊"),
        max_len=60),
    # Kana never occur in Chinese news text: a Japanese line is the site's own furniture.
    LineRule("boilerplate", _r(r"[\u3040-\u30ff]{2}"), ("ホームページに戻る",), max_len=60),
    # A line with no Chinese at all is page furniture (Facebook, Line, an English banner).
    LineRule("boilerplate", _r(rf"^[^{CJK}]+$"), ("Facebook", "LINE")),
)

_VIEWS = r"(?:浏览|阅读|点击|点阅|访问)(?:次数|人次|数|量)?"
# Fields of a meta line, in the order they are taken out of it. A line is meta when these
# consume all of it but separators (and at most two leading words: the account or outlet
# name of `某某组工 2022-11-20 20:15 发表于河南`, `某某县融媒体中心　2023-06-12 11:26`).
META_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("updated", _r(r"[（(]\s*(?P<m>\d{1,2})/(?P<d>\d{1,2})\s+(?P<h>\d{1,2}):(?P<mi>\d{2})\s*更新\s*[）)]")),
    ("date", _r(r"(?P<y>\d{4})(?:\s*[-/.年]\s*|\s+)(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?")),
    ("weekday", _r(r"[（(]?(?:星期|礼拜)[一二三四五六日天][）)]?")),
    ("time", _r(r"(?P<zone>(?:香港|北京|台北|澳门)?时间)?\s*(?P<h>\d{1,2})(?:[:：]|时)(?P<mi>\d{2})"
                r"(?:[:：](?P<s>\d{2})|分)?")),
    ("source", _r(r"(?:(?:信息|文章|稿件|新闻|本文)?来源(?:单位)?|稿源|出处|转自|发布单位|发布机构)\s*[:：丨|｜]\s*"
                  r"(?P<v>[^\s|丨｜:：【】\[\]]+(?:\s[^\s|丨｜:：【】\[\]]+)*?)"
                  r"(?=\s*(?:[|丨｜】\]]|\s(?:作者|编辑|责任编辑|发布|浏览|阅读|点击|点阅|访问|时间|日期)|$))")),
    ("original_title", _r(r"原标题\s*[:：]\s*(?P<v>[^（）()]+)")),
    ("publication", _r(r"《\s*(?P<v>[^《》]{2,12}?)\s*》")),
    ("page", _r(r"(?P<v>\d{1,3})\s*版")),
    ("author", _r(r"(?:作者|撰稿)\s*[:：]\s*(?P<v>[^\s|丨｜:：]+)(?=\s|$|[|丨｜])")),
    ("editor", _r(r"(?:责任编辑|编辑)\s*[:：]\s*(?P<v>[^\s|丨｜:：]+)(?=\s|$|[|丨｜])")),
    ("views", _r(rf"{_VIEWS}\s*[:：]?\s*(?P<v>\d+)")),
    ("location", _r(rf"发表于\s*(?P<v>[{CJK}]{{2,4}})")),
    ("label", _r(r"(?:发布时间|发布日期|发表时间|发表日期|刊发日期|刊发时间|更新时间|更新日期|发稿时间|"
                 r"时间|日期)\s*[:：]")),
    # a field the site left empty: `作者：`, `阅读次数：`
    ("label", _r(rf"(?:作者|撰稿|来源|{_VIEWS})\s*[:：]?(?=\s|$|[|丨｜])")),
    ("label", _r(r"^原创$")),
)
_CLAUSE = re.compile(r"[。！？；，]")
# Every meta line holds a digit or one of these labels; others skip the field patterns (speed).
_META_HINT = re.compile(r"\d|来源|稿源|出处|转自|发布|作者|撰稿|原创|原标题|编辑|浏览|阅读|点击|点阅|访问|日期|时间")
META_SEPARATORS = re.compile(r"^[\s|丨｜/／·•,，（）()【】\[\]]*$")
_LEAD_WORDS = re.compile(rf"^\s*((?:[{CJK}·]{{2,12}}\s+){{1,2}})")

# An agency dateline opening the first paragraph: "新华社北京2月1日电（记者 王明）".
DATELINE = _r(
    rf"^(?P<agency>新华社|中新社|本报|人民网|新华网|央视网|中新网|本台)(?P<place>[{CJK}]{{0,8}}?)"
    rf"(?P<date>\d{{1,2}}月\d{{1,2}}日)?(?:电|讯)\s*(?:[（(](?P<reporters>[^）)]{{1,40}})[）)])?"
)
NUMERAL = "一二三四五六七八九十"
NUMBERED_HEADING = _r(rf"^(?:[{NUMERAL}]+、|[（(][{NUMERAL}]+[）)]|第[{NUMERAL}]+[部章节条])")
# `咨询电话：0396-7123456`: a label and its value is a line of content, not a heading
LABEL_VALUE = _r(r"[:：]\s*\S")
TRAILING_NOTE = _r(r"[（(][^（）()]*[）)]$")
# The labels of a WeChat account's profile card: the line after each is its value (the
# account's id, its blurb), not the article's headline.
PROFILE_LABELS = ("微信号", "功能介绍")
# A field the meta rules could not read (`发布时间：10-08`): never a headline.
FIELD_LABEL = _r(r"^[^:：]{0,6}(?:时间|日期|来源|作者|编辑)\s*[:：]")
# A site's or outlet's name above the headline is its banner, not a kicker.
OUTLET = _r(r"^\S{2,16}(?:网|网站|政府|日报|晚报|报社|频道|客户端|融媒体中心|新闻中心|电视台|发布)$")
# The header of a list of links to other stories: the short lines under it are chrome too.
RELATED = _r(r"^(?:相关新闻|相关阅读|相关链接|相关稿件|相关报道|延伸阅读|推荐阅读|热门推荐|猜你喜欢|"
             r"相关推荐|热点推荐|精彩推荐|为你推荐|热门文章|最新文章|作者最新文章|相关文章|精彩视频推荐)")

# The head of what follows an article: a comment thread, lists of other stories, app promotions.
END_SECTION = _r(RELATED.pattern + r"|^(?:作者最新文章|相关文章|精彩视频推荐|热新闻|热话题|热帖|热点新闻|"
                 r"最热新闻|地方频道|友情链接|阅读排行|评论排行|热点排行|精彩图集|热门评论|最热评论|"
                 r"最新评论|热评论|新评论|网友评论|网友跟贴|跟贴|跟帖|我要跟[帖贴]|我要评论|发表评论|"
                 r"评论[（(]\d+[）)])")
# How much running text may follow the end, as a share of the running text before it. An
# editor line closes the article by itself; a list's head may also be a box inside the
# article, so less may follow it.
END_SHARE = {"editor": 1.0, "section": 0.5}


@dataclass(slots=True)  # an article of many short lines holds hundreds of thousands
class Block:
    """One paragraph (input line) with its kind; text is the original, outer spaces stripped."""

    kind: str
    text: str
    line: int
    meta: dict[str, str] = field(default_factory=dict)


def _field_value(name: str, m: re.Match[str]) -> str | None:
    if name == "date":
        return f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
    if name == "time":
        return f"{int(m['h']):02d}:{m['mi']}" + (f":{m['s']}" if m["s"] else "")
    if name == "updated":
        return f"{int(m['m']):02d}-{int(m['d']):02d} {int(m['h']):02d}:{m['mi']}"
    if name in ("label", "weekday"):
        return None
    return m["v"].strip()


def parse_meta(line: str) -> dict[str, str] | None:
    """Fields of a date / source line, or None if the line is not purely meta."""
    rest = line
    fields: dict[str, str] = {}
    labelled = zoned = False
    seen: set[str] = set()
    for name, pattern in META_FIELDS:
        m = pattern.search(rest)
        if not m:
            continue
        value = _field_value(name, m)
        if value is not None:
            fields.setdefault(name, value)
        labelled |= name == "label"
        seen.add(name)
        zoned |= name == "time" and bool(m["zone"])
        rest = rest[: m.start()] + " " + rest[m.end():]
    lead = _LEAD_WORDS.match(rest)
    # an e-paper masthead (`人民日报 2022年06月10日 星期五`) names its weekday; a source line not
    if lead and "date" in fields and "source" not in fields and "weekday" not in seen \
            and META_SEPARATORS.match(rest[lead.end():]):
        fields["source"] = " ".join(lead.group(1).split())  # the outlet named before its date
        rest = rest[lead.end():]
    if not (fields or labelled) or not META_SEPARATORS.match(rest):
        return None
    if set(fields) == {"time"} and not zoned:
        return None  # a lone "3:00" is not a date line
    if set(fields) in ({"author"}, {"editor"}):
        return None  # `作者：某某` alone is the byline, `编辑：某某` the editor line
    return fields


def line_kind(line: str, original: str | None = None) -> tuple[str | None, dict[str, str]]:
    """The kind a line has by its own look, with parsed fields; (None, {}) if it has none.

    `line` is the normalised Simplified text; `original` the line as written (default: same).
    """
    if len(line) > MAX_RULED:
        return None, {}  # a paragraph of running text: no rule claims one this long
    # meta lines hold fields, never a clause: a comma or full stop rules one out at once
    meta = parse_meta(line) if len(line) <= MAX_META and not _CLAUSE.search(line) \
        and _META_HINT.search(line) else None
    if meta is not None:
        return "meta", meta
    for rule in LINE_RULES:
        text = original if rule.original and original is not None else line
        if (rule.max_len and len(text) > rule.max_len) or not _ends_in(text, rule.ends):
            continue
        m = rule.pattern.search(text)
        if m:
            return rule.kind, _rule_fields(rule.kind, m)
    return None, {}


def _ends_in(text: str, ends: str) -> bool:
    if not ends or not text:
        return True
    if ends == CJK_LAST:
        return "\u3400" <= text[-1] <= "\u9fff"
    return text[-1] in ends


def _rule_fields(kind: str, m: re.Match[str]) -> dict[str, str]:
    if kind == "editor" and "pair" in m.re.groupindex:
        label_value = re.split(r"[:：丨|｜]", m["pair"], maxsplit=1)
        return {"editor": label_value[1].strip()}
    return {}


def ends_like_sentence(line: str) -> bool:
    stripped = line.rstrip(CLOSERS + " ")
    return bool(stripped) and stripped[-1] in SENTENCE_END


def _last_char(line: str) -> str:
    stripped = line.rstrip(CLOSERS + " ")
    return stripped[-1] if stripped else ""


def looks_like_body(line: str) -> bool:
    """Running text: too long for a title, or ending the way a sentence or clause does."""
    if len(line) > MAX_TITLE or _last_char(line) in BODY_END:
        return True
    return _last_char(line) in "！？!?…" and len(line) > 30


def is_heading_like(line: str) -> bool:
    # a sentence signed in brackets (…才有这座英雄的城！（评论员 某某）) is a closing paragraph
    core = TRAILING_NOTE.sub("", line).rstrip() or line
    if len(line) > MAX_HEADING or _last_char(core) in "。！？!?；;":
        return False
    if NUMBERED_HEADING.match(line):
        return True
    return not ends_like_sentence(line) and not LABEL_VALUE.search(line)


Lines = list[tuple[int, str, str]]
# What may stand between the title and the first paragraph.
HEADER_KINDS = ("title", "subtitle", "meta", "byline", "boilerplate")
# The header's field lines, around which short lines are fields or chrome too.
FIELD_KINDS = ("meta", "byline", "boilerplate")
MAX_HEADER_LABELS = 3
Kinds = list[str | None]


def _find_title(lines: Lines, kinds: Kinds) -> int | None:
    """The title: among the unclaimed short lines before the first line of running text, the
    last one before the first meta/byline/subtitle line that follows one of them (a date line
    above the headline does not count), else the last one."""
    zone_end = next((i for i, (_, _, simp) in enumerate(lines)
                     if kinds[i] is None and looks_like_body(simp)), len(lines))
    free = [i for i in range(zone_end) if kinds[i] is None]
    if not free:
        return None
    anchor = next((i for i in range(free[0] + 1, zone_end)
                   if kinds[i] in ("meta", "byline", "subtitle")), None)
    if anchor is not None:
        pick = max(i for i in free if i < anchor)
    elif zone_end == len(lines) and len(free) > 1:
        return free[0]  # no running text at all: a list of short lines under a headline
    else:
        pick = free[-1]
    return pick


def _prefer_headline(lines: Lines, free: list[int], pick: int) -> int:
    """A headline is a phrase, not a word: when the line picked is a short label (an author's
    name or badge, a column or channel name standing between the headline and the date line:
    优质原创作者, 棱镜), the longest line above it that reads like a headline is the title."""
    if len(lines[pick][2]) > MAX_LABEL:
        return pick
    above = [i for i in free if i < pick and MIN_HEADLINE <= len(lines[i][2]) <= MAX_TITLE
             and not FIELD_LABEL.match(lines[i][2])]
    if not above:
        return pick
    best = max(above, key=lambda i: len(lines[i][2]))
    return best if len(lines[best][2]) >= 2 * len(lines[pick][2]) else pick


def _page_headline(lines: Lines, kinds: Kinds, headline: str) -> int | None:
    """The line that is the headline the page itself marks (its <h1>, or its <title>), if
    one of the lines before the running text is."""
    wanted = _compact(headline)
    if not wanted:
        return None
    zone_end = next((i for i, (_, _, simp) in enumerate(lines)
                     if kinds[i] is None and looks_like_body(simp)), len(lines) - 1)
    return next((i for i in range(min(zone_end + 1, len(lines)))
                 if kinds[i] is None and _compact(lines[i][1]) == wanted), None)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _header(lines: Lines, kinds: Kinds, pick: int | None, marked: int | None = None) -> int:
    """Mark the title, its kicker and the chrome above it; returns where the body starts.
    `marked`: the line the page marks as its headline, which no guess overrides."""
    if pick is None:
        return 0
    free = [i for i in range(pick) if kinds[i] is None]
    if marked is not None:
        title_at, pick = marked, max(marked, pick)
    else:
        title_at = _prefer_headline(lines, free, pick)
    for i in range(title_at + 1, pick + 1):
        if kinds[i] is None:  # between the headline and the date line: labels, or a deck
            deck = marked is not None and len(lines[i][2]) > MAX_LABEL \
                and not FIELD_LABEL.match(lines[i][2])
            kinds[i] = "heading" if NUMBERED_HEADING.match(lines[i][2]) \
                else "subtitle" if deck else "boilerplate"  # 一、总体要求 is the text's own
    kinds[title_at] = "title"
    above = title_at - 1
    if above >= 0 and kinds[above] is None and len(lines[above][2]) <= MAX_KICKER \
            and not OUTLET.search(lines[above][2]):
        kinds[above] = "subtitle"  # the kicker (引题) printed above the headline
    for i in range(title_at):
        if kinds[i] is None:
            kinds[i] = "boilerplate"  # a site banner above the title
    # a second headline directly above its own "——" subtitle (a page with two stories)
    for i in range(title_at + 1, len(lines) - 1):
        if kinds[i] is None and kinds[i + 1] == "subtitle" \
                and lines[i + 1][2].startswith(("—", "－", "-", "─")) \
                and not looks_like_body(lines[i][2]):
            kinds[i] = "title"
    start = max(title_at, pick) + 1
    while start < len(lines):
        if kinds[start] is None and kinds[start - 1] in FIELD_KINDS:
            _header_labels(lines, kinds, start)
        if kinds[start] not in HEADER_KINDS:
            break
        start += 1
    return start


def _header_labels(lines: Lines, kinds: Kinds, start: int) -> None:
    """Short lines standing between the header's field lines are fields too: the account name
    inside a WeChat 原创 / name / date block, a source's value on the line after its empty
    `来源：`, a channel name (时政新闻) between the date line and the share bar. A short line
    followed by running text is left alone: it may be the first heading."""
    end = start
    while end < len(lines) and end - start < MAX_HEADER_LABELS and kinds[end] is None \
            and len(lines[end][2]) <= MAX_SIGNATURE and not looks_like_body(lines[end][2]):
        end += 1
    if end == start or end == len(lines) or kinds[end] not in FIELD_KINDS:
        return
    kind = "meta" if kinds[start - 1] == "meta" else "boilerplate"
    for i in range(start, end):
        kinds[i] = kind


def _signatures(lines: Lines, kinds: Kinds, body_start: int) -> None:
    """The issuing bodies signing a notice, on the short lines right above its closing date."""
    for j in range(body_start + 1, len(lines)):
        if kinds[j] != "meta" or not set(line_kind(lines[j][2])[1]) <= {"date", "time"}:
            continue
        k = j - 1
        while k >= body_start and j - k <= 3 and kinds[k] is None \
                and len(lines[k][2]) <= MAX_SIGNATURE and not ends_like_sentence(lines[k][2]) \
                and not LABEL_VALUE.search(lines[k][2]):
            kinds[k] = "byline"
            k -= 1


def _article_end(lines: Lines, kinds: Kinds, body_start: int) -> tuple[int | None, bool]:
    """Where the article ends: the first closing editor line, or head of a comment thread or
    of a list of other stories (`END_SECTION`), that stands in the article's last part, i.e.
    with more running text before it than after it (`END_SHARE`): comments, blurbs of other
    stories and footers after the end are running text too, so the end is not looked for
    after the last sentence-like line only. Returns its index and whether it is an editor line."""
    n = len(lines)
    mass = [0] * (n + 1)
    for j in range(n):
        running = j >= body_start and kinds[j] is None and looks_like_body(lines[j][2])
        mass[j + 1] = mass[j] + (len(lines[j][2]) if running else 0)
    for j in range(body_start, n):
        editor = kinds[j] == "editor"
        if not editor and not (kinds[j] == "boilerplate" and END_SECTION.search(lines[j][2])):
            continue
        before, after = mass[j], mass[n] - mass[j + 1]
        if before > 0 and after <= before * END_SHARE["editor" if editor else "section"]:
            return j, editor
    # no running text before it: the editor line after the last line of text (a photo story)
    last_text = max((j for j in range(body_start, n)
                     if kinds[j] is None and looks_like_body(lines[j][2])), default=body_start)
    editor_at = next((j for j in range(max(body_start, last_text), n) if kinds[j] == "editor"),
                     None)
    return editor_at, True


def _body(lines: Lines, kinds: Kinds, body_start: int) -> None:
    """Body and headings up to the end of the article; site chrome after it."""
    n = len(lines)
    end_at, by_editor = _article_end(lines, kinds, body_start)
    related = False
    for j in range(body_start, n):
        related = related or (kinds[j] == "boilerplate" and bool(RELATED.match(lines[j][2])))
        if end_at is not None and j > end_at:
            # share bars, related links, comments after the end; the print source line
            # (《人民日报》…) may follow the editor line
            if kinds[j] != "editor" and not (by_editor and kinds[j] == "meta"):
                kinds[j] = "boilerplate"
        elif related and kinds[j] is None and not looks_like_body(lines[j][2]):
            kinds[j] = "boilerplate"  # a linked headline under 相关新闻
        elif kinds[j] is None or (kinds[j] == "subtitle" and j > body_start
                                  and kinds[j - 1] not in ("title", "subtitle")):
            kinds[j] = "heading" if is_heading_like(lines[j][2]) else "body"
    # Headings that no text follows are chrome ("热门推荐" without an editor line, say).
    for j in range(n - 1, body_start - 1, -1):
        if kinds[j] == "heading":
            kinds[j] = "boilerplate"
        elif kinds[j] not in ("boilerplate", "meta", "editor"):
            break


def classify(lines: Lines, headline: str = "") -> list[Block]:
    """Kinds for the non-empty lines of an article.

    `lines` holds (line number, original text, normalised Simplified text); `headline` is
    what a web page marks as its headline ("" for text and DOCX).
    """
    looks = [line_kind(simp, original) for _, original, simp in lines]
    kinds: Kinds = [k for k, _ in looks]
    for j in range(len(lines) - 1):
        if kinds[j] == "boilerplate" and lines[j][2] in PROFILE_LABELS and kinds[j + 1] is None \
                and not looks_like_body(lines[j + 1][2]):
            kinds[j + 1] = "boilerplate"
    marked = _page_headline(lines, kinds, headline)
    guess = _find_title(lines, kinds)
    body_start = _header(lines, kinds, marked if guess is None else guess, marked)
    _signatures(lines, kinds, body_start)
    _body(lines, kinds, body_start)
    blocks = []
    for (number, original, simp), kind, (_, fields) in zip(lines, kinds, looks, strict=True):
        assert kind is not None
        meta = fields if kind in ("meta", "editor") else {}
        if kind == "byline":
            meta = {"byline": simp}
        blocks.append(Block(kind, original, number, dict(meta) if meta else {}))
    _mark_dateline(blocks, lines)
    return blocks


def _mark_dateline(blocks: list[Block], lines: Lines) -> None:
    for block, (_, _, simp) in zip(blocks, lines, strict=True):
        if block.kind == "body":
            m = DATELINE.match(simp)
            if m:
                block.meta = {"dateline": m.group(0)} | {
                    k: v.strip() for k, v in m.groupdict().items() if v
                }
            return
