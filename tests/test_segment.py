"""Sentence splitting: golden examples (one rule each) and the lossless property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual.ingest.segment import split_sentences

GOLDEN = [
    # full-width terminators
    ("党员冲在前。群众跟上来！真的吗？", ["党员冲在前。", "群众跟上来！", "真的吗？"]),
    # closing quotes and brackets stay with their sentence
    ("他说：“我们一定守好防线！”大家都笑了。", ["他说：“我们一定守好防线！”", "大家都笑了。"]),
    ("（详见附件。）下一段开始。", ["（详见附件。）", "下一段开始。"]),
    ("他读过《为什么？》这本书。", ["他读过《为什么？》这本书。"]),
    # quoted questions followed by an attribution: split after each closing quote
    ("“A吗？”“B吗？”他问道。", ["“A吗？”", "“B吗？”", "他问道。"]),
    # no split on ；：，
    ("第一，加强领导；第二，压实责任：落实到人。", ["第一，加强领导；第二，压实责任：落实到人。"]),
    # numbers, times, dates, decimals, URLs
    ("13:07召开会议。增长6.3%，达到1357.87亿斤。", ["13:07召开会议。", "增长6.3%，达到1357.87亿斤。"]),
    ("详见http://localhost/a?b=1!x页面。", ["详见http://localhost/a?b=1!x页面。"]),
    ("2020-02-01发布。", ["2020-02-01发布。"]),
    # half-width ! ? in Chinese context
    ("有多少返乡人员?居家隔离落实了吗!好的", ["有多少返乡人员?", "居家隔离落实了吗!", "好的"]),
    ("“村里有多少人?”“有多少?”李公乐问。", ["“村里有多少人?”", "“有多少?”", "李公乐问。"]),
    ("English? yes! 中文。", ["English? yes! 中文。"]),
    # ellipsis ending a sentence, and not ending one
    ("消毒、排查、隔离……同时，出动无人机。", ["消毒、排查、隔离……", "同时，出动无人机。"]),
    ("口罩、手套……等物资已到位。", ["口罩、手套……等物资已到位。"]),
    ("他停了一下……，又说。", ["他停了一下……，又说。"]),
    ("“报名！”“请战！”……同样的场景出现在村里。", ["“报名！”", "“请战！”……", "同样的场景出现在村里。"]),
    ("结束了……", ["结束了……"]),
    # mixed clusters
    ("真的吗？！是的。", ["真的吗？！", "是的。"]),
    # whitespace after a sentence stays with it
    ("第一句。 第二句。", ["第一句。 ", "第二句。"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), GOLDEN)
def test_golden(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


CHINESEISH = st.text(
    alphabet=st.sampled_from(list("党员干部群众安阳市疫情防控。！？!?…，；：“”‘’「」（）《》 \u3000.:1203ab")),
    max_size=200,
)


@settings(max_examples=400)
@given(CHINESEISH)
def test_lossless(text: str) -> None:
    pieces = split_sentences(text)
    assert "".join(pieces) == text
    assert all(pieces)


@given(st.text(max_size=100))
def test_lossless_on_any_text(text: str) -> None:
    assert "".join(split_sentences(text)) == text


def test_linear_on_long_paragraph() -> None:
    text = "党员干部冲锋在前，《书名》写道。" * 20000
    pieces = split_sentences(text)
    assert len(pieces) == 20000
    assert "".join(pieces) == text
