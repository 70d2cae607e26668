"""Structure recognition: each line rule alone, then whole articles of different shapes."""

from __future__ import annotations

import pytest

from bilingual.ingest.article import load_article
from bilingual.ingest.normalize import normalize
from bilingual.ingest.script import ScriptConverter
from bilingual.ingest.structure import KINDS, LINE_RULES, classify, line_kind, parse_meta


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("责任编辑:孔德明", "editor"),
        ("【责任编辑：赵明】", "editor"),
        ("（编辑：孙丽）", "editor"),
        ("记者 尚丽娟", "byline"),
        ("本报记者 王明 通讯员 李华", "byline"),
        ("文/王明", "byline"),
        ("——看我市各级党组织如何践初心", "subtitle"),
        ("热门推荐", "boilerplate"),
        ("版权所有：某某市人民政府", "boilerplate"),
        ("中共中央宣传部委托新华通讯社主办", "boilerplate"),
        ("分享到：微信 微博", "boilerplate"),
        ("2020-02-01 13:07", "meta"),
        ("来源:安阳日报-安阳网", "meta"),
        ("2021年06月30日 10:20 来源：人民网-地方频道", "meta"),
        ("发布时间：2022/3/18 来源：市政府办公室 | 浏览次数：1024", "meta"),
        ("党员干部冲锋在前。", None),
        ("以疫情为令 靠前指挥打硬战", None),
    ],
)
def test_line_rules(line: str, kind: str | None) -> None:
    assert line_kind(line)[0] == kind


def test_meta_fields() -> None:
    assert parse_meta("2020-02-01 13:07") == {"date": "2020-02-01", "time": "13:07"}
    assert parse_meta("来源:安阳日报-安阳网") == {"source": "安阳日报-安阳网"}
    assert parse_meta("2021年6月3日 来源：人民网 作者：王明") == {
        "date": "2021-06-03", "source": "人民网", "author": "王明"}
    assert parse_meta("3:00") is None
    assert parse_meta("2020年1月27日下午3时召开会议") is None


def kinds(article) -> list[tuple[str, str]]:
    return [(s.kind, s.zh) for s in article.segments if s.index == 1]


def test_dateline_article(fixtures) -> None:
    article = load_article(fixtures / "xinhua_dateline.txt")
    k = kinds(article)
    assert k[0] == ("title", "全面推进乡村振兴 谱写农业农村现代化新篇章")
    assert k[1][0] == "body"
    first = article.segments[1]
    assert first.meta["agency"] == "新华社"
    assert first.meta["place"] == "郑州"
    assert first.meta["date"] == "3月5日"
    assert first.meta["reporters"] == "记者 王晓明 李华"
    assert [z for kind, z in k if kind == "heading"] == [
        "一、压实责任 抓好粮食生产", "二、深化改革 激发农村活力", "三、建强堡垒 夯实基层基础"]
    assert k[-1] == ("editor", "【责任编辑：赵明】")
    assert article.meta["editor"] == "赵明"


def test_traditional_article(fixtures) -> None:
    article = load_article(fixtures / "traditional_tw.txt")
    assert article.script == "traditional"
    k = [kind for kind, _ in kinds(article)]
    assert k == ["title", "meta", "meta", "byline", "body", "body", "editor"]
    title = article.segments[0]
    assert title.zh == "臺中市推動社區防疫 志工守護長者健康"
    assert title.zh_simplified == "台中市推动社区防疫 志工守护长者健康"
    assert article.meta["source"] == "台湾新闻网"
    assert article.meta["date"] == "2021-06-15"


def test_no_banner_combined_meta(fixtures) -> None:
    article = load_article(fixtures / "no_banner_combined_meta.txt")
    k = [kind for kind, _ in kinds(article)]
    assert k == ["title", "meta", "byline", "body", "body", "body", "editor",
                 "boilerplate", "boilerplate", "boilerplate"]
    assert article.meta["source"] == "人民网-地方频道"
    assert article.meta["time"] == "10:20"
    # the full-width indent is not part of the paragraph
    assert article.segments[3].zh.startswith("连日来")
    assert not any(s.translate for s in article.segments if s.kind == "boilerplate")


def test_long_article_with_headings(fixtures) -> None:
    article = load_article(fixtures / "long_article.txt")
    k = kinds(article)
    assert [z for kind, z in k if kind == "heading"] == ["过去五年的主要成就", "今后五年的目标任务", "大会号召"]
    assert k[2][0] == "subtitle"
    assert k[3] == ("byline", "记者 李青 张蕾")
    assert [kind for kind, _ in k[-3:]] == ["editor", "boilerplate", "boilerplate"]
    assert sum(1 for s in article.segments if s.kind == "body") >= 20


def test_html_article(fixtures) -> None:
    article = load_article(fixtures / "headings_html.html")
    k = [kind for kind, _ in kinds(article)]
    assert k == ["title", "meta", "body", "body", "heading", "body", "editor"]


def test_sample_article(shared_sample) -> None:
    article = load_article(shared_sample)
    k = kinds(article)
    assert k[0] == ("boilerplate", "中共中央宣传部委托新华通讯社主办")
    assert k[1] == ("title", "安阳:党员干部勇担当,抗疫一线党旗红")
    assert k[2][0] == k[3][0] == "meta"
    assert k[4] == ("title", "把党旗插到抗疫第一线")
    assert k[5][0] == "subtitle"
    assert k[6] == ("byline", "记者 尚丽娟")
    assert [z for kind, z in k if kind == "heading"] == [
        "以疫情为令 靠前指挥打硬战", "筑牢基层战斗堡垒 织密建强疫情防控工作网",
        "发挥党员先锋模范作用 构建战胜疫情强大合力"]
    assert k[-2] == ("editor", "责任编辑:孔德明")
    assert k[-1] == ("boilerplate", "热门推荐")
    assert article.meta == {
        "title": "安阳：党员干部勇担当，抗疫一线党旗红", "date": "2020-02-01", "time": "13:07",
        "source": "安阳日报-安阳网",
        "subtitle": "——看我市各级党组织和广大党员如何在疫情一线践初心担使命",
        "byline": "记者 尚丽娟", "editor": "孔德明"}
    text = shared_sample.read_text(encoding="utf-8")
    for para in article.paragraphs():
        joined = "".join(s.zh for s in para)
        assert joined in text


@pytest.mark.parametrize("name", ["xinhua_dateline.txt", "traditional_tw.txt", "long_article.txt",
                                  "no_banner_combined_meta.txt"])
def test_fixtures_lossless(fixtures, name: str) -> None:
    path = fixtures / name
    article = load_article(path)
    lines = [line.strip(" \u3000") for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    paragraphs = ["".join(s.zh for s in para) for para in article.paragraphs()]
    assert paragraphs == lines
    ids = [s.id for s in article.segments]
    assert len(ids) == len(set(ids))


def test_banner_above_title_and_print_headline(fixtures) -> None:
    """Two position rules, on a fixture of our own: a site banner above the title is chrome;
    a print headline directly above its "——" subtitle is a title too."""
    k = kinds(load_article(fixtures / "banner_print_headline.txt"))
    assert k[0] == ("boilerplate", "某某日报社主办")
    assert k[1] == ("title", "某某市：党员干部下沉社区，筑牢疫情防线")
    assert k[2][0] == "meta"
    assert k[3] == ("title", "让党旗在防控一线高高飘扬")
    assert k[4][0] == "subtitle"
    assert k[5] == ("byline", "记者 张明华")
    assert [kind for kind, _ in k[6:]] == ["body", "body", "editor", "boilerplate"]


_SCRIPTS = ScriptConverter()


def _simplified(line: str) -> str:
    """A line as the classifier sees it: normalised, in Simplified script."""
    return _SCRIPTS.to_simplified(normalize(line))


@pytest.mark.parametrize(
    ("rule", "example"),
    [(rule, example) for rule in LINE_RULES for example in rule.examples],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_rule_claims_its_examples(rule, example: str) -> None:
    """Rules as data: each rule's golden examples get that rule's kind (first match wins, so
    this also checks that no earlier rule steals them)."""
    assert rule.examples, "a rule without examples"
    assert line_kind(_simplified(example), example)[0] == rule.kind


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("2021-03-04 09:12:30 来源：某某县人民政府",
         {"date": "2021-03-04", "time": "09:12:30", "source": "某某县人民政府"}),
        ("来源：市融媒体中心 发布时间：2019-05-06 14:20",
         {"source": "市融媒体中心", "date": "2019-05-06", "time": "14:20"}),
        ("刊发日期：2021-03-04 阅读次数：", {"date": "2021-03-04"}),
        ("来源：共产党员网 | 2021-06-28 | 作者：", {"source": "共产党员网", "date": "2021-06-28"}),
        ("信息来源：市卫健委　发布时间：2022-04-02 16:35　作者：　阅读次数：386",
         {"source": "市卫健委", "date": "2022-04-02", "time": "16:35", "views": "386"}),
        ("《 人民日报 》（ 2022年06月10日 04 版）",
         {"publication": "人民日报", "date": "2022-06-10", "page": "04"}),
        ("2022/11/03 10:05（11/03 18:20 更新）",
         {"date": "2022-11-03", "time": "10:05", "updated": "11-03 18:20"}),
        ("2023年7月7日 星期五 04:32", {"date": "2023-07-07", "time": "04:32"}),
        ("2022年11月18日（星期五）", {"date": "2022-11-18"}),
        ("香港时间15时42分", {"time": "15:42"}),
        ("发布单位：卫生局", {"source": "卫生局"}),
        ("点阅数：1208", {"views": "1208"}),
        ("某某组工 2022-11-20 20:15 发表于河南",
         {"source": "某某组工", "date": "2022-11-20", "time": "20:15", "location": "河南"}),
        ("某某县融媒体中心 2023-06-12 11:26",
         {"source": "某某县融媒体中心", "date": "2023-06-12", "time": "11:26"}),
        ("来源丨某某县委组织部", {"source": "某某县委组织部"}),
        ("2023 04/18 09:41:27", {"date": "2023-04-18", "time": "09:41:27"}),
        ("【发布时间：2023-03-15】【来源：市政府办公室】", {"date": "2023-03-15", "source": "市政府办公室"}),
        ("文章来源：某某日报 访问量：88", {"source": "某某日报", "views": "88"}),
        ("来源：某某网 编辑：王某", {"source": "某某网", "editor": "王某"}),
    ],
)
def test_meta_shapes(line: str, fields: dict[str, str]) -> None:
    assert parse_meta(line) == fields


@pytest.mark.parametrize(
    "line",
    [
        "作者：吴某某",  # alone, the byline
        "编辑：王某",  # alone, the editor line
        "人民日报 2022年06月10日 星期五",  # an e-paper masthead
        "2022年工作要点",
        "会议于2022年4月10日下午召开。",
    ],
)
def test_not_meta(line: str) -> None:
    assert parse_meta(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "三、群众如有发热症状请及时联系我们社区卫生服务中心，或前往就近发热门诊就诊。",
        "县纪委书记要求，要及时总结提炼好经验好做法，把某某镇的经验分享到全县各乡镇，形成“一村一品”清廉品牌。",
        "如發現長輩出現發燒、咳嗽等症狀，請立即撥打1922防疫專線或聯繫我們社區關懷據點。",
        "关闭违规企业12家",
        "走近摄影",  # a heading, not a photo credit
    ],
)
def test_chrome_phrases_never_claim_running_text(line: str) -> None:
    """Issue 16: a chrome rule claims only a short line that is mostly chrome."""
    assert line_kind(_simplified(line), line)[0] is None


def _kinds_of(text: str) -> list[str]:
    lines = [(n, line, _simplified(line)) for n, line in enumerate(text.splitlines(), 1) if line]
    return [block.kind for block in classify(lines)]


def test_notice_signature_and_kicker_positions() -> None:
    notice = "\n".join([
        "关于做好春节期间疫情防控工作的通告", "（第3号）", "各位居民：",
        "为切实做好春节期间疫情防控工作，现将有关事项通告如下：",
        "一、返乡人员要提前报备。", "二、减少聚集。", "咨询电话：0371-1234567",
        "某某街道疫情防控指挥部", "2023年1月10日"])
    assert _kinds_of(notice) == ["title", "subtitle", "body", "body", "body", "body", "body",
                                 "byline", "meta"]
    page = "\n".join([
        "第05版：要闻", "坚持人民至上　守护万家灯火", "某某市全力做好民生保障工作",
        "——来自基层一线的报道", "本报记者　王某某",
        "入冬以来，某某市把民生保障作为重中之重，各项工作有序推进，群众生活安定。",
        "（下转第六版）", "《 人民日报 》（ 2023年01月10日 05 版）"])
    assert _kinds_of(page) == ["boilerplate", "subtitle", "title", "subtitle", "byline", "body",
                               "boilerplate", "meta"]
    # an outlet's name right above the headline is its banner, not a kicker
    pasted = "\n".join(["某某县人民政府", "我县召开安全生产工作会议", "2023-05-10 来源：县应急管理局",
                         "5月9日，我县召开安全生产工作会议，部署当前安全生产工作。"])
    assert _kinds_of(pasted) == ["boilerplate", "title", "meta", "body"]


def test_caption_kind_is_one_translated_segment(fixtures, tmp_path) -> None:
    path = tmp_path / "photo.txt"
    path.write_text("\n".join([
        "村民抢收小麦", "2023-06-05 09:00 来源：某某日报", "▲村民在田间抢收小麦。志愿者前来帮忙。",
        "连日来，各地抢抓晴好天气收割小麦。", "（记者 张某 摄）"]), encoding="utf-8")
    article = load_article(path)
    captions = [s for s in article.segments if s.kind == "caption"]
    assert "caption" in KINDS
    assert [s.zh for s in captions] == ["▲村民在田间抢收小麦。志愿者前来帮忙。", "（记者 张某 摄）"]
    assert all(s.translate and s.index == 1 for s in captions)


_PARA = "某某市近日召开专题会议，研究部署下一阶段的城市更新工作，要求各部门压实责任、加快推进。"


def test_short_labels_between_headline_and_date_are_not_the_title() -> None:
    """Real saved pages put an author's name or badge, a channel or a column name between
    the headline and the date line; a headline is longer than such a label."""
    column = "\n".join(["栏目|某某行业大整顿：数据公司人人自危，信息几元一条", "金融市场", "栏目",
                        "2021-09-23 07:48", _PARA])
    assert _kinds_of(column) == ["title", "boilerplate", "boilerplate", "meta", "body"]
    # a kicker and its headline keep their places (both longer than a label)
    kicker = "\n".join(["坚持人民至上　守护万家灯火", "某某市全力做好民生保障工作",
                        "2023-01-10 来源：某某日报", _PARA])
    assert _kinds_of(kicker) == ["subtitle", "title", "meta", "body"]
    # a WeChat account's profile card (微信号 / id / 功能介绍 / blurb) under the headline
    card = "\n".join(["某某手机系列正式发布", "微信号", "someid", "功能介绍",
                      "聚焦手机行业的思考和产品体验", _PARA])
    assert _kinds_of(card) == ["title"] + ["boilerplate"] * 4 + ["body"]


def test_editor_line_ends_the_article_before_long_comments() -> None:
    comment = "先低价让大家养成习惯，再慢慢涨价，这个套路大家都明白，其实也能理解，企业毕竟不是做慈善的。"
    page = "\n".join(["某某市城市更新工作会议召开", "2023-05-10 来源：某某日报", _PARA, _PARA,
                      "责任编辑：王某", "某某日报客户端下载", "某某网友", comment, "今天20:58", "赞38回复"])
    assert _kinds_of(page) == ["title", "meta", "body", "body", "editor"] + ["boilerplate"] * 5


def test_a_related_box_inside_the_article_does_not_end_it() -> None:
    """The head of a link list ends the article only in its last part: a box in the middle,
    with more of the article after it, leaves the text after it alone."""
    page = "\n".join(["某某市城市更新工作会议召开", "2023-05-10 来源：某某日报", _PARA,
                      "相关阅读", "某某区老旧小区改造全面启动", _PARA, _PARA, _PARA])
    assert _kinds_of(page) == ["title", "meta", "body", "boilerplate", "boilerplate",
                               "body", "body", "body"]


def test_a_signed_last_sentence_is_body_not_heading() -> None:
    page = "\n".join(["某某城市的声音", "2020-03-28 10:10:05", _PARA,
                      "正是有了平凡的你们，才有这座英雄的城！（评论员 王某 李某）"])
    assert _kinds_of(page) == ["title", "meta", "body", "body"]


def test_a_numbered_section_under_the_title_is_a_heading() -> None:
    from bilingual.ingest.article import build_article
    from bilingual.ingest.reading import Source

    text = ("某县关于做好2025年冬季安全生产工作的实施方案\n\n一、总体要求\n\n"
            "坚持以习近平新时代中国特色社会主义思想为指导，统筹发展和安全。\n\n二、主要任务\n\n"
            "开展隐患排查整治，加强重点行业领域监管。\n")
    kinds = [s.kind for s in build_article(Source("p.txt", "p", text, "utf-8", "txt")).segments]
    assert kinds == ["title", "heading", "body", "heading", "body"]
