"""A LibreTranslate server (or a pool behind a load balancer) as the MT engine.

Batches go through `/translate` with a list-valued `q`; several batches are in flight at once
(bounded), each within a total deadline, retried with exponential backoff on 429 and 5xx.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bilingual.chars import XML_ILLEGAL_RE
from bilingual.engines.base import Engine
from bilingual.errors import BilingualError

SOURCE_CODES = ("zh", "zh-Hans", "zh-CN")  # what LibreTranslate versions call Chinese


class LibreTranslateEngine(Engine):
    name = "libretranslate"

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 120.0,
                 concurrency: int = 2, batch_size: int = 32, retries: int = 4,
                 backoff: float = 0.5) -> None:
        if not url:
            raise BilingualError("no server URL", "--engine libretranslate",
                                 "give --url http://host:5000")
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout, self.concurrency, self.batch_size = timeout, concurrency, batch_size
        self.retries, self.backoff = retries, backoff
        self._source: str | None = None

    @property
    def version(self) -> str:
        """The TM key: the language pair the server's models translate, not its address, so
        that moving the server (or a pool behind a load balancer) keeps the TM."""
        return "zh→en"

    def describe(self) -> str:
        return f"libretranslate zh→en at {self.url}"

    def connect(self) -> None:
        """Ask the server once, up front, whether it translates Chinese into English."""
        self.source_code()

    def _fetch(self, path: str, data: bytes | None) -> tuple[int, bytes, str]:
        """One HTTP exchange within a total deadline of `timeout` seconds: a server that
        trickles a byte every few seconds would never trip a per-read socket timeout, so a
        timer shuts the socket when the deadline passes, whatever it is waiting for."""
        import http.client
        import urllib.parse

        parts = urllib.parse.urlsplit(self.url + path)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else \
            http.client.HTTPConnection
        conn = kind(parts.hostname or "", parts.port, timeout=self.timeout)
        expired = threading.Event()
        opened: list[socket.socket] = []  # the connection hands its socket to the response

        def abort() -> None:
            expired.set()
            for sock in opened:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(self.timeout, abort)
        timer.start()
        headers = {"Content-Type": "application/json", "User-Agent": "bilingual"}
        try:
            conn.connect()
            opened.append(conn.sock)
            if expired.is_set():  # the deadline passed while connecting
                abort()
            conn.request("POST" if data is not None else "GET",
                         parts.path + (f"?{parts.query}" if parts.query else ""), data, headers)
            response = conn.getresponse()
            return response.status, response.read(), response.getheader("Content-Type") or ""
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set():
                raise TimeoutError(f"no complete answer within {self.timeout:g} s") from exc
            raise OSError(str(exc) or type(exc).__name__) from exc
        finally:
            timer.cancel()
            conn.close()

    def _request(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                status, body, kind = self._fetch(path, data)
            except OSError as exc:  # TimeoutError included
                if attempt < self.retries:
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise BilingualError(f"cannot reach the LibreTranslate server ({exc})",
                                     self.url, "check --url and that the server runs") from exc
            if (status == 429 or status >= 500) and attempt < self.retries:
                time.sleep(delay)
                delay *= 2
                continue
            if status >= 400:
                raise BilingualError(f"LibreTranslate answered {status}: {_message(body)}",
                                     self.url + path, _hint(status))
            return _json(body, kind, self.url + path)
        raise AssertionError("unreachable")  # pragma: no cover

    def source_code(self) -> str:
        """Chinese as this server names it; fails clearly if it cannot translate zh→en."""
        if self._source is None:
            languages = self._request("/languages")
            if not isinstance(languages, list) or \
                    not all(isinstance(x, dict) for x in languages):
                raise _malformed(self.url + "/languages", "a list of languages", languages)
            codes = {lang.get("code"): lang.get("targets") or [] for lang in languages}
            for code in SOURCE_CODES:
                if isinstance(codes.get(code), list) and "en" in codes[code]:
                    self._source = code
                    break
            else:
                raise BilingualError("the LibreTranslate server offers no Chinese→English",
                                     self.url, "start it with zh and en models loaded "
                                     "(--load-only zh,en)")
        return self._source

    def _ask(self, batch: list[str], alternatives: int) -> Any:
        payload: dict[str, Any] = {"q": batch, "source": self.source_code(), "target": "en",
                                   "format": "text"}
        if alternatives:
            payload["alternatives"] = alternatives
        if self.api_key:
            payload["api_key"] = self.api_key
        return self._request("/translate", payload)

    def _translate_batch(self, batch: list[str], alternatives: int = 0,
                         retry_empty: bool = True) -> list[list[str]]:
        """Hypotheses for each source of `batch`. An answer whose shape is in any doubt is
        never read by position (one missing item would shift every later translation onto
        the wrong sentence): the batch is asked again item by item, and an item whose own
        answer is still malformed is a one-line error naming the server and what it sent."""
        answer = self._ask(batch, alternatives)
        parsed = _parse(answer, len(batch), alternatives)
        if parsed is None and len(batch) == 1 and alternatives:
            # one item: its translatedText cannot be misplaced; only its alternatives are bad
            parsed = _parse(answer, 1, 0)
        if parsed is None:
            if len(batch) == 1:
                raise _malformed(self.url + "/translate", "a translatedText string per q",
                                 answer)
            return [hyps for source in batch for hyps in self._translate_batch([source],
                                                                               alternatives)]
        empty = [i for i, (src, hyps) in enumerate(zip(batch, parsed, strict=True))
                 if src.strip() and not hyps[0].strip()]
        if empty and retry_empty:  # once more alone; still empty → an engine error
            for i in empty:
                parsed[i] = self._translate_batch([batch[i]], alternatives, False)[0]
        return parsed

    def hypotheses(self, sources: list[str], n: int = 1) -> list[list[str]]:
        if not sources:
            return []
        self.source_code()  # one clear error before any batch is sent
        batches = [sources[i:i + self.batch_size]
                   for i in range(0, len(sources), self.batch_size)]
        with ThreadPoolExecutor(self.concurrency) as pool:
            results = list(pool.map(lambda b: self._translate_batch(b, n - 1), batches))
        return [hyps for batch in results for hyps in batch]

    def translate(self, sources: list[str]) -> list[str]:
        return [h[0] for h in self.hypotheses(sources, 1)]


def _parse(answer: Any, size: int, alternatives: int) -> list[list[str]] | None:
    """Hypotheses per item, cleaned of what XML cannot carry; None when the shape is wrong
    anywhere (a list of the wrong length, a null or number where a string belongs)."""
    if not isinstance(answer, dict):
        return None
    texts = answer.get("translatedText")
    if isinstance(texts, str) and size == 1:
        texts = [texts]
    if not isinstance(texts, list) or len(texts) != size or \
            not all(isinstance(t, str) for t in texts):
        return None
    alts = answer.get("alternatives") if alternatives else None
    if alts is None or alts == []:
        alts = [[] for _ in texts]
    if isinstance(alts, list) and size == 1 and all(isinstance(a, str) for a in alts):
        alts = [alts]
    if not isinstance(alts, list) or len(alts) != size or not all(
            isinstance(a, list) and all(isinstance(x, str) for x in a) for a in alts):
        return None
    return [[_clean(t), *(_clean(x) for x in a)] for t, a in zip(texts, alts, strict=True)]


def _clean(text: str) -> str:
    """Engine output gets the rule input gets: what XML cannot carry never reaches the TM."""
    return XML_ILLEGAL_RE.sub("", text)


def _json(body: bytes, kind: str, where: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BilingualError(f"LibreTranslate sent something that is not JSON "
                             f"({kind or 'no Content-Type'}: {_preview(body)})", where,
                             "check that --url points at a LibreTranslate server") from exc


def _malformed(where: str, expected: str, got: Any) -> BilingualError:
    return BilingualError(f"LibreTranslate sent a malformed answer (expected {expected}, got "
                          f"{_preview(json.dumps(got, ensure_ascii=False).encode())})", where,
                          "check the server and its version (list-valued q is needed)")


def _preview(body: bytes) -> str:
    text = " ".join(body[:120].decode("utf-8", "replace").split())
    return repr(text + ("…" if len(body) > 120 else ""))


def _message(body: bytes) -> str:
    try:
        return str(json.loads(body).get("error", body[:200].decode(errors="replace")))
    except (ValueError, AttributeError, UnicodeDecodeError):
        return body[:200].decode(errors="replace")


def _hint(code: int) -> str:
    if code in (401, 403):
        return "check --api-key"
    if code == 429:
        return "the server is rate-limiting: try again later or lower the load"
    return "check the server's log"
