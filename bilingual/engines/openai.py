"""Any OpenAI-compatible chat server as the MT engine: llama.cpp, Ollama, vLLM, hosted APIs.

One Chat Completions request per paragraph (short paragraphs grouped under a budget), with the
paragraph's segment ids, only the glossary entries matched in them, and the paragraph before as
context. Paragraphs of one article go in order (each request sees the previous translation);
articles go in parallel, `concurrency` requests in flight.

Structured output is probed once per run, best first: the OpenAI `json_schema` response
format (vLLM, hosted APIs), llama.cpp's `grammar` field (its server refuses `json_schema`),
`json_object` with a schema, then plain text. Every answer is parsed leniently and checked
strictly (prompt.parse_answer); a bad one is asked again for the paragraph, then for each
segment alone, and what still fails is reported by `errors()` (the run flags it
`engine-error`) instead of being shifted between rows.

The client is httpx, not the `openai` package: the engine needs the raw status, body and
Retry-After of every answer (to probe formats, honour rate limits and tell a bad key from a
dead server), and vendor fields such as `grammar`; the `openai` client wraps all of that
behind its own retry policy and pulls pydantic in.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bilingual.engines import prompt
from bilingual.engines.base import Engine
from bilingual.errors import BilingualError

if TYPE_CHECKING:
    import httpx

    from bilingual.records import Article, Term
    from bilingual.terms.entries import Glossary

MODES = ("json_schema", "grammar", "json_object", "plain")
# Words that a server's refusal of a structured-output field mentions (checked while probing).
_REFUSAL_WORDS = ("response_format", "json_schema", "grammar", "schema", "unrecognized",
                  "not supported", "unsupported", "extra inputs")


@dataclass
class OpenAIOptions:
    url: str
    model: str = ""
    api_key: str | None = None
    concurrency: int = 4  # requests in flight
    timeout: float = 120.0  # seconds per request
    retries: int = 4  # on 429, 5xx and dropped connections
    backoff: float = 0.5  # first wait, doubled each retry (unless Retry-After says)
    max_wait: float = 60.0  # cap on a Retry-After
    group_chars: int = 300  # Chinese characters per request, short paragraphs grouped
    group_segments: int = 12
    seed: int = 0


@dataclass
class _Seg:
    """A source the run will ask for, where it stands in its article."""

    key: str  # what translate() receives (the source with terms injected)
    source: str  # zh_simplified
    id: str
    stem: str
    para: int
    terms: list[Term]
    banned: dict[str, tuple[str, ...]]


@dataclass
class _Unit:
    """One request's worth: segments of one or more consecutive paragraphs."""

    stem: str
    segs: list[_Seg]
    context: list[_Seg] = field(default_factory=list)  # the paragraph before


class _Refused(Exception):
    """The server does not take this structured-output mode."""


class _Failed(Exception):
    """No usable answer for this request (after retries); the message says why."""


class _TooLong(_Failed):
    """The request does not fit the server's context window."""


class OpenAIEngine(Engine):
    name = "openai"
    alternatives = "reask"  # the second hypothesis is the same request, naming the miss

    def __init__(self, options: OpenAIOptions) -> None:
        if not options.url:
            raise BilingualError("no server URL", "--engine openai",
                                 "give --url http://host:port/v1 or set OPENAI_BASE_URL")
        self.options = options
        self.url = options.url.rstrip("/")
        self.model = options.model
        self._client: httpx.Client | None = None
        self._plan: dict[str, _Seg] = {}
        self._paras: dict[str, list[list[str]]] = {}  # stem → paragraphs of keys
        self._done: dict[str, str] = {}  # key → English of the first ask
        self._reasked: dict[str, str] = {}  # key → English of the re-ask
        self._asked: set[str] = set()  # keys translate() has sent, answered or not
        self._errors: dict[str, str] = {}  # source → why it has no English
        self._usage: dict[str, Counter[str]] = {}
        self._lock = threading.Lock()
        self._probe_lock = threading.Lock()
        self._mode = 0  # index into MODES
        self._confirmed = False

    # -- identity ---------------------------------------------------------------------------
    @property
    def version(self) -> str:
        """The TM key: the model and the prompt's version (not the server's address)."""
        return f"{self.model} prompt-{prompt.PROMPT_VERSION}"

    def describe(self) -> str:
        return f"openai-compatible {self.model} at {self.url}"

    @property
    def mode(self) -> str:
        return MODES[self._mode]

    # -- server -----------------------------------------------------------------------------
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            headers = {"User-Agent": "bilingual"}
            if self.options.api_key:
                headers["Authorization"] = f"Bearer {self.options.api_key}"
            timeout = httpx.Timeout(self.options.timeout, connect=min(10.0, self.options.timeout))
            limits = httpx.Limits(max_connections=max(1, self.options.concurrency))
            self._client = httpx.Client(headers=headers, timeout=timeout, limits=limits)
        return self._client

    def list_models(self) -> list[str]:
        """The model ids the server offers (GET /models)."""
        answer = self._get("/models")
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list):
            raise BilingualError("the server's /models answer has no model list",
                                 self.url + "/models", "check --url (it usually ends in /v1)")
        return [str(m.get("id")) for m in data if isinstance(m, dict) and m.get("id")]

    def connect(self) -> None:
        """One cheap request before any article: a bad key, URL or model fails here, clearly."""
        offered = self.list_models()
        if not self.model:
            if len(offered) != 1:
                raise BilingualError("no model given", "--engine openai",
                                     f"give --model (the server offers: {_listing(offered)})")
            self.model = offered[0]
        elif offered and self.model not in offered:
            raise BilingualError(f"the server has no model '{self.model}'", self.url,
                                 f"it offers: {_listing(offered)}")

    def _get(self, path: str) -> Any:
        import httpx

        try:
            response = self.client().get(self.url + path)
        except httpx.HTTPError as exc:
            raise BilingualError(f"cannot reach the server ({exc.__class__.__name__}: {exc})",
                                 self.url, "check --url and that the server runs") from exc
        if response.status_code != 200:
            self._fail_on(response, path)
        try:
            return response.json()
        except ValueError:
            raise BilingualError("the server did not answer JSON", self.url + path,
                                 "check --url (it usually ends in /v1)") from None

    def _fail_on(self, response: httpx.Response, path: str) -> None:
        """The one-line error for an answer no retry can fix."""
        code, where = response.status_code, self.url + path
        said = _message(response)
        if code in (401, 403):
            raise BilingualError(f"the server refused the API key ({code}: {said})", where,
                                 "check --api-key or OPENAI_API_KEY")
        if code == 404:
            raise BilingualError(f"not found ({said})", where,
                                 "check --url (it usually ends in /v1) and --model; "
                                 "`bilingual models list --engine openai --url URL` lists models")
        raise BilingualError(f"the server answered {code}: {said}", where, "check its log")

    # -- the run's plan ---------------------------------------------------------------------
    def prepare(self, articles: list[Article], glossary: Glossary | None) -> None:
        from bilingual.terms.enforce import banned_for, inject

        # one chunk of the run at a time: memory stays flat however many articles there are
        for kept in (self._plan, self._paras, self._done, self._reasked, self._asked,
                     self._errors):
            kept.clear()
        for article in articles:
            paras = self._paras.setdefault(article.stem, [])
            for paragraph in article.paragraphs():
                keys = []
                for seg in paragraph:
                    if not seg.translate:
                        continue
                    key = inject(seg.zh_simplified, seg.terms) if seg.terms else seg.zh_simplified
                    banned = banned_for(seg.terms, glossary) if glossary else {}
                    self._plan.setdefault(key, _Seg(key, seg.zh_simplified, seg.id, article.stem,
                                                    len(paras), seg.terms, banned))
                    keys.append(key)
                    if seg.en and seg.origin == "mt":
                        # translated already: context only (the paragraph before a part of
                        # a long article, run/parts.py)
                        self._done.setdefault(key, seg.en)
                if keys:
                    paras.append(keys)

    def _units(self, keys: list[str]) -> dict[str, list[_Unit]]:
        """Requests by article: each article's are sent in order, articles in parallel."""
        wanted = set(keys)
        chains: dict[str, list[_Unit]] = {}
        for stem, paras in self._paras.items():
            units: list[_Unit] = []
            for number, para in enumerate(paras):
                segs = [self._plan[k] for k in para if k in wanted
                        and self._plan[k].stem == stem and self._plan[k].para == number]
                wanted.difference_update(s.key for s in segs)
                context = self._tail([self._plan[k] for k in paras[number - 1]]) if number \
                    else []
                self._group(units, stem, segs, context)
            if units:
                chains[stem] = units
        for n, key in enumerate(k for k in keys if k in wanted):  # asked for without a plan
            seg = _Seg(key, key, f"s{n + 1}", "", n, [], {})
            chains[key] = [_Unit("", [seg])]
        return chains

    def _tail(self, paragraph: list[_Seg]) -> list[_Seg]:
        """The end of the paragraph before, as context: its last sentences up to the budget
        of a request (at least one). A long paragraph, up to 400 sentences, whole in every
        request would overflow a model's context window and cost tokens for nothing."""
        kept: list[_Seg] = []
        size = 0
        for seg in reversed(paragraph):
            size += len(seg.source)
            if kept and size > self.options.group_chars:
                break
            kept.append(seg)
        return kept[::-1]

    def _group(self, units: list[_Unit], stem: str, segs: list[_Seg],
               context: list[_Seg]) -> None:
        """Add a paragraph to the last unit if the whole of it fits the budget, else start a
        new unit with it; a paragraph over the budget on its own is split."""
        if not segs:
            return
        last = units[-1] if units else None
        if last is not None and self._fits(last.segs + segs):
            last.segs.extend(segs)
            return
        units.append(_Unit(stem, [], context))
        for seg in segs:
            if units[-1].segs and not self._fits([*units[-1].segs, seg]):
                units.append(_Unit(stem, [], context))
            units[-1].segs.append(seg)

    def _fits(self, segs: list[_Seg]) -> bool:
        return len(segs) <= self.options.group_segments and \
            sum(len(s.source) for s in segs) <= self.options.group_chars

    # -- translating ------------------------------------------------------------------------
    def translate(self, sources: list[str]) -> list[str]:
        chains = self._units(list(dict.fromkeys(sources)))
        self._asked.update(sources)
        self._run(chains, self._translate_unit)
        return [self._done.get(key, "") for key in sources]

    def hypotheses(self, sources: list[str], n: int) -> list[list[str]]:
        """The first answer, and a re-ask that names what it missed: for an LLM the cheap
        second candidate is not the n-best list but the same request with the miss spelled
        out. Sources never translated are translated now."""
        new = [k for k in sources if k not in self._done and k not in self._asked]
        if new:
            self.translate(new)
        redo = [k for k in sources if self._done.get(k) and self._misses(k)]
        if redo:
            self._run(self._units(redo), self._reask_unit)
        return [[self._done.get(k, ""), *([self._reasked[k]] if k in self._reasked else [])]
                for k in sources]

    def _misses(self, key: str) -> list[str]:
        from bilingual.terms.enforce import missing_terms

        seg = self._plan.get(key)
        return missing_terms(self._done[key], seg.terms) if seg else []

    def _run(self, chains: dict[str, list[_Unit]], work: Callable[[_Unit], None]) -> None:
        stop = threading.Event()  # set by the first chain that ends the run

        def chain(units: list[_Unit]) -> None:
            for unit in units:
                if stop.is_set():
                    return
                try:
                    work(unit)
                except BaseException:
                    stop.set()
                    raise

        workers = max(1, min(self.options.concurrency, len(chains)))
        if workers == 1:
            for units in chains.values():
                chain(units)
            return
        with ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(chain, units) for units in chains.values()]
            try:
                for future in futures:
                    future.result()  # the first BilingualError stops the run
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _context(self, unit: _Unit) -> prompt.Context:
        return prompt.Context(" ".join(s.source for s in unit.context),
                              " ".join(self._done.get(s.key, "") for s in unit.context).strip()
                              if all(self._done.get(s.key) for s in unit.context) else "")

    def _translate_unit(self, unit: _Unit) -> None:
        context = self._context(unit)
        items = {s.id: prompt.Item(s.id, s.source, [(t.zh, t.en) for t in s.terms if t.en],
                                   s.banned) for s in unit.segs}
        got, why = self._ask(list(items.values()), context, unit.stem, attempts=2)
        whys = dict.fromkeys(items, why)
        if got is None and len(items) > 1:  # one bad segment must not sink its paragraph
            got = {}
            for item in items.values():
                one, whys[item.id] = self._ask([item], context, unit.stem, attempts=2)
                got.update(one or {})
        for seg in unit.segs:
            english = (got or {}).get(seg.id)
            if english:
                self._done[seg.key] = english
                self._errors.pop(seg.source, None)
            else:
                self._errors[seg.source] = whys[seg.id]

    def _reask_unit(self, unit: _Unit) -> None:
        items = [prompt.Item(s.id, s.source, [(t.zh, t.en) for t in s.terms if t.en], s.banned,
                             previous=self._done[s.key], misses=self._misses(s.key))
                 for s in unit.segs]
        got, _ = self._ask(items, self._context(unit), unit.stem, attempts=1)
        for seg in unit.segs:
            if got and got.get(seg.id):
                self._reasked[seg.key] = got[seg.id]

    def _ask(self, items: list[prompt.Item], context: prompt.Context, stem: str,
             attempts: int) -> tuple[dict[str, str] | None, str]:
        """The English by id, or None and why not."""
        ids = [i.id for i in items]
        why = ""
        attempt = 0
        while attempt < attempts:
            try:
                content = self._chat(items, context, stem, attempt)
                return prompt.parse_answer(content, ids), ""
            except prompt.AnswerError as exc:
                why = f"unusable answer: {exc}"
                attempt += 1
            except _TooLong as exc:
                if not context.zh:
                    return None, str(exc)
                # the paragraph before is a help, not a need: the same request without it
                context, why = prompt.Context(), str(exc)
            except _Failed as exc:
                return None, str(exc)
        return None, why

    # -- one request ------------------------------------------------------------------------
    def _payload(self, mode: str, items: list[prompt.Item], context: prompt.Context,
                 attempt: int) -> dict[str, Any]:
        ids = [i.id for i in items]
        payload: dict[str, Any] = {
            "model": self.model, "messages": prompt.messages(items, context),
            # a retry must not repeat a deterministic bad answer: new seed, some temperature
            "temperature": 0.0 if attempt == 0 else 0.4, "seed": self.options.seed + attempt,
        }
        if mode != "grammar":  # the grammar bounds the answer; a cap would only add n_ctx risk
            payload["max_tokens"] = sum(prompt.answer_chars(i.zh) for i in items) // 2 + 64
        if mode == "json_schema":
            payload["response_format"] = {"type": "json_schema", "json_schema": {
                "name": "segments", "strict": True, "schema": prompt.json_schema(ids)}}
        elif mode == "grammar":
            payload["grammar"] = prompt.json_object_grammar(
                ids, [prompt.answer_chars(i.zh) for i in items])
        elif mode == "json_object":
            payload["response_format"] = {"type": "json_object",
                                          "schema": prompt.json_schema(ids)}
        return payload

    def _chat(self, items: list[prompt.Item], context: prompt.Context, stem: str,
              attempt: int) -> str:
        if not self._confirmed:
            with self._probe_lock:  # the first request finds the mode; the others wait for it
                if not self._confirmed:
                    return self._probe(items, context, stem, attempt)
        return self._send(self.mode, items, context, stem, attempt)

    def _probe(self, items: list[prompt.Item], context: prompt.Context, stem: str,
               attempt: int) -> str:
        while True:
            try:
                content = self._send(self.mode, items, context, stem, attempt, probing=True)
            except _Refused:
                self._mode += 1
                continue
            self._confirmed = True
            return content

    def _send(self, mode: str, items: list[prompt.Item], context: prompt.Context, stem: str,
              attempt: int, probing: bool = False) -> str:
        answer = self._post(self._payload(mode, items, context, attempt), stem,
                            probing and mode != "plain")
        usage = answer.get("usage") or {}
        with self._lock:
            count = self._usage.setdefault(stem, Counter())
            count["prompt_tokens"] += int(usage.get("prompt_tokens") or 0)
            count["completion_tokens"] += int(usage.get("completion_tokens") or 0)
        try:
            return str(answer["choices"][0]["message"]["content"] or "")
        except (KeyError, IndexError, TypeError):
            raise prompt.AnswerError("no message in the server's answer") from None

    def _count(self, stem: str, what: str) -> None:
        with self._lock:
            self._usage.setdefault(stem, Counter())[what] += 1

    def _post(self, payload: dict[str, Any], stem: str, probing: bool) -> dict[str, Any]:
        """POST /chat/completions with retries: waits on 429 and 5xx (Retry-After first), once
        more on a timeout; errors no retry can fix end the run with one line."""
        import httpx

        delay, timeouts = self.options.backoff, 0
        for attempt in range(self.options.retries + 1):
            last = attempt == self.options.retries
            self._count(stem, "requests")  # failed ones too: they cost time, and may cost money
            try:
                response = self.client().post(self.url + "/chat/completions", json=payload)
            except httpx.TimeoutException:
                timeouts += 1
                if timeouts < 2:
                    continue
                raise _Failed(f"no answer within {self.options.timeout:g} s") from None
            except httpx.TransportError as exc:  # refused or dropped: the server stopped
                if last:
                    raise BilingualError(f"lost the server ({exc.__class__.__name__}: {exc})",
                                         self.url, "is it still running? see its log") from exc
                time.sleep(delay)
                delay *= 2
                continue
            code = response.status_code
            if code == 200:
                return _json_answer(response)
            if probing and code in (400, 422, 500) and _refuses_format(response):
                raise _Refused()
            if code == 400 and "context" in _message(response).lower():
                raise _TooLong("too long for the server's context window (n_ctx)")
            if code == 429 or code >= 500:
                if last:
                    raise _Failed(f"the server answered {code} {self.options.retries + 1} times")
                time.sleep(_retry_after(response, delay, self.options.max_wait))
                delay *= 2
                continue
            self._fail_on(response, "/chat/completions")
        raise _Failed("no answer")  # pragma: no cover (the loop always returns or raises)

    # -- what the run reads back ------------------------------------------------------------
    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def usage(self, stem: str | None = None) -> dict[str, int]:
        with self._lock:
            if stem is not None:
                return dict(self._usage.get(stem, Counter()))
            total: Counter[str] = Counter()
            for count in self._usage.values():
                total.update(count)
            return {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0, **total}

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _json_answer(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        raise _Failed("the server's answer is not JSON") from None
    if not isinstance(answer, dict):
        raise _Failed("the server's answer is not a JSON object")
    return answer


def _message(response: httpx.Response) -> str:
    """The error message inside an OpenAI-style error body, else the start of the body."""
    try:
        body = response.json()
        error = body.get("error", body) if isinstance(body, dict) else body
        said = error.get("message") or error.get("detail") if isinstance(error, dict) else error
        text = said if isinstance(said, str) else json.dumps(said, ensure_ascii=False)
    except ValueError:
        text = response.text
    return " ".join(text.split())[:200]


def _refuses_format(response: httpx.Response) -> bool:
    said = response.text.lower()
    return any(word in said for word in _REFUSAL_WORDS)


def _retry_after(response: httpx.Response, default: float, cap: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return min(cap, max(0.0, float(value)))
    except ValueError:
        return default  # absent, or an HTTP date: the backoff is close enough


def _listing(models: list[str], most: int = 8) -> str:
    if not models:
        return "none"
    return ", ".join(models[:most]) + (f" and {len(models) - most} more" if len(models) > most
                                       else "")
