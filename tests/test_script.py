from __future__ import annotations

import pytest

from bilingual.errors import BilingualError
from bilingual.ingest.script import ScriptConverter


@pytest.fixture(scope="module")
def scripts() -> ScriptConverter:
    return ScriptConverter()


def test_detect(scripts: ScriptConverter) -> None:
    assert scripts.detect("市委书记李公乐说，党支部书记要发挥作用。") == "simplified"
    assert scripts.detect("市委書記李公樂說，黨支部書記要發揮作用。") == "traditional"
    assert scripts.detect("no chinese") == "simplified"


def test_to_simplified_keeps_length(scripts: ScriptConverter) -> None:
    for text in ["黨員幹部勇擔當", "記憶體與軟體", "「請書記放心」"]:
        out = scripts.to_simplified(text)
        assert len(out) == len(text)
    assert scripts.to_simplified("黨員幹部") == "党员干部"


def test_display(scripts: ScriptConverter) -> None:
    assert scripts.display("党员干部", "simplified", "auto") == "党员干部"
    assert scripts.display("党员干部", "simplified", "traditional") == "黨員幹部"
    assert scripts.display("黨員幹部", "traditional", "simplified") == "党员干部"
    assert scripts.display("台湾", "simplified", "tw") == "臺灣"
    with pytest.raises(BilingualError):
        scripts.display("党", "simplified", "klingon")
