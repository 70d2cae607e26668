"""Site-chrome words inside real body sentences must stay body text (not boilerplate)."""

from __future__ import annotations

import pytest

from . import fakelt, gen
from .conftest import FAST

SENTENCES = {
    "lianxi-women": "居民如有困难可以随时联系我们社区的党员志愿者，他们将第一时间上门服务。",
    "fenxiang-dao": "不少党员把防疫知识分享到微信群里，提醒群众做好个人防护。",
    "shang-yi-pian": "与上一篇通报相比，全县新增确诊病例数量明显下降，防控形势持续向好。",
    "dangqian-weizhi": "工作人员根据当前位置信息，迅速联系了密切接触者并落实隔离措施。",
}


@pytest.mark.parametrize("kind", [
    k
    for k in SENTENCES])
def test_chrome_word_mid_sentence_kept(cli, tmp_path, kind):
    sentence = SENTENCES[kind]
    src = tmp_path / "in" / "body.txt"
    src.parent.mkdir()
    src.write_text(gen.article_with(sentence), encoding="utf-8")
    out = tmp_path / "out"
    with fakelt.serve("ok") as (url, _):
        result = cli("translate", src, "-o", out, "--engine", "libretranslate", "--url", url,
                     "--no-tm", *FAST, "--formats", "tsv,en,jsonl", timeout=60)
    assert result.returncode == 0, result
    tsv = (out / "body" / "body.aligned.tsv").read_text(encoding="utf-8")
    en = (out / "body" / "body.en.txt").read_text(encoding="utf-8")
    assert sentence in tsv, "dropped from the TSV (taken for boilerplate)"
    assert sentence in en, "not translated: missing from en.txt"
    # the paragraphs after it are body too (not everything after a chrome word is dropped)
    assert gen.BODY[-1] in tsv
