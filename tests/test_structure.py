"""Structure recognition: each line rule alone, then whole articles of different shapes."""

from __future__ import annotations

import pytest

from bilingual.ingest.article import load_article
from bilingual.ingest.structure import line_kind, parse_meta


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
