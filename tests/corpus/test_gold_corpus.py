"""The gold corpus is well-formed, and the structure scorer runs over it.

Accuracy is measured (per layout) by `python -m bench.bench_structure`; the one assertion on it
here is a regression floor below today's figures (0.998 line kinds, 0.991 sentence F1), so a
rule change that breaks a whole layout fails the suite.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent
GOLD_KINDS = {"title", "subtitle", "meta", "byline", "heading", "body", "caption", "editor",
              "boilerplate"}
_STRIP = " \t\r\n\u3000\u00a0\u200b\ufeff"
_SPACE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
GOLDS = sorted(CORPUS.rglob("*.gold.json"))


def _source(gold: Path) -> Path:
    stem = gold.name[: -len(".gold.json")]
    found = [p for p in (gold.with_name(stem + s) for s in (".txt", ".html")) if p.exists()]
    assert len(found) == 1, f"{gold}: expected exactly one fixture beside it"
    return found[0]


def test_corpus_size() -> None:
    layouts = {g.parent.name for g in GOLDS}
    assert len(GOLDS) >= 30
    assert len(layouts) >= 12


@pytest.mark.parametrize("gold", GOLDS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_gold_is_well_formed(gold: Path) -> None:
    data = json.loads(gold.read_text(encoding="utf-8"))
    source = _source(gold)
    assert data["layout"] == gold.parent.name
    assert data["script"] in ("simplified", "traditional")
    assert bool(data.get("html_only_content")) == (source.suffix == ".html")
    lines = data["lines"]
    assert lines and all(line["kind"] in GOLD_KINDS for line in lines)
    assert all(line["text"] == line["text"].strip(_STRIP) and line["text"] for line in lines)
    # sentences are slices of the body lines, in order, and cover them
    body = [line["text"] for line in lines if line["kind"] == "body"]
    assert "".join(_SPACE.sub("", s) for s in data["sentences"]) == \
        "".join(_SPACE.sub("", b) for b in body)
    for sentence in data["sentences"]:
        assert sentence and any(sentence in b for b in body), sentence


@pytest.mark.parametrize("gold", [g for g in GOLDS if _source(g).suffix == ".txt"],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_txt_gold_lists_every_line(gold: Path) -> None:
    data = json.loads(gold.read_text(encoding="utf-8"))
    raw = _source(gold).read_text(encoding="utf-8")
    expected = [t.strip(_STRIP) for t in raw.splitlines() if t.strip(_STRIP)]
    assert [line["text"] for line in data["lines"]] == expected


@pytest.mark.parametrize("gold", [g for g in GOLDS if _source(g).suffix == ".html"],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_html_gold_lines_are_in_the_page(gold: Path) -> None:
    import lxml.html

    data = json.loads(gold.read_text(encoding="utf-8"))
    page = lxml.html.document_fromstring(_source(gold).read_bytes())
    text = _SPACE.sub("", page.text_content())
    for line in data["lines"]:
        assert _SPACE.sub("", line["text"]) in text, line["text"]


def test_scorer_runs_over_the_corpus() -> None:
    from bench.bench_structure import score_corpus

    result = score_corpus(CORPUS)
    overall = result["overall"]
    assert overall["files"] == len(GOLDS)
    assert 0.0 <= overall["line_accuracy"] <= 1.0
    assert 0.0 <= overall["sent_f1"] <= 1.0
    assert set(result["layouts"]) == {g.parent.name for g in GOLDS}
    assert not [f["file"] for f in result["files"] if f["crash"]]


def test_structure_scores_stay_above_the_floor() -> None:
    import sys

    sys.path.insert(0, str(CORPUS.parent.parent))
    from bench.bench_structure import score_corpus

    overall = score_corpus(CORPUS)["overall"]
    assert overall["files"] == len(GOLDS)
    assert overall["line_accuracy"] >= 0.97
    assert overall["sent_f1"] >= 0.97
