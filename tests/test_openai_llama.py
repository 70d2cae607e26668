"""The openai engine end to end against a real llama.cpp server (llama-cpp-python's
OpenAI-compatible server) serving the tiny random GGUF model, on 127.0.0.1.

A random model's English is noise, but what the engine relies on is real: the server refuses
the OpenAI `json_schema` form (so the engine falls back to llama.cpp's `grammar` field), and
under the engine's grammar every answer parses with exactly the ids asked for, so every segment
gets its own English and nothing is shifted. The glossary's renderings are (of course) not in
noise: each segment is re-asked once, then flagged `term-missing`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.engines.openai import OpenAIEngine, OpenAIOptions
from bilingual.run.executor import BatchOptions, load_tools, run_batch
from bilingual.run.inputs import plan
from bilingual.testing.llama_server import MODEL_ALIAS, llama_server, missing_server

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "county-epidemic-notice.txt"
SHORT = ("习近平总书记主持召开中共中央政治局会议。会议强调，要坚持和完善人民代表大会制度。\n\n"
         "各级党组织要全面从严治党。要全面推进乡村振兴。\n")
runner = CliRunner()

pytestmark = pytest.mark.skipif(missing_server() is not None,
                                reason=f"no llama.cpp server: {missing_server()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("gguf", reason="the `gguf` package builds the tiny model")
    from bilingual.testing.gguf import build_tiny_gguf

    folder = tmp_path_factory.mktemp("llama")
    # a context of 8192: the tiny vocabulary spends about a token a character of the prompt
    model = build_tiny_gguf(folder / "tiny.gguf", n_ctx=8192)
    with llama_server(model, folder / "server.log") as base:
        yield base


def _rows(out: Path, stem: str) -> dict[str, dict]:
    lines = (out / stem / f"{stem}.aligned.jsonl").read_text("utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines) if r.get("translate")}


def test_aligned_answers_from_a_random_model_under_the_grammar(server: str,
                                                              tmp_path: Path) -> None:
    article = tmp_path / "short.txt"
    article.write_text(SHORT, "utf-8")
    engine = OpenAIEngine(OpenAIOptions(url=server))
    engine.connect()
    assert engine.model == MODEL_ALIAS  # the only model served, taken without --model
    result = run_batch(plan([article]), engine, None,
                       BatchOptions(out=tmp_path, formats=["jsonl"]), tools=load_tools([]))
    assert not result.failed
    assert engine.mode == "grammar"  # json_schema refused (HTTP 500), probed once
    rows = _rows(tmp_path, "short")
    for row in rows.values():
        checks = {f["check"] for f in row["flags"]}
        assert row["en"] and "engine-error" not in checks and "untranslated" not in checks
        assert "term-missing" in checks  # noise has no official rendering
    usage = result.usage
    # one request for both paragraphs, one re-ask naming the misses, and the refused probe
    assert usage["requests"] == 3, usage
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert result.terms().by_rung["missing"] == result.terms().matched


def test_the_sample_end_to_end_through_the_cli(server: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["translate", str(SAMPLE), "--engine", "openai", "--url", server, "--model",
            MODEL_ALIAS, "-o", str(out), "--tm", str(tmp_path / "tm.sqlite")]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    report = json.loads((out / SAMPLE.stem / f"{SAMPLE.stem}.report.json").read_text("utf-8"))
    assert report["segments"]["state"] == {"mt": report["segments"]["translatable"]}
    assert "engine-error" not in report["qa"]["summary"]
    assert all(r["en"] for r in _rows(out, SAMPLE.stem).values())
    requests = report["run"]["usage"]["requests"]
    assert 0 < requests < report["segments"]["translatable"]
    assert f"requests: {requests};" in first.output
    again = runner.invoke(app, [*args, "--force"])
    assert again.exit_code == 0, again.output
    assert "requests: 0; tokens: 0 prompt + 0 completion" in again.output


def test_models_list_against_the_real_server(server: str) -> None:
    result = runner.invoke(app, ["models", "list", "--engine", "openai", "--url", server])
    assert result.exit_code == 0, result.output
    assert f"  {MODEL_ALIAS}" in result.output.splitlines()
