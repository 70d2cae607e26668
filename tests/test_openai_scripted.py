"""The openai engine against a scripted OpenAI-compatible server on 127.0.0.1: a translator
that follows the glossary in the prompt, and every fault on purpose (malformed JSON, missing
and extra ids, Chinese left, a dropped term, 429 with Retry-After, 500, a hang past the
timeout, 401, an unknown model, a dropped connection, a context overflow)."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.engines import prompt
from bilingual.engines.openai import OpenAIEngine, OpenAIOptions
from bilingual.errors import BilingualError
from bilingual.run.executor import BatchOptions, BatchResult, Tools, load_tools, run_batch
from bilingual.run.inputs import plan

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "county-epidemic-notice.txt"
SHORT = ("县委召开会议\n\n"
         "习近平总书记主持召开中共中央政治局会议。会议强调，要坚持和完善人民代表大会制度。\n\n"
         "各级党组织要全面从严治党。要全面推进乡村振兴。\n")
runner = CliRunner()


def _glossary(message: str) -> list[tuple[str, str]]:
    block = message.split("Glossary (Chinese → required English):\n", 1)
    if len(block) < 2:
        return []
    lines = block[1].split("\n\n", 1)[0].splitlines()
    return [(zh, re.sub(r" \(never: .*\)$", "", en)) for zh, en in
            (line.split(" → ", 1) for line in lines)]


def fake_english(zh: str, glossary: list[tuple[str, str]]) -> str:
    """An English sentence with each glossary rendering once per (longest, non-overlapping)
    occurrence of its Chinese: what a model that follows the prompt writes."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for term, en in sorted(glossary, key=lambda p: -len(p[0])):
        at = zh.find(term)
        while at >= 0:
            end = at + len(term)
            if all(end <= a or at >= b for a, b in taken):
                taken.append((at, end))
                found.append((at, en))
            at = zh.find(term, at + 1)
    words = [en for _, en in sorted(found)]
    return ("It said " + ", ".join(words) + " matter.") if words else "It was said."


class Scripted(BaseHTTPRequestHandler):
    """/v1/models and /v1/chat/completions, with faults taken one per chat request."""

    faults: ClassVar[list[str]] = []
    poison: ClassVar[set[str]] = set()  # ids whose English always keeps Chinese
    always_drop: ClassVar[bool] = False  # never the glossary's renderings
    refuse_schema: ClassVar[bool] = False  # like llama.cpp: json_schema → 500
    models_status: ClassVar[int] = 200
    chats: ClassVar[list[dict[str, Any]]] = []
    hang: ClassVar[float] = 2.0
    window: ClassVar[int] = 0  # a context window, in characters of the user message (0: none)

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, code: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.models_status != 200:
            self._send(self.models_status, {"error": {"message": "Incorrect API key provided"}})
            return
        self._send(200, {"object": "list", "data": [{"id": "m1"}, {"id": "m2"}]})

    def do_POST(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).chats.append(payload)
        fault = self.faults.pop(0) if self.faults else ""
        if self.refuse_schema and payload.get("response_format", {}).get("type") == "json_schema":
            self._send(500, {"error": {"message": "1 validation error: ('body', "
                                       "'response_format', 'type') Input should be 'text' or "
                                       "'json_object'"}})
            return
        if self.window and len(payload["messages"][-1]["content"]) > self.window:
            fault = "ctx"
        status = {"429": 429, "500": 500, "401": 401, "404": 404, "ctx": 400}.get(fault)
        if status:
            message = "context_length_exceeded: too many tokens for the context" \
                if fault == "ctx" else f"fault {fault}"
            self._send(status, {"error": {"message": message}},
                       {"Retry-After": "1"} if status == 429 else None)
            return
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault == "hang":
            time.sleep(self.hang)
        self._send(200, self._answer(payload, fault))

    def _answer(self, payload: dict[str, Any], fault: str) -> dict[str, Any]:
        message = payload["messages"][-1]["content"]
        segments = json.loads(message.split("Segments:\n", 1)[1])
        glossary = [] if self.always_drop or fault in ("drop-term", "illegal") \
            else _glossary(message)
        answer = {i: fake_english(zh, glossary) for i, zh in segments.items()}
        for i in answer:
            if i in self.poison or (fault == "chinese" and i == next(iter(answer))):
                answer[i] += " 未翻译"
        if fault == "missing-id":
            answer.pop(next(iter(answer)))
        if fault == "extra-id":
            answer["p99.s9"] = "Extra."
        content = json.dumps(answer, ensure_ascii=False)
        if fault == "illegal":  # JSON escapes of what no XML output can carry
            answer = {i: en.replace(" ", " \ufffe\ud800 ", 1) for i, en in answer.items()}
            content = json.dumps(answer)
        if fault == "malformed":
            content = content[:-5]
        return {"choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": len(message), "completion_tokens": len(content)}}


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a dropped connection is on purpose here


@pytest.fixture
def server() -> Iterator[str]:
    Scripted.faults, Scripted.poison, Scripted.chats = [], set(), []
    Scripted.window = 0
    Scripted.always_drop = Scripted.refuse_schema = False
    Scripted.models_status = 200
    httpd = QuietServer(("127.0.0.1", 0), Scripted)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def tools() -> Tools:
    return load_tools([])


@pytest.fixture
def short(tmp_path: Path) -> Path:
    path = tmp_path / "short.txt"
    path.write_text(SHORT, "utf-8")
    return path


def engine_for(url: str, **options: Any) -> OpenAIEngine:
    engine = OpenAIEngine(OpenAIOptions(url=url, model="m1", backoff=0.01, **options))
    engine.connect()
    return engine


def run(path: Path, out: Path, engine: OpenAIEngine, tools: Tools) -> tuple[BatchResult, dict]:
    result = run_batch(plan([path]), engine, None, BatchOptions(out=out, formats=["jsonl"]),
                       tools=tools)
    # an article with engine errors is written but not counted done (its rerun retries them)
    assert all("engine errors" in o.reason for o in result.failed), result.failed
    rows = [json.loads(line) for line in
            (out / path.stem / f"{path.stem}.aligned.jsonl").read_text("utf-8").splitlines()]
    return result, {r["id"]: r for r in rows if r.get("translate")}


def flags(row: dict) -> set[str]:
    return {f["check"] if isinstance(f, dict) else f.split(":")[0] for f in row["flags"]}


def test_sample_end_to_end_then_the_tm_costs_no_request(server: str, tmp_path: Path) -> None:
    args = ["translate", str(SAMPLE), "--engine", "openai", "--url", server, "--model", "m1",
            "-o", str(tmp_path / "out"), "--tm", str(tmp_path / "tm.sqlite")]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    asked = len(Scripted.chats)
    report = json.loads((tmp_path / "out" / SAMPLE.stem / f"{SAMPLE.stem}.report.json")
                        .read_text("utf-8"))
    assert report["segments"]["state"] == {"mt": report["segments"]["translatable"]}
    assert report["terms"]["missing"] == 0 and report["terms"]["first_time"] > 30
    assert report["run"]["usage"]["requests"] == asked
    assert "engine-error" not in report["qa"]["summary"]
    # a paragraph (or a few short ones) per request, not a request per sentence
    assert asked < report["segments"]["translatable"] / 2
    run_json = json.loads((tmp_path / "out" / "run.json").read_text("utf-8"))
    assert run_json["usage"] == report["run"]["usage"]
    assert run_json["articles"][0]["usage"]["requests"] == asked
    assert f"requests: {asked}; tokens:" in first.output

    again = runner.invoke(app, [*args, "--force"])
    assert again.exit_code == 0, again.output
    assert len(Scripted.chats) == asked  # every sentence from the TM
    assert "requests: 0; tokens: 0 prompt + 0 completion" in again.output


def test_prompt_holds_only_matched_terms_ids_and_the_previous_paragraph(
        server: str, short: Path, tmp_path: Path, tools: Tools) -> None:
    _, rows = run(short, tmp_path, engine_for(server, group_chars=45), tools)
    assert all(r["en"] for r in rows.values())
    assert len(Scripted.chats) == 3  # one request per paragraph (budget 45 characters)
    system = Scripted.chats[0]["messages"][0]["content"]
    assert "CPC" in system and "CCP" in system
    second = Scripted.chats[1]["messages"][-1]["content"]
    third = Scripted.chats[2]["messages"][-1]["content"]
    assert "习近平总书记 → General Secretary Xi Jinping" in second
    assert "习近平总书记" not in third.split("Glossary", 1)[1]  # only the terms matched here
    assert "full and rigorous Party self-governance (never: comprehensively" in third
    assert f"English: {rows['p2.s1']['en']} {rows['p2.s2']['en']}" in third  # context
    assert json.loads(third.split("Segments:\n", 1)[1]) == {
        "p3.s1": "各级党组织要全面从严治党。", "p3.s2": "要全面推进乡村振兴。"}
    assert Scripted.chats[0]["response_format"]["type"] == "json_schema"


def test_json_schema_refused_falls_back_to_grammar_once(server: str, short: Path,
                                                        tmp_path: Path, tools: Tools) -> None:
    Scripted.refuse_schema = True
    engine = engine_for(server, group_chars=45)
    _, rows = run(short, tmp_path, engine, tools)
    assert all(r["en"] for r in rows.values())
    assert engine.mode == "grammar"
    kinds = ["grammar" if "grammar" in c else c.get("response_format", {}).get("type")
             for c in Scripted.chats]
    assert kinds == ["json_schema", "grammar", "grammar", "grammar"]


@pytest.mark.parametrize("fault", ["malformed", "missing-id", "extra-id", "chinese", "500"])
def test_a_bad_answer_is_asked_again(fault: str, server: str, short: Path, tmp_path: Path,
                                     tools: Tools) -> None:
    Scripted.faults = [fault]
    result, rows = run(short, tmp_path, engine_for(server), tools)
    assert all(r["en"] and not flags(r) & {"engine-error", "untranslated"}
               for r in rows.values())
    assert len(Scripted.chats) == 2  # everything fits one request; the fault costs one more
    assert result.usage["requests"] == 2


def test_a_segment_that_stays_bad_is_flagged_not_shifted(server: str, short: Path,
                                                         tmp_path: Path, tools: Tools) -> None:
    Scripted.poison = {"p3.s1"}
    result, rows = run(short, tmp_path, engine_for(server), tools)
    bad = rows["p3.s1"]
    assert bad["en"] == "" and bad["state"] == "new" and "engine-error" in flags(bad)
    assert "Chinese left in the English of p3.s1" in json.dumps(bad["flags"], ensure_ascii=False)
    # its neighbours got their own English from single-segment requests
    assert all(r["en"] and not flags(r) for i, r in rows.items() if i != "p3.s1")
    assert rows["p3.s2"]["en"].startswith("It said advance rural revitalization")
    # 2 tries for the whole, then 2 per segment for the bad one and 1 for each other
    assert result.usage["requests"] == 2 + 2 + 4


def test_a_dropped_term_is_reasked_with_the_miss_named(server: str, short: Path,
                                                      tmp_path: Path, tools: Tools) -> None:
    Scripted.faults = ["drop-term"]
    result, rows = run(short, tmp_path, engine_for(server), tools)
    reask = Scripted.chats[1]["messages"][-1]["content"]
    assert 'must contain "full and rigorous Party self-governance"' in reask
    assert result.terms().by_rung["reask"] == result.terms().matched  # the re-ask fixed all
    assert "repaired by re-ask" in result.terms().describe()
    assert all(r["en"] and not flags(r) for r in rows.values())


def test_a_term_the_model_never_uses_is_flagged_after_one_reask(
        server: str, short: Path, tmp_path: Path, tools: Tools) -> None:
    Scripted.always_drop = True
    result, rows = run(short, tmp_path, engine_for(server), tools)
    assert len(Scripted.chats) == 2  # the first ask and one re-ask
    assert "term-missing" in flags(rows["p3.s1"])
    assert result.terms().by_rung["missing"] == result.terms().matched


def test_429_waits_as_retry_after_says(server: str, short: Path, tmp_path: Path,
                                       tools: Tools) -> None:
    Scripted.faults = ["429"]
    start = time.perf_counter()
    _, rows = run(short, tmp_path, engine_for(server), tools)
    assert time.perf_counter() - start >= 1.0  # Retry-After: 1, not the 0.01 s backoff
    assert all(r["en"] for r in rows.values()) and len(Scripted.chats) == 2


def test_a_hang_past_the_timeout_is_retried_then_flagged(server: str, short: Path,
                                                         tmp_path: Path, tools: Tools) -> None:
    Scripted.hang = 1.0
    Scripted.faults = ["hang"]
    _, rows = run(short, tmp_path, engine_for(server, timeout=0.3), tools)
    assert all(r["en"] for r in rows.values()) and len(Scripted.chats) == 2
    Scripted.faults = ["hang"] * 20
    _, rows = run(short, tmp_path / "again", engine_for(server, timeout=0.3), tools)
    assert all("no answer within 0.3 s" in json.dumps(r["flags"]) for r in rows.values())
    assert len(Scripted.chats) == 2 + 2 + 2 * len(rows)  # whole twice, then each twice


def test_context_overflow_splits_the_request(server: str, short: Path, tmp_path: Path,
                                             tools: Tools) -> None:
    Scripted.faults = ["ctx"]
    _, rows = run(short, tmp_path, engine_for(server), tools)
    assert all(r["en"] and not flags(r) for r in rows.values())
    assert len(Scripted.chats) == 1 + len(rows)  # then one request per segment


def test_a_dropped_connection_ends_the_run(server: str, short: Path, tmp_path: Path,
                                           tools: Tools) -> None:
    # no status at all: the server died (llama.cpp does on a grammar it cannot parse), so
    # after a few tries the run stops with one line rather than flag every segment
    Scripted.faults = ["drop"] * 10
    with pytest.raises(BilingualError, match=r"lost the server .*is it still running"):
        run(short, tmp_path, engine_for(server), tools)
    assert len(Scripted.chats) == 5  # the first try and 4 retries


@pytest.mark.parametrize(("setup", "expected"), [
    ({"models_status": 401}, "refused the API key (401"),
    ({"model": "nope"}, "has no model 'nope' (it offers: m1, m2)"),
    ({"chat_fault": "404"}, "not found (fault 404)"),
    ({"url": "-"}, "no server URL"),
])
def test_errors_no_retry_fixes_are_one_line_before_any_article(
        setup: dict, expected: str, server: str, short: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    Scripted.models_status = setup.get("models_status", 200)
    Scripted.faults = [setup["chat_fault"]] if "chat_fault" in setup else []
    url = "" if setup.get("url") == "-" else server
    result = runner.invoke(app, ["translate", str(short), "--engine", "openai", "--url", url,
                                 "--model", setup.get("model", "m1"), "--no-tm", "-o",
                                 str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "short").exists()


def test_url_key_and_model_from_the_environment(server: str, short: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", server)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    result = runner.invoke(app, ["translate", str(short), "--engine", "openai", "--model", "m2",
                                 "--no-tm", "-o", str(tmp_path), "--formats", "report"])
    assert result.exit_code == 0, result.output
    assert Scripted.chats[0]["model"] == "m2"


def test_models_list_shows_what_the_server_offers(server: str) -> None:
    result = runner.invoke(app, ["models", "list", "--engine", "openai", "--url", server])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == ["  m1", "  m2"]


def test_no_model_given_takes_the_only_one_or_says_which(server: str) -> None:
    engine = OpenAIEngine(OpenAIOptions(url=server))
    with pytest.raises(BilingualError, match=r"give --model .*m1, m2"):
        engine.connect()


def test_parse_answer_is_lenient_in_reading_strict_in_accepting() -> None:
    fenced = '<think>{"a": "wrong"}</think>```json\n{"a": "One\x01 two", "b": "Three"}\n```'
    assert prompt.parse_answer(fenced, ["a", "b"]) == {"a": "One two", "b": "Three"}
    for bad, why in [('{"a": "x", "a": "y", "b": "z"}', "repeated a"),
                     ('{"a": "x"}', "missing b"), ('{"a": "x", "b": ""}', "no English for b"),
                     ("no json", "no JSON object"), ('{"a": "x", "b": "中"}', "Chinese")]:
        with pytest.raises(prompt.AnswerError, match=why):
            prompt.parse_answer(bad, ["a", "b"])


def test_the_grammar_quotes_ids_and_keeps_chinese_out() -> None:
    grammar = prompt.json_object_grammar(['a"b', "p1.s1"], [5, 7])
    assert '"\\"a\\\\\\"b\\":"' in grammar and "char{0,5}" in grammar and "char{0,7}" in grammar
    assert "\\u4E00-\\u9FFF" in grammar


def test_articles_in_parallel_across_chunks_with_usage_per_article(
        server: str, tmp_path: Path, tools: Tools) -> None:
    paths = []
    for n in range(3):
        path = tmp_path / f"a{n}.txt"
        path.write_text(SHORT.replace("县委", f"第{n}县委"), "utf-8")
        paths.append(path)
    engine = engine_for(server, concurrency=2)
    result = run_batch(plan(paths), engine, None,
                       BatchOptions(out=tmp_path / "out", formats=["jsonl"], chunk=2), tools=tools)
    assert [o.result for o in result.outcomes] == ["done"] * 3
    for path in paths:
        lines = (tmp_path / "out" / path.stem / f"{path.stem}.aligned.jsonl").read_text("utf-8")
        assert all(r["en"] for r in map(json.loads, lines.splitlines()) if r["translate"])
    per_article = [o.usage["requests"] for o in result.outcomes]
    # the sentences shared by the articles are asked once, for the first article that has them
    assert sum(per_article) == result.usage["requests"] == len(Scripted.chats)
    assert per_article == [1, 1, 1]


def test_characters_no_output_can_carry_are_dropped_from_answers(
        server: str, short: Path, tmp_path: Path, tools: Tools) -> None:
    """U+FFFE and a lone surrogate escaped in the JSON answer: gone from the English, and the
    re-ask that quotes the answer back is still sent (a surrogate cannot be encoded)."""
    from xml.etree import ElementTree

    Scripted.faults = ["illegal"]
    result = run_batch(plan([short]), engine_for(server), None,
                       BatchOptions(out=tmp_path, formats=["jsonl", "tmx", "xliff", "docx"]),
                       tools=tools)
    assert not result.failed
    folder = tmp_path / short.stem
    rows = [json.loads(line) for line in
            (folder / f"{short.stem}.aligned.jsonl").read_text("utf-8").split("\n") if line]
    assert all("\ufffe" not in r["en"] and "\ud800" not in r["en"] for r in rows)
    assert len(Scripted.chats) >= 2  # the re-ask went out
    for suffix in (".tmx", ".xlf"):
        ElementTree.parse(folder / f"{short.stem}{suffix}")


def test_a_long_articles_parts_keep_the_paragraph_before_as_context(
        server: str, tools: Tools, tmp_path: Path) -> None:
    """Part by part (run/parts.py), the first paragraph of a part still gets the paragraph
    before it, Chinese and English, as every other paragraph does; page furniture ending a
    part is not taken for it."""
    paragraphs = [[f"第{n}段会议强调，要坚持和完善人民代表大会制度。",
                   f"第{n}段各级党组织要全面从严治党。"] for n in range(1, 7)]
    path = tmp_path / "long.txt"
    path.write_text("县委召开会议\n\n" + "\n\n".join("".join(p) + "\n\n【打印本页】"
                                                   for p in paragraphs) + "\n", "utf-8")
    engine = engine_for(server, group_segments=2)  # a request a paragraph
    options = BatchOptions(out=tmp_path / "out", formats=["jsonl"], long_bytes=0, part=4)
    result = run_batch(plan([path]), engine, None, options, tools=tools)
    assert [o.result for o in result.outcomes] == ["done"]
    rows = [json.loads(line) for line in (tmp_path / "out" / "long" / "long.aligned.jsonl")
            .read_text("utf-8").splitlines()]
    assert sum(r["kind"] == "boilerplate" for r in rows) >= 5  # furniture between paragraphs
    asked = [c["messages"][1]["content"] for c in Scripted.chats]
    for before, paragraph in itertools.pairwise(paragraphs):
        [message] = [m for m in asked if f'"{paragraph[0]}"' in m.split("Segments:")[1]]
        assert f"Chinese: {' '.join(before)}\nEnglish: It " in message, message


def _context_of(message: str) -> str:
    head = message.split("\n\n", 1)[0]
    return head.split("Chinese: ", 1)[1].split("\nEnglish:", 1)[0] if "Chinese: " in head \
        else ""


def test_the_context_is_the_end_of_a_long_paragraph_before(
        server: str, tools: Tools, tmp_path: Path) -> None:
    """A paragraph of many sentences before a request is not sent whole as its context (up
    to 400 sentences: a window overflow and tokens for nothing), only its last sentences."""
    long = [f"第{n}句会议强调要坚持和完善人民代表大会制度。" for n in range(60)]
    path = tmp_path / "a.txt"
    path.write_text("县委召开会议\n\n" + "".join(long) + "\n\n最后一段各级党组织要全面从严治党。\n",
                    "utf-8")
    run(path, tmp_path / "out", engine_for(server), tools)
    [last] = [c["messages"][1]["content"] for c in Scripted.chats
              if "最后一段" in c["messages"][1]["content"].split("Segments:")[1]]
    context = _context_of(last)
    assert context == " ".join(long[-len(context.split(" ")):])  # the paragraph's end
    assert 0 < len(context.replace(" ", "")) <= OpenAIOptions(url="").group_chars


def test_a_request_over_the_window_is_asked_again_without_its_context(
        server: str, tools: Tools, tmp_path: Path) -> None:
    """The paragraph before is a help, not a need: a request that overflows the server's
    context window with it is asked again without it, not failed."""
    path = tmp_path / "a.txt"
    first = "".join(f"第{n}句会议强调要坚持和完善人民代表大会制度。" for n in range(8))
    path.write_text(f"县委召开会议\n\n{first}\n\n最后一段各级党组织要全面从严治党。\n", "utf-8")
    Scripted.window = 300  # each sentence fits alone, the last one not with the one before
    result, rows = run(path, tmp_path / "out", engine_for(server, group_segments=1), tools)
    assert not result.failed
    assert all(r["en"] and "engine-error" not in str(flags(r)) for r in rows.values())
    asked = [c["messages"][1]["content"] for c in Scripted.chats
             if "最后一段" in c["messages"][1]["content"].split("Segments:")[1]]
    assert [bool(_context_of(m)) for m in asked] == [True, False]
