from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bilingual.ingest.normalize import normalize, normalize_with_map


def test_spaces_and_zero_width() -> None:
    assert normalize("\u3000\u3000党员\u200b干部\u00a0") == "党员干部"
    assert normalize("a\u3000 b") == "a b"


def test_stray_spaces_between_single_characters() -> None:
    assert normalize("安 阳 市 委") == "安阳市委"
    assert normalize("党员 ，干部") == "党员，干部"


def test_deliberate_separator_kept() -> None:
    assert normalize("以疫情为令 靠前指挥打硬战") == "以疫情为令 靠前指挥打硬战"
    assert normalize("记者 尚丽娟") == "记者 尚丽娟"


def test_halfwidth_punctuation_in_chinese_context() -> None:
    assert normalize("安阳:党员干部勇担当,抗疫一线党旗红") == "安阳：党员干部勇担当，抗疫一线党旗红"
    assert normalize("有多少人?") == "有多少人？"
    assert normalize("各县(市)区委") == "各县（市）区委"


def test_numbers_times_urls_untouched() -> None:
    assert normalize("2020-02-01 13:07") == "2020-02-01 13:07"
    assert normalize("见 http://127.0.0.1/x?y=1,2") == "见 http://127.0.0.1/x?y=1,2"
    assert normalize("增长6.3%") == "增长6.3%"


ALPHABET = "党员干部安阳市 \u3000\u00a0\u200b,:?!()，。abc12"


@given(st.text(alphabet=ALPHABET, max_size=60))
def test_map_points_back_to_the_original(text: str) -> None:
    normal, origin = normalize_with_map(text)
    assert len(normal) == len(origin)
    assert origin == sorted(origin)
    for ch, i in zip(normal, origin, strict=True):
        src = text[i]
        # each kept character is the original, or its cleaned-up form
        assert ch == src or ch == " " or normalize_with_map(src)[0] in ("", ch) or ch in "，：？！（）"


def test_clean_text_removes_whole_escape_codes_and_says_where() -> None:
    from bilingual.ingest.normalize import Removal, clean_text, describe_removals

    cleaned, removals = clean_text("把\x1b[31m命令\x1b[0m\x01当作\ud800前线")
    assert cleaned == "把命令当作前线"
    assert removals == [Removal(1, "terminal escape code"), Removal(3, "terminal escape code"),
                        Removal(3, "control character"), Removal(5, "invalid character")]
    assert describe_removals(removals) == ("removed 2 terminal escape codes, 1 control character"
                                           " and 1 invalid character")
    text = "党员干部\t说：“好。”\r\n"  # tab and line breaks are text, not damage
    assert clean_text(text) == (text, [])


def test_a_long_text_normalised_in_pieces_is_normalised_as_a_whole() -> None:
    """A whole article on one line is normalised in pieces (the offset map's lists cost some
    100 bytes a character); cut inside runs of ideographs, no rule can tell."""
    import random

    from bilingual.ingest.normalize import normalize_with_map

    rng = random.Random(3)
    ideographs = [*"安阳市委书记中国共产党", "\U00020001"]
    others = [" ", "\u3000", ",", ":", "(", ")", "。", "，", "a", "B", "1", "\u200b", "\t", "?",
              "\n", "\r"]
    cut = 0
    for _ in range(5000):
        text = "".join(rng.choice(ideographs if rng.random() < 0.6 else others)
                       for _ in range(rng.randint(1, 120)))
        whole = normalize_with_map(text)[0]
        for piece in (1, 2, 3, 5, 8):
            assert normalize(text, piece) == whole, (text, piece)
        cut += len(text) > 8 and normalize(text, 8) == whole
    assert cut > 1000
