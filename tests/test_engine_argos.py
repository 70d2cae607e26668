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
