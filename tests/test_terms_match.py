"""Matching and automatic names: golden examples."""

from __future__ import annotations

import pytest

from bilingual.ingest.article import load_article
from bilingual.ingest.script import ScriptConverter
from bilingual.records import Segment
from bilingual.terms.annotate import annotate, find_terms, load_term_tools
from bilingual.terms.names import join_syllables, romanize_person


@pytest.fixture(scope="module")
def tools():
    return load_term_tools()


def seg(zh: str, simplified: str | None = None) -> Segment:
    from bilingual.ingest.normalize import normalize

    return Segment("p1.s1", "body", 1, 1, zh, simplified or normalize(zh), True)


def found(tools, text: str) -> dict[str, str]:
    return {t.zh: t.en for t in find_terms(seg(text), tools)}


def test_longest_match_no_overlap(tools) -> None:
    terms = find_terms(seg("疫情防控阻击战和疫情防控"), tools)
    assert [(t.zh, t.start, t.end) for t in terms] == [("疫情防控阻击战", 0, 7), ("疫情防控", 8, 12)]


def test_offsets_into_original_text(tools) -> None:
    original = "安阳:党员干部 勇担当"
    s = seg(original)
    assert s.zh_simplified == "安阳：党员干部 勇担当"
    term = next(t for t in find_terms(s, tools) if t.zh == "党员干部")
    assert original[term.start:term.end] == "党员干部"


def test_traditional_offsets(tools) -> None:
    scripts = ScriptConverter()
    original = "市委書記李公樂強調，黨員幹部要發揮先鋒模範作用。"
    s = seg(original, scripts.to_simplified(original))
    terms = {t.zh: original[t.start:t.end] for t in find_terms(s, tools)}
    assert terms["市委书记"] == "市委書記"
    assert terms["党员干部"] == "黨員幹部"
    assert terms["先锋模范作用"] == "先鋒模範作用"


@pytest.mark.parametrize(("text", "expected"), [
    ("市委书记李公乐亲自挂帅", {"李公乐": "Li Gongle"}),
    ("记者 尚丽娟", {"尚丽娟": "Shang Lijuan"}),
    ("该村党支部书记董殿顺郑重地说道", {"董殿顺": "Dong Dianshun"}),
    ("马文英同志是村内唯一的女干部", {"马文英": "Ma Wenying"}),
    ("东关村党员李鹏为疫情捐赠口罩", {"东关村": "Dongguan Village", "李鹏": "Li Peng"}),
    ("到殷都区、龙安区部分重点区域检查", {"殷都区": "Yindu District", "龙安区": "Long'an District"}),
    ("汤阴县城关镇石家庄村村医", {"汤阴县": "Tangyin County", "城关镇": "Chengguan Town",
                               "石家庄村": "Shijiazhuang Village"}),
    ("在殷都区董王度村，村口设置临时大门", {"殷都区": "Yindu District", "董王度村": "Dongwangdu Village"}),
    ("文峰区中华路街道党工委开展行动", {"文峰区": "Wenfeng District", "中华路街道": "Zhonghualu Subdistrict"}),
    ("拥有9万多群众的滑县牛屯镇", {"牛屯镇": "Niutun Town"}),  # 滑县: the glossary's
    ("在文峰区宝莲寺镇马官屯村还有", {"文峰区": "Wenfeng District", "宝莲寺镇": "Baoliansi Town",
                                 "马官屯村": "Maguantun Village"}),
])
def test_names(tools, text: str, expected: dict[str, str]) -> None:
    auto = {t.zh: t.en for t in find_terms(seg(text), tools) if t.source == "auto"}
    assert auto == expected


@pytest.mark.parametrize("text", [
    "门口张贴着值班安排表",  # 张贴 is a verb
    "杜绝侥幸心理",
    "市区部分重点区域",
    "建成美丽乡村示范村56个",
    "距县城45公里",
    "严格把控各村人员进出村情况",
    "居民张大爷高兴地说",
])
def test_not_names(tools, text: str) -> None:
    assert [t.zh for t in find_terms(seg(text), tools) if t.source == "auto"] == []


def test_glossary_wins_over_names_and_names_split_terms(tools) -> None:
    terms = found(tools, "文峰区中华路街道党工委")
    assert terms["党工委"] == "Party working committee"
    assert "街道党工委" not in terms


def test_pinyin_rules() -> None:
    assert join_syllables(["long", "an"]) == "Long'an"
    assert join_syllables(["xi", "an"]) == "Xi'an"
    assert romanize_person("欧阳修") == "Ouyang Xiu"
    assert romanize_person("单雄信") == "Shan Xiongxin"


def test_annotate_sample(tools, shared_sample) -> None:
    article = load_article(shared_sample)
    stats = annotate(article.segments, tools)
    names = {t.zh: t.en for s in article.segments for t in s.terms if t.source == "auto"}
    for zh, en in {"李公乐": "Li Gongle", "袁家健": "Yuan Jiajian", "尚丽娟": "Shang Lijuan",
                   "董殿顺": "Dong Dianshun", "李国方": "Li Guofang", "秦瑞光": "Qin Ruiguang",
                   "刘明贵": "Liu Minggui", "孔德明": "Kong Deming", "殷都区": "Yindu District",
                   "龙安区": "Long'an District", "汤阴县": "Tangyin County",
                   "董王度村": "Dongwangdu Village", "中华路街道": "Zhonghualu Subdistrict",
                   "林州市": "Linzhou City", "牛屯镇": "Niutun Town"}.items():
        assert names.get(zh) == en, zh
    matched = {t.zh for s in article.segments for t in s.terms if t.source == "default"}
    for zh in ("市委书记", "市人大常委会主任", "战斗堡垒作用", "先锋模范作用", "疫情防控阻击战",
               "联防联控、群防群治", "居家隔离", "疑似病例", "党员先锋岗", "初心使命", "党工委",
               "市委组织部", "临时党支部", "习近平总书记"):
        assert zh in matched, zh
    assert stats.glossary > 250 and len(names) >= 30
    assert all(s.terms == [] for s in article.segments if not s.translate)


def test_one_character_county_convention() -> None:
    """滑县 → "Hua County" (the glossary's and the name rules' convention); "Huaxian County",
    which China Daily also writes, is accepted by verification."""
    from bilingual.terms.names import place_variants, romanize_place

    suffixes = {"县": "County", "镇": "Town"}
    assert romanize_place("滑县", suffixes) == "Hua County"
    assert place_variants("滑县", suffixes) == ("Huaxian County",)
    assert romanize_place("汤阴县", suffixes) == "Tangyin County"
    assert place_variants("汤阴县", suffixes) == ()


def test_unlisted_names_without_the_tagging_hmm(tools) -> None:
    # jieba's posseg HMM used to find these; short unknown runs starting with a surname do now
    assert found(tools, "市领导李公乐、袁家健到市疾控中心检查。")["袁家健"] == "Yuan Jiajian"
    from bilingual.terms.names import MAX_UNKNOWN_RUN, _split_run

    assert _split_run("袁家健到市") == ["袁家健", "到", "市"]
    # a long run of unknown characters is no name: left as single characters, no HMM
    run = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(MAX_UNKNOWN_RUN * 50))
    words = tools.names._words(run)
    assert "".join(words) == run and max(map(len, words)) <= 4


def test_random_cjk_is_linear(tmp_path) -> None:
    # 60,000 random ideographs in one line: about 10 minutes through jieba's posseg HMM before
    # (10 ms a character); now seconds. The generous timeout only catches a return of the HMM.
    import random
    import subprocess
    import sys

    rng = random.Random(5)
    text = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(60_000))
    article = tmp_path / "random.txt"
    article.write_text("随机标题\n" + text + "。\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "bilingual.cli", "translate", str(article),
                           "--engine", "none", "--no-tm", "-o", str(tmp_path / "out"),
                           "--formats", "jsonl", "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "random" / "random.aligned.jsonl").exists()


def test_villages_listed_before_their_generic(tools) -> None:
    """Places without a suffix of their own, listed before one shared generic, are names."""
    from bilingual.terms.names import listed_places

    text = "同样的场景出现在小元、夏庄、南韩泉等其他村党员微信群。"
    found = {n.zh: n.en for n in listed_places(text, {"村": "Village"})}
    assert found == {"小元": "Xiaoyuan", "夏庄": "Xiazhuang", "南韩泉": "Nanhanquan"}
    assert listed_places("党员、干部和群众共同参与。", {}) == []
    segment = load_article_text(text).segments[0]
    annotate([segment], tools)
    assert found.items() <= {t.zh: t.en for t in segment.terms if t.source == "auto"}.items()


def load_article_text(text: str):
    from bilingual.ingest.article import build_article
    from bilingual.ingest.reading import Source

    return build_article(Source("t.txt", "t", text, "utf-8", "txt"))
