"""A real llama.cpp server (llama-cpp-python's OpenAI-compatible server) on 127.0.0.1, serving
the tiny random GGUF model that `bilingual.testing.gguf` builds: what the LLM engine relies on.

The server lives in its own venv, `.venv-llama` at the repository root (llama-cpp-python is
built from source there by `make`); without it these tests are skipped.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilingual.engines.prompt import json_object_grammar
from bilingual.testing.llama_server import llama_server as serve
from bilingual.testing.llama_server import missing_server

pytestmark = pytest.mark.skipif(
    missing_server() is not None,
    reason=f"no llama.cpp server: {missing_server()} (`make test` builds it)",
)

IDS = ["s1", "s2", "s3"]


def _request(url: str, body: dict | None = None, timeout: float = 30.0) -> tuple[int, dict]:
    """GET (no body) or POST JSON; returns (HTTP status, decoded JSON or {"raw": text})."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, text = resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read().decode("utf-8", "replace")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, {"raw": text}


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("gguf", reason="the `gguf` package builds the tiny model")
    from bilingual.testing.gguf import build_tiny_gguf

    return build_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


@pytest.fixture(scope="session")
def llama_server(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT/v1) of a running server; stopped after the session."""
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with serve(tiny_gguf, log) as base:
        yield base


def _chat(base: str, **extra: object) -> tuple[int, dict]:
    body = {
        "messages": [
            {"role": "system", "content": "Translate each segment into English."},
            {"role": "user", "content": "全面推进乡村振兴，推动农业农村高质量发展。"},
        ],
        "max_tokens": 32,
        "temperature": 0.8,
        **extra,
    }
    return _request(f"{base}/chat/completions", body)


def test_models_lists_the_tiny_model(llama_server: str) -> None:
    status, body = _request(f"{llama_server}/models")
    assert status == 200
    assert [m["id"] for m in body["data"]]


def test_chat_completion_answers(llama_server: str) -> None:
    status, body = _chat(llama_server, seed=1)
    assert status == 200, body
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert isinstance(choice["message"]["content"], str)
    assert choice["finish_reason"] in ("stop", "length")
    # llama-cpp-python finishes a UTF-8 character it has begun, past max_tokens by up to 3.
    assert 0 < body["usage"]["completion_tokens"] <= 32 + 3
    assert body["usage"]["prompt_tokens"] > 10  # the ChatML template was applied


def test_json_object_with_schema_is_accepted(llama_server: str) -> None:
    schema = {
        "type": "object",
        "properties": {key: {"type": "string"} for key in IDS},
        "required": IDS,
    }
    status, body = _chat(llama_server, seed=2, max_tokens=64,
                         response_format={"type": "json_object", "schema": schema})
    assert status == 200, body
    # Only accepted: with free-text strings a random model may put raw control characters
    # into them or run out of tokens, so the answer need not parse (the grammar test does).
    assert body["choices"][0]["message"]["content"].lstrip().startswith("{")


def test_grammar_gives_valid_json_with_exactly_the_ids(llama_server: str) -> None:
    grammar = json_object_grammar(IDS, max_chars=24)
    for seed in range(10):
        status, body = _chat(llama_server, seed=seed, max_tokens=400, grammar=grammar)
        assert status == 200, body
        content = body["choices"][0]["message"]["content"]
        parsed = json.loads(content)  # strict: raw control characters would fail here
        assert list(parsed) == IDS, content
        assert all(isinstance(value, str) for value in parsed.values())


def test_grammar_quotes_any_ids(llama_server: str) -> None:
    # A grammar the server cannot parse crashes it (SIGSEGV), so ids must be quoted right.
    ids = ['a"b', "c\\d", "段落 1", "new\nline", "tab\tx", "{s}:"]
    status, body = _chat(llama_server, seed=4, max_tokens=400,
                         grammar=json_object_grammar(ids, max_chars=8))
    assert status == 200, body
    assert list(json.loads(body["choices"][0]["message"]["content"])) == ids


def test_openai_json_schema_form_is_refused(llama_server: str) -> None:
    # llama-cpp-python's server knows only {"type": "json_object", "schema": ...}; the OpenAI
    # form is a validation error it answers with HTTP 500. If this starts to pass, the engine
    # could send the OpenAI form to llama.cpp too.
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "segments", "strict": True, "schema": {
            "type": "object", "properties": {"s1": {"type": "string"}}, "required": ["s1"],
        }},
    }
    status, _ = _chat(llama_server, seed=3, response_format=response_format)
    assert status == 500
