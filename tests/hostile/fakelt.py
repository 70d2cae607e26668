"""A fake LibreTranslate server on 127.0.0.1 with hostile answers, one mode per server."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LANGUAGES = [{"code": "zh-Hans", "name": "Chinese", "targets": ["en", "zh-Hans"]},
             {"code": "zh", "name": "Chinese", "targets": ["en"]},
             {"code": "en", "name": "English", "targets": ["en", "zh-Hans"]}]


def _texts(payload: dict) -> list[str]:
    q = payload.get("q", [])
    return q if isinstance(q, list) else [q]


def _wrap(payload: dict, texts: list, alternatives: object = None) -> dict:
    """Answer in the shape of the request (list q → list answer)."""
    single = not isinstance(payload.get("q"), list)
    body: dict = {"translatedText": texts[0] if single else texts}
    if alternatives is not None:
        body["alternatives"] = alternatives
    return body


def answer(mode: str, payload: dict) -> tuple[int, str, bytes]:
    """(status, content type, body) for a POST /translate in `mode`."""
    texts = _texts(payload)
    good = [f"EN({q})" for q in texts]
    n = int(payload.get("alternatives", 0) or 0)
    alts = [[f"ALT{i}({q})" for i in range(n)] for q in texts]
    if not isinstance(payload.get("q"), list):
        alts = alts[0]
    js = "application/json"
    if mode == "ok":
        return 200, js, json.dumps(_wrap(payload, good, alts)).encode()
    if mode == "alternatives-oops":
        return 200, js, json.dumps(_wrap(payload, good, "oops")).encode()
    if mode == "alternatives-short":
        return 200, js, json.dumps(_wrap(payload, good, alts[:1] if isinstance(alts, list)
                                         else alts)).encode()
    if mode == "u0001":
        return 200, js, json.dumps(_wrap(payload, [f"EN\x01({q})\x1b[0m" for q in texts])).encode()
    if mode == "empty":
        return 200, js, json.dumps(_wrap(payload, ["" for _ in texts], [[] for _ in texts])).encode()
    if mode == "fewer":
        return 200, js, json.dumps({"translatedText": good[:-1] if len(good) > 1 else []}).encode()
    if mode == "non-json":
        return 200, js, b"this is not json {"
    if mode == "html-200":
        return 200, "text/html", b"<html><body><h1>Welcome to nginx!</h1></body></html>"
    if mode == "nulls":
        return 200, js, json.dumps(_wrap(payload, [None for _ in texts])).encode()
    if mode == "integers":
        return 200, js, json.dumps(_wrap(payload, [7 for _ in texts])).encode()
    if mode == "top-level-list":
        return 200, js, json.dumps(good).encode()
    if mode == "languages-dict":
        return 200, js, json.dumps(_wrap(payload, good)).encode()
    raise AssertionError(mode)


class Handler(BaseHTTPRequestHandler):
    mode = "ok"
    requests: list
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.mode == "languages-dict":
            self._send(200, "application/json", json.dumps({"zh": "en", "en": "zh"}).encode())
        elif self.mode == "html-200":
            self._send(200, "text/html", b"<html><body>Welcome to nginx!</body></html>")
        elif self.mode == "trickle":
            self._trickle(json.dumps(LANGUAGES).encode())
        else:
            self._send(200, "application/json", json.dumps(LANGUAGES).encode())

    def _trickle(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                if self.server.stopping.wait(2.0):  # type: ignore[attr-defined]
                    return
        except OSError:
            return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        content_type = self.headers.get("Content-Type", "")
        if "json" in content_type:
            payload = json.loads(raw or b"{}")
        else:
            from urllib.parse import parse_qs
            form = parse_qs(raw.decode())
            payload = {k: (v if k == "q" and len(v) > 1 else v[0]) for k, v in form.items()}
        self.server.requests.append(payload)  # type: ignore[attr-defined]
        if self.mode == "trickle":
            texts = _texts(payload)
            self._trickle(json.dumps({"translatedText": [f"EN({q})" for q in texts]}).encode())
            return
        self._send(*answer(self.mode, payload))


@contextmanager
def serve(mode: str):
    """Yields (url, requests list)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (Handler,), {"mode": mode}))
    httpd.daemon_threads = True
    httpd.requests = []  # type: ignore[attr-defined]
    httpd.stopping = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.requests  # type: ignore[attr-defined]
    finally:
        httpd.stopping.set()  # type: ignore[attr-defined]
        httpd.shutdown()
        httpd.server_close()
        time.sleep(0)
