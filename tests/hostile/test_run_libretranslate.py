"""Hostile LibreTranslate servers: answers of the wrong shape are never read by position,
what is not JSON is one line naming the server, a trickling server meets a total deadline,
control characters never reach the TM, and empty answers are engine errors."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from lxml import etree

from bilingual.engines.libretranslate import LibreTranslateEngine
from bilingual.errors import BilingualError
from bilingual.run.stamps import stamp_path
from hostile.run_kit import invoke, one_line_error

LANGUAGES = [{"code": "zh-Hans", "targets": ["en"]}, {"code": "en", "targets": ["zh-Hans"]}]


def good(q: list[str], alts: int) -> dict[str, Any]:
    return {"translatedText": [f"EN({x})" for x in q],
            "alternatives": [[f"ALT{i}({x})" for i in range(alts)] for x in q]}


def wrong_when_batched(q: list[str], alts: int, broken: dict[str, Any]) -> dict[str, Any]:
    return good(q, alts) if len(q) == 1 else broken


# mode → (what /translate answers for q and n alternatives); a str is sent raw as HTML
TRANSLATE: dict[str, Any] = {
    "alternatives-oops": lambda q, a: {**good(q, a), "alternatives": "oops"},
    "alternatives-short": lambda q, a: {**good(q, a), "alternatives": good(q, a)["alternatives"][1:]},
    "alternatives-null-item": lambda q, a: {**good(q, a),
                                            "alternatives": [None, *good(q, a)["alternatives"][1:]]},
    "short-list": lambda q, a: wrong_when_batched(q, a, {"translatedText": good(q, a)["translatedText"][1:]}),
    "long-list": lambda q, a: wrong_when_batched(q, a, {"translatedText": [*good(q, a)["translatedText"], "X"]}),
    "null-in-batch": lambda q, a: wrong_when_batched(q, a, {"translatedText": [None, *good(q, a)["translatedText"][1:]]}),
    "int-in-batch": lambda q, a: wrong_when_batched(q, a, {"translatedText": [7, *good(q, a)["translatedText"][1:]]}),
    "string-for-list": lambda q, a: {"translatedText": " ".join(f"EN({x})" for x in q)}
    if len(q) > 1 else {"translatedText": f"EN({q[0]})"},
}
FATAL: dict[str, tuple[Any, str]] = {
    "null-always": (lambda q, a: {"translatedText": [None] * len(q)}, "malformed answer"),
    "int-always": (lambda q, a: {"translatedText": [1] * len(q)}, "malformed answer"),
    "dict-text": (lambda q, a: {"translatedText": {"a": 1}}, "malformed answer"),
    "no-key": (lambda q, a: {}, "malformed answer"),
    "top-level-list": (lambda q, a: [f"EN({x})" for x in q], "malformed answer"),
    "top-level-string": (lambda q, a: "hello", "malformed answer"),
    "html-200": ("<html><body>Welcome to nginx!</body></html>", "not JSON"),
    "truncated-json": ('{"translatedText": ["EN(', "not JSON"),
    "empty-body": ("", "not JSON"),
    "binary-body": ("\udcff\udcfe", "not JSON"),
}
LANGUAGE_FAULTS: dict[str, tuple[Any, str]] = {
    "languages-dict": ({"zh": {"targets": ["en"]}}, "malformed answer"),
    "languages-html": ("<html>login</html>", "not JSON"),
    "languages-strings": (["zh", "en"], "malformed answer"),
    "languages-null": (None, "malformed answer"),
    "languages-targets-null": ([{"code": "zh", "targets": None}], "offers no Chinese→English"),
}


class Hostile(BaseHTTPRequestHandler):
    mode: ClassVar[str] = ""
    languages: ClassVar[Any] = LANGUAGES
    trickle: ClassVar[bool] = False

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: Any) -> None:
        raw = body.encode("utf-8", "surrogateescape") if isinstance(body, str) and (
            body.startswith("<") or not body or body.startswith("{") or "\udcff" in body) \
            else json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if raw[:1] == b"<" else "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if self.trickle:
            for byte in raw:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
            return
        self.wfile.write(raw)

    def do_GET(self) -> None:
        self._send(self.languages)

    def do_POST(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        q, alts = payload["q"], payload.get("alternatives", 0)
        if self.mode in FATAL:
            answer = FATAL[self.mode][0]
        else:
            answer = TRANSLATE.get(self.mode) or ANSWERS.get(self.mode) or good
        self._send(answer(q, alts) if callable(answer) else answer)


SEEN: set[str] = set()


def empty_once(q: list[str], a: int) -> dict[str, Any]:
    """A server that drops each sentence the first time it is asked (a busy worker)."""
    texts = [f"EN({x})" if x in SEEN else "" for x in q]
    SEEN.update(q)
    return {"translatedText": texts}


ANSWERS: dict[str, Any] = {
    "empty-once": empty_once,
    "control": lambda q, a: {"translatedText": [f"EN\x01({x})\x1b[0m" for x in q]},
    "empty": lambda q, a: {"translatedText": ["" for _ in q]},
    "empty-fever": lambda q, a: {"translatedText": ["" if "发热" in x else f"EN({x})"
                                                    for x in q]},
}


@pytest.fixture
def server():
    Hostile.mode, Hostile.languages, Hostile.trickle = "", LANGUAGES, False
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


SOURCES = [f"第{i}句话。" for i in range(7)]


@pytest.mark.parametrize("mode", sorted(TRANSLATE))
def test_wrong_shapes_are_retried_item_by_item_never_shifted(mode: str, server: str) -> None:
    Hostile.mode = mode
    engine = LibreTranslateEngine(server, batch_size=3, concurrency=2, retries=0)
    assert engine.translate(SOURCES) == [f"EN({s})" for s in SOURCES]
    hyps = engine.hypotheses(SOURCES, 3)
    assert [h[0] for h in hyps] == [f"EN({s})" for s in SOURCES]
    for source, h in zip(SOURCES, hyps, strict=True):
        assert all(source in x for x in h)  # every alternative belongs to its own source


@pytest.mark.parametrize("mode", sorted(FATAL))
def test_what_cannot_be_read_is_one_line_naming_the_server(mode: str, server: str,
                                                           tmp_path: Path,
                                                           fixtures: Path) -> None:
    Hostile.mode = mode
    with pytest.raises(BilingualError, match=FATAL[mode][1]) as caught:
        LibreTranslateEngine(server, retries=0).translate(SOURCES[:2])
    assert server in str(caught.value) and "\n" not in str(caught.value)
    result = invoke("translate", fixtures / "xinhua_dateline.txt", "-o", tmp_path / "out",
                    "--no-tm", "--engine", "libretranslate", "--url", server)
    one_line_error(result, FATAL[mode][1], server)


@pytest.mark.parametrize("mode", sorted(LANGUAGE_FAULTS))
def test_languages_of_the_wrong_shape(mode: str, server: str, tmp_path: Path,
                                      fixtures: Path) -> None:
    Hostile.languages = LANGUAGE_FAULTS[mode][0]
    result = invoke("translate", fixtures / "xinhua_dateline.txt", "-o", tmp_path / "out",
                    "--no-tm", "--engine", "libretranslate", "--url", server)
    one_line_error(result, LANGUAGE_FAULTS[mode][1], server)


def test_a_trickling_server_meets_a_total_deadline(server: str) -> None:
    Hostile.trickle = True  # one byte every 0.2 s: each read is quick, the whole is not
    engine = LibreTranslateEngine(server, timeout=1.0, retries=0)
    start = time.perf_counter()
    with pytest.raises(BilingualError, match="no complete answer within 1 s"):
        engine.connect()
    assert time.perf_counter() - start < 3


@pytest.mark.parametrize("batch_size", [1, 3])
def test_an_empty_answer_is_asked_again_before_it_is_an_error(batch_size: int,
                                                              server: str) -> None:
    Hostile.mode = "empty-once"
    SEEN.clear()
    engine = LibreTranslateEngine(server, batch_size=batch_size, retries=0)
    assert engine.translate(SOURCES) == [f"EN({s})" for s in SOURCES]


def rows(out: Path, stem: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (out / stem / f"{stem}.aligned.jsonl")
            .read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("mode", ["alternatives-oops", "short-list", "null-in-batch"])
def test_cli_keeps_every_translation_with_its_sentence(mode: str, server: str, tmp_path: Path,
                                                       fixtures: Path) -> None:
    Hostile.mode = mode
    tm = tmp_path / "tm.sqlite"
    out = tmp_path / "out"
    result = invoke("translate", fixtures / "long_article.txt", fixtures / "xinhua_dateline.txt",
                    "-o", out, "--tm", tm, "--engine", "libretranslate", "--url", server)
    assert result.exit_code == 0, result.output
    checked, english = 0, {}
    for stem in ("long_article", "xinhua_dateline"):
        for row in rows(out, stem):
            if row["translate"]:
                assert row["en"].startswith("EN("), row
                english[row["zh_simplified"]] = row["en"]
                if not row["terms"]:
                    assert row["en"] == f"EN({row['zh_simplified']})"
                    checked += 1
    assert checked >= 5
    with sqlite3.connect(tm) as db:  # the TM holds exactly the pairs the outputs show
        stored = dict(db.execute("SELECT source, target FROM units"))
    assert stored == english


def test_control_characters_in_answers_never_reach_the_tm(server: str, tmp_path: Path,
                                                          fixtures: Path) -> None:
    Hostile.mode = "control"
    tm = tmp_path / "tm.sqlite"
    out = tmp_path / "out"
    for _ in range(2):  # the second run is served from the TM
        result = invoke("translate", fixtures / "xinhua_dateline.txt", "-o", out, "--tm", tm,
                        "--engine", "libretranslate", "--url", server, "--force")
        assert result.exit_code == 0, result.output
    with sqlite3.connect(tm) as db:
        assert not [t for (t,) in db.execute("SELECT target FROM units") if "\x01" in t]
    for name in ("xinhua_dateline.tmx", "xinhua_dateline.xlf"):
        etree.parse(str(out / "xinhua_dateline" / name))
    assert (out / "xinhua_dateline" / "xinhua_dateline.bilingual.docx").exists()
    exported = tmp_path / "tm.tmx"
    assert invoke("tm", "export", "-o", exported, "--tm", tm).exit_code == 0
    etree.parse(str(exported))


@pytest.mark.parametrize("mode", ["empty", "empty-fever"])
def test_empty_answers_are_engine_errors_not_done(mode: str, server: str, tmp_path: Path) -> None:
    Hostile.mode = mode
    article = tmp_path / "a.txt"
    article.write_text("全市召开疫情防控工作会议\n\n会议要求，各地要做好防控工作。"
                       "群众如有发热症状请及时到医院就诊。\n\n会议强调，要加强值班值守。\n",
                       encoding="utf-8")
    out, tm = tmp_path / "out", tmp_path / "tm.sqlite"
    args = ["translate", article, "-o", out, "--tm", tm, "--engine", "libretranslate",
            "--url", server]
    result = invoke(*args)
    assert result.exit_code == 2
    assert "engine errors" in result.stderr and "Traceback" not in result.output
    assert not stamp_path(out, "a").exists()
    flagged = [r for r in rows(out, "a") if any(f["check"] == "engine-error" for f in r["flags"])]
    assert flagged and all(not r["en"] for r in flagged)
    with sqlite3.connect(tm) as db:
        assert not db.execute("SELECT COUNT(*) FROM units WHERE target = ''").fetchone()[0]
    Hostile.mode = ""  # the server recovers: the rerun redoes the article, not skips it
    again = invoke(*args)
    assert again.exit_code == 0 and "1 done" in again.stdout
