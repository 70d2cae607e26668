"""The Argos engine on a real (tiny) package: loading, batching, decoding settings."""

from __future__ import annotations

import pytest

from bilingual.engines import EngineOptions, create_engine
from bilingual.engines.argos import ArgosEngine, ArgosOptions
from bilingual.errors import BilingualError
from bilingual.ingest.article import load_article
from bilingual.models import find_zh_en


@pytest.fixture
def engine(installed_tiny) -> ArgosEngine:
    pkg = find_zh_en(installed_tiny)
    # a random model never emits its end token: cap decoding near the source length
    return ArgosEngine(pkg, ArgosOptions(length_ratio=1.0, length_extra=2))


def sources(fixtures) -> list[str]:
    article = load_article(fixtures / "long_article.txt")
    return [s.zh_simplified for s in article.segments if s.translate]


def test_one_target_per_source(engine: ArgosEngine, fixtures) -> None:
    texts = sources(fixtures)
    targets = engine.translate(texts)
    assert len(targets) == len(texts)
    assert all(isinstance(t, str) and t.strip() for t in targets)
    assert engine.load_seconds > 0
    assert engine.device == "cpu"


def test_deterministic_and_batch_equals_one_by_one(installed_tiny, fixtures) -> None:
    # A real model stops at its end token; the random one runs to the cap, so give every
    # sentence the same cap, whichever batch it lands in.
    engine = ArgosEngine(find_zh_en(installed_tiny), ArgosOptions(length_ratio=0, length_extra=20))
    texts = sources(fixtures)[:12]
    batched = engine.translate(texts)
    assert engine.translate(texts) == batched
    assert [engine.translate([t])[0] for t in texts] == batched


def test_small_token_batches_give_the_same(installed_tiny, fixtures) -> None:
    pkg = find_zh_en(installed_tiny)
    texts = sources(fixtures)[:10]
    big = ArgosEngine(pkg, ArgosOptions(length_ratio=0, length_extra=20))
    small = ArgosEngine(pkg, ArgosOptions(length_ratio=0, length_extra=20, max_batch_tokens=40))
    assert small.plan_batches([["x"] * 30] * 4) == [[0], [1], [2], [3]]
    assert small.translate(texts) == big.translate(texts)


def test_n_best(engine: ArgosEngine) -> None:
    hyps = engine.hypotheses(["市委书记亲自挂帅。", "党员冲在前。"], 3)
    assert [len(h) for h in hyps] == [3, 3]
    assert hyps[0][0] == engine.translate(["市委书记亲自挂帅。"])[0]


def test_version_names_the_model(engine: ArgosEngine) -> None:
    assert engine.version.startswith("zh-en-1.0+")
    assert "translate-zh_en-tiny" in engine.describe()


def test_create_engine_without_package(packages_dir) -> None:
    with pytest.raises(BilingualError) as info:
        create_engine("argos")
    message = str(info.value)
    assert "no zh→en translation model" in message
    assert "models install --from" in message and "--engine none" in message


def test_create_engine_with_options(installed_tiny) -> None:
    engine = create_engine("argos", EngineOptions(beam_size=2, threads=1, device="auto"))
    assert isinstance(engine, ArgosEngine)
    assert engine.options.beam_size == 2
    assert engine.translate(["党员冲在前。"])[0]
    assert engine.device == "cpu"  # auto, on a machine without CUDA
    with pytest.raises(BilingualError, match="unknown engine"):
        create_engine("google")


class CountingTranslator:
    """The real translator, counting calls and failing every batch that holds `poison`."""

    def __init__(self, real, poison: str = "") -> None:
        self.real, self.poison, self.calls = real, poison, 0

    def translate_batch(self, tokens, **kwargs):
        self.calls += 1
        if self.poison and any(self.poison in "".join(t) for t in tokens):
            raise RuntimeError("position 600 exceeds the maximum of 512\nmore detail")
        return self.real.translate_batch(tokens, **kwargs)


def test_prefix_and_suppress_are_batched(installed_tiny) -> None:
    engine = ArgosEngine(find_zh_en(installed_tiny), ArgosOptions(length_ratio=0, length_extra=8))
    counting = CountingTranslator(engine.translator())
    engine._translator = counting
    texts = ["市委书记亲自挂帅。", "党员冲在前。", "群众安全第一。"] * 10
    forced = engine.translate_with_prefix(texts, ["The Party"] * len(texts))
    assert all(out.startswith("The Party") for out in forced)
    assert counting.calls <= 2  # one call per length group, not one per sentence
    before = counting.calls
    plain = engine.translate(texts)
    words = {w for out in plain for w in out.split()[:3]}
    banned = engine.translate_suppressing(texts, [sorted(words)[:2]] * len(texts))
    assert len(banned) == len(texts) and counting.calls - before <= 4


def test_engine_error_is_contained_to_its_segment(installed_tiny, fixtures) -> None:
    engine = ArgosEngine(find_zh_en(installed_tiny), ArgosOptions(length_ratio=0, length_extra=8))
    texts = sources(fixtures)[:12]
    expected = engine.translate(texts)
    poisoned = texts[5]
    engine._translator = CountingTranslator(engine.translator(), poison=poisoned[:4])
    got = engine.translate(texts)
    assert got[5] == "" and engine.errors() == {
        poisoned: "position 600 exceeds the maximum of 512"}
    assert [g for i, g in enumerate(got) if i != 5] == [e for i, e in enumerate(expected) if i != 5]


def test_engine_error_flags_the_segment_end_to_end(installed_tiny, fixtures) -> None:
    from bilingual.qa import run_qa
    from bilingual.translate import translate_segments

    engine = ArgosEngine(find_zh_en(installed_tiny), ArgosOptions(length_ratio=0, length_extra=8))
    article = load_article(fixtures / "long_article.txt")
    texts = [s.zh_simplified for s in article.segments if s.translate]
    bad = next(s for s in article.segments if s.translate and len(s.zh_simplified) > 10
               and sum(s.zh_simplified[:6] in t for t in texts) == 1)
    engine._translator = CountingTranslator(engine.translator(), poison=bad.zh_simplified[:6])
    stats = translate_segments(article.segments, engine)
    run_qa(article.segments)
    assert stats.engine_errors == 1
    assert bad.en == "" and bad.state == "new"
    assert any(f.check == "engine-error" and f.severity == "error" for f in bad.flags)
    others = [s for s in article.segments if s.translate and s is not bad]
    assert all(s.en and not any(f.check == "engine-error" for f in s.flags) for s in others)


def test_over_long_source_is_cut_at_clauses(installed_tiny) -> None:
    engine = ArgosEngine(find_zh_en(installed_tiny),
                         ArgosOptions(length_ratio=0, length_extra=4, max_source_tokens=12))
    long = "，".join(["市委书记亲自挂帅"] * 12) + "。"
    pieces = engine._pieces(long)
    assert len(pieces) > 2 and all(len(p) <= 12 for p in pieces)
    def text(tokens):
        return "".join(tokens).replace("▁", "")

    assert "".join(text(p) for p in pieces) == text(engine.package.tokenizer.encode(long))
    out = engine.translate([long, "党员冲在前。"])
    assert len(out) == 2 and len(out[0].split()) >= len(pieces)  # one English, all pieces
    hyps = engine.hypotheses([long], 2)[0]
    assert len(hyps) == 2 and hyps[0] == out[0]


def test_injected_english_counts_once_in_the_decoding_cap(engine: ArgosEngine) -> None:
    tokenizer = engine.package.tokenizer
    chinese = tokenizer.encode("市委书记亲自挂帅。")
    injected = tokenizer.encode("the Communist Party of China 亲自挂帅。")
    opts = engine.options
    assert engine._budget(chinese) == int(len(chinese) * opts.length_ratio) + opts.length_extra
    latin = [t for t in injected if t.strip("▁").isascii() and t.strip("▁").isalpha()]
    assert latin and engine._budget(injected) == \
        int((len(injected) - len(latin)) * opts.length_ratio) + len(latin) + opts.length_extra
