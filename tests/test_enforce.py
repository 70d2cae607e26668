"""The inject → verify → repair ladder, with a scripted engine whose failures are on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.engines.base import Engine
from bilingual.ingest.article import load_article
from bilingual.qa import run_qa
from bilingual.records import Term
from bilingual.terms.annotate import annotate, load_term_tools
from bilingual.terms.enforce import Job, enforce, inject, missing_terms, tidy
from bilingual.terms.stats import count_terms
from bilingual.testing import ScriptedEngine
from bilingual.tm import TranslationMemory
from bilingual.translate import translate_segments


def term(zh: str, en: str, start: int) -> Term:
    return Term(zh=zh, en=en, start=start, end=start + len(zh), source="test",
                norm_start=start, norm_end=start + len(zh))


SOURCE = "中国共产党领导疫情防控工作。"
TERMS = [term("中国共产党", "the Communist Party of China (CPC)", 0),
         term("疫情防控", "epidemic prevention and control", 7)]
BANNED = {"the Communist Party of China (CPC)": ("Chinese Communist Party", "CCP")}


def run(engine: Engine, banned=None) -> Job:
    job = Job(SOURCE, list(TERMS), dict(banned or {}))
    enforce([job], engine)
    return job


def test_inject_replaces_terms_with_english() -> None:
    assert inject(SOURCE, TERMS) == \
        "the Communist Party of China (CPC) 领导 epidemic prevention and control 工作。"


def test_verify() -> None:
    ok = "The Communist Party of China (CPC) leads epidemic prevention and control."
    assert missing_terms(ok, TERMS) == []
    assert missing_terms("The CPC leads.", TERMS) == [t.en for t in TERMS]
    twice = ok + " epidemic prevention and control"
    assert missing_terms(twice, TERMS) == ["epidemic prevention and control"]  # duplicated
    assert missing_terms(ok + " 中国共产党", TERMS) == ["the Communist Party of China (CPC)"]


def test_rung_inject() -> None:
    job = run(ScriptedEngine("copy"))
    assert (job.rung, job.missing) == ("inject", [])
    assert job.output.startswith("The report mentions the Communist Party of China (CPC)")


def test_rung_n_best_third_hypothesis() -> None:
    engine = ScriptedEngine("nbest", right_at=2)
    job = run(engine)
    assert (job.rung, job.missing) == ("n-best", [])
    assert engine.calls == ["hypotheses"]  # the n-best list comes with the first decode


def test_rung_prefix() -> None:
    job = run(ScriptedEngine("drop", prefix_ok=True))
    # the prefix forces the first missing term; the scripted engine then drops the second
    assert job.rung in ("prefix", "missing")
    engine = ScriptedEngine("drop", prefix_ok=True)
    single = Job("中国共产党领导。", [TERMS[0]])
    enforce([single], engine)
    assert (single.rung, single.missing) == ("prefix", [])
    assert single.output.startswith("The Communist Party of China (CPC)")


def test_rung_suppress_then_replace() -> None:
    job = run(ScriptedEngine("wrong", suppress_ok=True), BANNED)
    assert (job.rung, job.missing) == ("suppress", [])
    job = run(ScriptedEngine("wrong"), BANNED)
    assert (job.rung, job.missing) == ("replace", [])
    assert "Chinese Communist Party" not in job.output


def test_missing_flagged() -> None:
    job = run(ScriptedEngine("drop"))
    assert job.rung == "missing"
    assert job.missing == [t.en for t in TERMS]
    dup = run(ScriptedEngine("dup"))
    assert dup.rung == "missing"


def test_tidy() -> None:
    assert tidy("the the Communist Party of China (CPC) leads .") == \
        "The Communist Party of China (CPC) leads."
    assert tidy("  a  the  plan") == "A plan"


@pytest.fixture(scope="module")
def tools():
    return load_term_tools()


def test_segments_get_flags_and_statuses(tools, fixtures: Path, tmp_path: Path) -> None:
    article = load_article(fixtures / "long_article.txt")
    annotate(article.segments, tools)
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        translate_segments(article.segments, ScriptedEngine("copy"), tm,
                           tools.fingerprint, tools.glossary)
        counts = count_terms(article.segments)
        assert counts.matched > 20 and counts.by_rung["inject"] == counts.matched
        assert counts.term_missing_segments == 0
        for seg in article.segments:
            for t in seg.terms:
                assert t.rung == "inject" and t.en in seg.en
        again = load_article(fixtures / "long_article.txt")
        annotate(again.segments, tools)
        stats2 = translate_segments(again.segments, ScriptedEngine("drop"), tm,
                                    tools.fingerprint, tools.glossary)
        assert stats2.from_tm == stats2.segments  # the TM answers; verified, not flagged
        assert all(t.rung == "tm" for s in again.segments for t in s.terms)

    dropped = load_article(fixtures / "long_article.txt")
    annotate(dropped.segments, tools)
    translate_segments(dropped.segments, ScriptedEngine("drop"), None,
                       tools.fingerprint, tools.glossary)
    run_qa(dropped.segments)
    flagged = [s for s in dropped.segments if any(f.check == "term-missing" for f in s.flags)]
    counts3 = count_terms(dropped.segments)
    assert counts3.term_missing_segments == len(flagged) > 0
    assert counts3.by_rung["missing"] == counts3.matched


def test_glossary_edit_retranslates(tools, fixtures: Path, tmp_path: Path) -> None:
    user = tmp_path / "desk.tsv"
    user.write_text("zh\ten\n大会号召\tcall of the congress\n", encoding="utf-8")
    edited = load_term_tools([user])
    assert edited.fingerprint != tools.fingerprint
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        for t, expect_engine in ((tools, True), (tools, False), (edited, True)):
            article = load_article(fixtures / "long_article.txt")
            annotate(article.segments, t)
            stats = translate_segments(article.segments, ScriptedEngine("copy"), tm,
                                       t.fingerprint, t.glossary)
            assert (stats.engine_sources > 0) == expect_engine


def test_translate_cli_reports_terms(installed_tiny, fixtures: Path, tmp_path: Path) -> None:
    user = tmp_path / "desk.tsv"
    user.write_text("zh\ten\n某某县\tMoumou County\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["translate", str(fixtures / "long_article.txt"), "-o",
                                      str(tmp_path / "out"), "--no-tm", "-g", str(user)])
    assert result.exit_code == 0, result.output
    assert "terms: " in result.stdout and "matched" in result.stdout
    assert " missing; " in result.stdout  # the tiny random model misses terms
    import json
    rows = [json.loads(x) for x in (tmp_path / "out" / "long_article" /
                                    "long_article.aligned.jsonl").read_text().splitlines()]
    terms = [t for r in rows for t in r["terms"]]
    assert any(t["zh"] == "某某县" and t["en"] == "Moumou County" for t in terms)
    assert all(t["rung"] for t in terms)
    # the ladder's cost is bounded and reported: at most two repair passes after the first
    run_json = json.loads((tmp_path / "out" / "run.json").read_text())
    decoding = run_json["decoding"]
    assert decoding["passes"] <= 3 and 1 < decoding["per_sentence"] <= 6
    assert decoding["hypotheses"] <= 6 * decoding["sentences"]
    assert "decodes a sentence" in result.stdout
    # the real engine path: every term is either satisfied at some rung or flagged
    for r in rows:
        missing = [t["en"] for t in r["terms"] if t["rung"] == "missing"]
        assert bool(missing) == any(f["check"] == "term-missing" for f in r["flags"])


def test_fixed_case_rendering_is_never_recased(tmp_path: Path) -> None:
    desk = tmp_path / "desk.tsv"
    desk.write_text("zh\ten\tflags\taccepted\n小康\txiaokang\tfixed-case\t"
                    "moderate prosperity\n", encoding="utf-8")
    tools = load_term_tools([desk], include_default=False, names=False)
    article = load_article_text("小康社会全面建成。")
    annotate(article.segments, tools)
    term = article.segments[0].terms[0]
    assert term.fixed_case and term.accepted == ("moderate prosperity",)
    assert tidy("xiaokang society is built.", [term]) == "xiaokang society is built."
    assert tidy("the society is built.", [term]) == "The society is built."
    # an earlier official rendering listed as accepted satisfies verification
    assert missing_terms("A moderate prosperity society.", [term]) == []
    assert missing_terms("A prosperous society.", [term]) == ["xiaokang"]


def load_article_text(text: str):
    from bilingual.ingest.article import build_article
    from bilingual.ingest.reading import Source

    return build_article(Source("t.txt", "t", text, "utf-8", "txt"))


def test_ladder_is_batched_and_bounded() -> None:
    # 30 failing sentences: each repair step is one call over all of them, and the ladder
    # stops after its budget of extra passes however many terms are still missing
    engine = ScriptedEngine("drop", prefix_ok=True, suppress_ok=True)
    jobs = [Job(f"{SOURCE}{i}", list(TERMS), dict(BANNED)) for i in range(30)]
    counts = enforce(jobs, engine)
    # the forced pass puts the first term in (progress), so a second pass forces the next;
    # the budget then ends the ladder
    assert engine.calls == ["hypotheses", "prefix", "prefix"]
    assert (counts.sentences, counts.passes) == (30, 3)
    assert counts.hypotheses == 30 * 4 + 30 + 30
    assert all(j.rung == "missing" for j in jobs)
    assert enforce([Job(SOURCE, list(TERMS))], ScriptedEngine("drop", prefix_ok=True),
                   passes=5).passes <= 4
    # with no budget, only the first pass runs
    engine = ScriptedEngine("drop", prefix_ok=True)
    jobs = [Job(SOURCE, list(TERMS))]
    assert enforce(jobs, engine, passes=0).passes == 1
    assert engine.calls == ["hypotheses"] and jobs[0].rung == "missing"


def test_fixed_segments_leave_the_ladder() -> None:
    # n-best fixes every sentence: no forced pass is paid for
    engine = ScriptedEngine("nbest", right_at=1, prefix_ok=True)
    jobs = [Job(f"{SOURCE}{i}", list(TERMS)) for i in range(5)]
    counts = enforce(jobs, engine)
    assert engine.calls == ["hypotheses"] and counts.passes == 1
    assert all(j.rung == "n-best" for j in jobs)


def test_decode_counts_reach_the_run_summary(fixtures: Path, tmp_path: Path, tools) -> None:
    article = load_article(fixtures / "long_article.txt")
    annotate(article.segments, tools)
    stats = translate_segments(article.segments, ScriptedEngine("drop", prefix_ok=True), None,
                               tools.fingerprint, tools.glossary)
    assert stats.decode_passes <= 3
    assert stats.engine_sources < stats.hypotheses_decoded <= 6 * stats.engine_sources
    assert 1 < stats.decodes_per_sentence() <= 6


class PartlyForced(Engine):
    """The first answer has only the last term; forcing a prefix brings in the first term,
    never the second."""

    name = "partly"
    A, B, C = "the Communist Party of China (CPC)", "epidemic prevention and control", "people"

    def translate(self, sources: list[str]) -> list[str]:
        return [f"Under it, the {self.C} work." for _ in sources]

    def hypotheses(self, sources: list[str], n: int) -> list[list[str]]:
        return [[out] for out in self.translate(sources)]

    def translate_with_prefix(self, sources: list[str], prefixes: list[str]) -> list[str]:
        return [f"{self.A} leads the {self.C} work." for _ in sources]


def test_each_term_is_credited_to_the_step_that_brought_it() -> None:
    """A term the first answer already had counts as first time, even in a segment a repair
    fixed or left short; the rest go to the repair whose output was kept."""
    from bilingual.terms.enforce import term_rung

    terms = [*TERMS, term("人民", PartlyForced.C, 3)]
    job = Job(SOURCE, terms)
    enforce([job], PartlyForced())
    assert job.rung == "missing" and job.missing == [PartlyForced.B]
    assert [term_rung(job, t.en) for t in terms] == ["prefix", "missing", "inject"]
    done = Job(SOURCE, [terms[0], terms[2]])
    enforce([done], PartlyForced())
    assert done.rung == "prefix"
    assert [term_rung(done, t.en) for t in done.terms] == ["prefix", "inject"]


def test_an_llm_re_ask_is_its_own_rung() -> None:
    class Reasking(ScriptedEngine):
        alternatives = "reask"

    job = run(Reasking("nbest", right_at=1))
    assert (job.rung, job.missing) == ("reask", [])
