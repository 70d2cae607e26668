"""The LibreTranslate engine: against a scripted server (failures on purpose), then against a
real LibreTranslate server running the tiny Argos packages, both on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.engines.libretranslate import LibreTranslateEngine
from bilingual.errors import BilingualError

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


class Scripted(BaseHTTPRequestHandler):
    """/languages and /translate as LibreTranslate answers them, with scripted failures."""

    failures: ClassVar[list[int]] = []
    languages: ClassVar[list[dict]] = [{"code": "zh-Hans", "name": "Chinese", "targets": ["en", "zh-Hans"]},
                 {"code": "en", "name": "English", "targets": ["en", "zh-Hans"]}]
    requests: ClassVar[list[dict]] = []
    api_key: str | None = None

    def log_message(self, *args) -> None:
        pass

    def _send(self, code: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send(200, self.languages)

    def do_POST(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(payload)
        if self.failures:
            self._send(self.failures.pop(0), {"error": "busy"})
            return
        if self.api_key and payload.get("api_key") != self.api_key:
            self._send(403, {"error": "Invalid API key"})
            return
        alts = payload.get("alternatives", 0)
        texts = [f"EN({q})" for q in payload["q"]]
        self._send(200, {"translatedText": texts,
                         "alternatives": [[f"ALT{i}({q})" for i in range(alts)]
                                          for q in payload["q"]]})


@pytest.fixture
def server():
    Scripted.failures, Scripted.requests, Scripted.api_key = [], [], None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_batches_and_alternatives(server: str) -> None:
    engine = LibreTranslateEngine(server, batch_size=2, concurrency=2)
    sources = [f"句子{i}。" for i in range(5)]
    assert engine.translate(sources) == [f"EN({s})" for s in sources]
    assert sorted(len(r["q"]) for r in Scripted.requests) == [1, 2, 2]
    assert all(r["source"] == "zh-Hans" and r["target"] == "en" for r in Scripted.requests)
    assert engine.hypotheses(["党员。"], 3) == [["EN(党员。)", "ALT0(党员。)", "ALT1(党员。)"]]


def test_retries_with_backoff(server: str) -> None:
    Scripted.failures = [429, 503, 500]
    engine = LibreTranslateEngine(server, retries=3, backoff=0.01)
    assert engine.translate(["党员。"]) == ["EN(党员。)"]
    Scripted.failures = [503] * 5
    with pytest.raises(BilingualError, match="answered 503"):
        LibreTranslateEngine(server, retries=2, backoff=0.01).translate(["党员。"])


def test_api_key(server: str) -> None:
    Scripted.api_key = "secret"
    with pytest.raises(BilingualError, match=r"403.*Invalid API key.*--api-key"):
        LibreTranslateEngine(server).translate(["党员。"])
    assert LibreTranslateEngine(server, api_key="secret").translate(["党员。"]) == ["EN(党员。)"]


def test_no_chinese_on_the_server(server: str) -> None:
    Scripted.languages = [{"code": "en", "name": "English", "targets": ["fr"]}]
    try:
        with pytest.raises(BilingualError, match="offers no Chinese→English"):
            LibreTranslateEngine(server).translate(["党员。"])
    finally:
        Scripted.languages = [{"code": "zh-Hans", "targets": ["en"]}]


def test_unreachable_cli(tmp_path: Path, fixtures: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    result = runner.invoke(app, ["translate", str(fixtures / "traditional_tw.txt"), "-o",
                                 str(tmp_path), "--no-tm", "--engine", "libretranslate",
                                 "--url", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 2
    assert "cannot reach the LibreTranslate server" in result.stderr
    assert "Traceback" not in result.output


def test_cli_with_scripted_server(server: str, tmp_path: Path, fixtures: Path) -> None:
    result = runner.invoke(app, ["translate", str(fixtures / "traditional_tw.txt"), "-o",
                                 str(tmp_path), "--no-tm", "--engine", "libretranslate",
                                 "--url", server])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in (tmp_path / "traditional_tw" / "traditional_tw.aligned.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    assert all(r["en"].startswith("EN(") and r["engine"] == "libretranslate"
               for r in rows if r["translate"])


# -- a real LibreTranslate server ---------------------------------------------------------

def libretranslate_bin() -> Path | None:
    configured = os.environ.get("BILINGUAL_LIBRETRANSLATE")
    candidate = Path(configured) if configured else REPO / ".venv-lt" / "bin" / "libretranslate"
    return candidate if candidate.exists() else None


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    binary = libretranslate_bin()
    if binary is None:
        pytest.skip("LibreTranslate is not installed (make test installs it in .venv-lt)")
    from bilingual.testing import build_tiny_package

    root = tmp_path_factory.mktemp("libretranslate")
    packages = root / "packages"
    python = binary.parent / "python"
    for pair in (("zh", "en"), ("en", "zh")):
        archive = build_tiny_package(root / "build", from_code=pair[0], to_code=pair[1],
                                     minisbd=True)
        subprocess.run([str(python), "-c", "import sys; from argostranslate import package; "
                        "package.install_from_path(sys.argv[1])", str(archive)],
                       env={**os.environ, "ARGOS_PACKAGES_DIR": str(packages),
                            "HOME": str(root)}, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (root / "server.log").open("w")
    proc = subprocess.Popen(
        [str(binary), "--host", "127.0.0.1", "--port", str(port), "--load-only", "zh,en",
         "--disable-web-ui", "--threads", "2"],
        env={**os.environ, "ARGOS_PACKAGES_DIR": str(packages), "HOME": str(root),
             "ARGOS_DEBUG": "0"}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/languages", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail("LibreTranslate did not start: " + (root / "server.log").read_text())
            time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_real_libretranslate_server(real_server: str, tmp_path: Path, fixtures: Path) -> None:
    article = tmp_path / "inbox" / "a.txt"
    article.parent.mkdir()
    shutil.copy(fixtures / "traditional_tw.txt", article)
    tm = tmp_path / "tm.sqlite"
    args = ["translate", str(article.parent), "-o", str(tmp_path / "out"), "--tm", str(tm),
            "--engine", "libretranslate", "--url", real_server]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "engine libretranslate zh→en at http://127.0.0.1" in first.stdout
    rows = [json.loads(x) for x in (tmp_path / "out" / "a" / "a.aligned.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    translated = [r for r in rows if r["translate"]]
    assert translated and all(r["en"] and r["engine"] == "libretranslate" for r in translated)
    assert all(t["rung"] for r in translated for t in r["terms"])  # enforcement ran
    for name in ("a.bilingual.docx", "a.tmx", "a.xlf", "a.report.json"):
        assert (tmp_path / "out" / "a" / name).exists()
    second = runner.invoke(app, [*args, "--force"])
    assert second.exit_code == 0, second.output
    assert ": 0 sentences translated" in second.stdout  # all from the translation memory
