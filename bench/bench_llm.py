"""The LLM engine (issue: openai engine) against a real llama.cpp server with the tiny random
GGUF model: requests per article, tokens per segment, the glossary block's size (only matched
terms), and the speed-up of 4 requests in flight over 1 on 50 articles.

llama-cpp-python's server decodes one request at a time, so on it concurrency can only overlap
the client's own work; the same 50 articles are also sent to a stand-in server that answers
in a fixed 200 ms and serves requests in parallel, as vLLM and hosted APIs do.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.common import EXAMPLE, body_paragraphs, report

ARTICLES = 50
LATENCY = 0.2  # seconds per request of the stand-in server


def make_inbox(root: Path, count: int = ARTICLES) -> Path:
    """`count` short articles (a title and two one-sentence paragraphs), each unique."""
    sentences = [p.split("。")[0] + "。" for p in body_paragraphs()]
    root.mkdir(parents=True)
    for n in range(count):
        body = [sentences[(2 * n + k) % len(sentences)] for k in range(2)]
        text = "\n\n".join([f"某某县召开会议（第{n}号）", *body])
        (root / f"article-{n:03d}.txt").write_text(text + "\n", encoding="utf-8")
    return root


class _Delayed(BaseHTTPRequestHandler):
    """An OpenAI-compatible stand-in: a fixed latency, answers in parallel."""

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send({"data": [{"id": "stand-in"}]})

    def do_POST(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        message = payload["messages"][-1]["content"]
        ids = json.loads(message.split("Segments:\n", 1)[1])
        time.sleep(LATENCY)
        content = json.dumps({i: f"Sentence {i}." for i in ids})
        self._send({"choices": [{"message": {"content": content}}],
                    "usage": {"prompt_tokens": len(message), "completion_tokens": len(content)}})


def _run(paths: list[Path], out: Path, url: str, concurrency: int, tools: Any) -> Any:
    from bilingual.engines.openai import OpenAIEngine, OpenAIOptions
    from bilingual.run.executor import BatchOptions, run_batch
    from bilingual.run.inputs import plan

    engine = OpenAIEngine(OpenAIOptions(url=url, concurrency=concurrency))
    engine.connect()
    start = time.perf_counter()
    result = run_batch(plan(paths), engine, None, BatchOptions(out=out, formats=["jsonl"]),
                       tools=tools)
    return result, time.perf_counter() - start, engine


def _sample(url: str, work: Path, tools: Any) -> None:
    result, seconds, engine = _run([EXAMPLE], work / "sample", url, 4, tools)
    usage = result.usage
    segments = result.stats.segments
    report("sample: requests for the article (incl. 1 probe, re-asks)", usage["requests"], "")
    report("sample: translatable segments", segments, "")
    report("sample: segments per request", segments / max(1, usage["requests"]), "")
    report("sample: prompt tokens per segment", usage["prompt_tokens"] / segments, "tok")
    report("sample: completion tokens per segment", usage["completion_tokens"] / segments, "tok")
    report("sample: wall time", seconds, "s")
    print(f"  structured output mode found by the probe: {engine.mode}")


def _glossary_block(tools: Any) -> None:
    from bilingual.engines import prompt
    from bilingual.ingest.article import load_article
    from bilingual.terms.annotate import annotate

    article = load_article(EXAMPLE, tools.scripts, "auto")
    annotate(article.segments, tools.terms)
    sizes = []
    for paragraph in article.paragraphs():
        items = [prompt.Item(s.id, s.zh_simplified, [(t.zh, t.en) for t in s.terms])
                 for s in paragraph if s.translate]
        if items:
            sizes.append(len(prompt.glossary_block(items).splitlines()))
    entries = len(tools.terms.glossary.entries)
    report("glossary lines per paragraph request (mean)", sum(sizes) / len(sizes), "")
    report("glossary entries in the shipped glossary", entries, "")
    report("  ratio: entries sent / glossary size", sum(sizes) / len(sizes) / entries, "")


def _jobs(url: str, label: str, inbox: Path, work: Path, tools: Any) -> None:
    paths = sorted(inbox.glob("*.txt"))
    times = {}
    for concurrency in (1, 4):
        result, times[concurrency], _ = _run(paths, work / f"{label}-{concurrency}", url,
                                             concurrency, tools)
        assert not result.failed
        report(f"{label}: {ARTICLES} articles, {concurrency} in flight", times[concurrency], "s")
        report(f"{label}:   requests per article", result.usage["requests"] / ARTICLES, "")
    report(f"{label}:   speed-up of 4 in flight over 1", times[1] / times[4], "x")


def main() -> None:
    from bilingual.run.executor import load_tools
    from bilingual.testing.gguf import build_tiny_gguf
    from bilingual.testing.llama_server import llama_server, missing_server

    print("== LLM engine: OpenAI-compatible server (tiny random GGUF on llama.cpp) ==")
    tools = load_tools([])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _glossary_block(tools)
        inbox = make_inbox(work / "inbox")
        stand_in = ThreadingHTTPServer(("127.0.0.1", 0), _Delayed)
        threading.Thread(target=stand_in.serve_forever, daemon=True).start()
        try:
            _jobs(f"http://127.0.0.1:{stand_in.server_address[1]}/v1",
                  f"stand-in {LATENCY * 1000:.0f} ms", inbox, work, tools)
        finally:
            stand_in.shutdown()
        why = missing_server()
        if why:
            print(f"  llama.cpp server skipped: {why}")
            return
        model = build_tiny_gguf(work / "tiny.gguf", n_ctx=8192)
        with llama_server(model, work / "server.log") as url:
            _sample(url, work, tools)
            _jobs(url, "llama.cpp", inbox, work, tools)


if __name__ == "__main__":
    main()
