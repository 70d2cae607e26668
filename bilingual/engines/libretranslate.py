"""A LibreTranslate server (or a pool behind a load balancer) as the MT engine.

Batches go through `/translate` with a list-valued `q`; several batches are in flight at once
(bounded), each with a timeout, retried with exponential backoff on 429 and 5xx.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

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

    def _request(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        headers = {"Content-Type": "application/json", "User-Agent": "bilingual"}
        delay = self.backoff
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(self.url + path, data=data, headers=headers,
                                             method="POST" if data is not None else "GET")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as exc:
                body = exc.read()
                if (exc.code == 429 or exc.code >= 500) and attempt < self.retries:
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise BilingualError(f"LibreTranslate answered {exc.code}: {_message(body)}",
                                     self.url + path, _hint(exc.code)) from exc
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                if attempt < self.retries:
                    time.sleep(delay)
                    delay *= 2
                    continue
                reason = getattr(exc, "reason", exc)
                raise BilingualError(f"cannot reach the LibreTranslate server ({reason})",
                                     self.url, "check --url and that the server runs") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def source_code(self) -> str:
        """Chinese as this server names it; fails clearly if it cannot translate zh→en."""
        if self._source is None:
            languages = self._request("/languages")
            codes = {lang.get("code"): lang.get("targets", []) for lang in languages}
            for code in SOURCE_CODES:
                if code in codes and "en" in codes[code]:
                    self._source = code
                    break
            else:
                raise BilingualError("the LibreTranslate server offers no Chinese→English",
                                     self.url, "start it with zh and en models loaded "
                                     "(--load-only zh,en)")
        return self._source

    def _translate_batch(self, batch: list[str], alternatives: int = 0) -> list[list[str]]:
        payload: dict[str, Any] = {"q": batch, "source": self.source_code(), "target": "en",
                                   "format": "text"}
        if alternatives:
            payload["alternatives"] = alternatives
        if self.api_key:
            payload["api_key"] = self.api_key
        answer = self._request("/translate", payload)
        texts = answer.get("translatedText")
        if not isinstance(texts, list) or len(texts) != len(batch):
            raise BilingualError("LibreTranslate sent a malformed answer", self.url + "/translate",
                                 "check the server version (list-valued q is needed)")
        alts = answer.get("alternatives") or [[] for _ in batch]
        return [[t, *a] for t, a in zip(texts, alts, strict=True)]

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


def _message(body: bytes) -> str:
    try:
        return str(json.loads(body).get("error", body[:200].decode(errors="replace")))
    except (ValueError, AttributeError):
        return body[:200].decode(errors="replace")


def _hint(code: int) -> str:
    if code in (401, 403):
        return "check --api-key"
    if code == 429:
        return "the server is rate-limiting: try again later or lower the load"
    return "check the server's log"
