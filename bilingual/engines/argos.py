"""Argos Translate models, decoded with CTranslate2 directly, in batches.

We use an installed Argos package's files (CTranslate2 `model/`, its tokenizer, its
`target_prefix`) and Argos's own decoding settings, but not `argostranslate.translate`: that
re-splits sentences with a model it downloads (impossible offline) and decodes one paragraph
at a time. Here every segment of every article goes through `translate_batch` together,
sorted by length so that each batch pads little.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.engines.base import Engine
from bilingual.errors import BilingualError

# Argos's decoding settings (argostranslate.translate.apply_packaged_translation).
ARGOS_LENGTH_PENALTY = 0.2
ARGOS_BEAM_SIZE = 4
REPAIR_BEAM = 1  # forced and banned re-decodes: see translate_with_prefix
# Where an over-long source may be cut: after a clause's punctuation, which stays with it.
_CLAUSE_END = re.compile(r"(?<=[，；：,;:])")
# A token of injected English: Latin letters, with SentencePiece's word mark at most.
_LATIN_TOKEN = re.compile(r"▁?[A-Za-z][A-Za-z'\-]*|▁?[()]")


@dataclass
class ArgosOptions:
    beam_size: int = ARGOS_BEAM_SIZE
    # Intra-op threads per worker. 1, not CTranslate2's 0 (all cores): measured here, every
    # translate_batch call with 2 intra-op threads pays ~35 ms of thread hand-off, and two
    # one-thread workers decoding different batches use both cores better.
    threads: int = 1
    workers: int = 0  # batches decoded in parallel (inter_threads); 0: cores / threads
    device: str = "cpu"  # cpu, cuda, auto
    compute_type: str = "auto"  # auto: int8 where the CPU supports it
    max_batch_tokens: int = 1024
    # A batch holds sentences of similar length: padding wastes encoder work, and decoding
    # runs as long as the batch's longest sentence needs.
    length_spread: float = 1.25
    # Decoding stops at length_ratio * source tokens + length_extra: a real model emits its
    # end token long before; the cap guards against repetition loops.
    length_ratio: float = 3.0
    length_extra: int = 10
    max_length: int = 512
    # Longer sources are decoded in pieces cut at clause boundaries (，；：), then joined.
    max_source_tokens: int = 200


def resolve_device(device: str) -> str:
    import ctranslate2

    if device == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise BilingualError("no CUDA device is available", "--device cuda",
                             "use --device cpu or --device auto")
    return device


def resolve_compute_type(device: str, compute_type: str) -> str:
    import ctranslate2

    if compute_type != "auto":
        return compute_type
    supported = ctranslate2.get_supported_compute_types(device)
    if device == "cpu":
        return "int8" if "int8" in supported else "default"
    return "int8_float16" if "int8_float16" in supported else "default"


class ArgosEngine(Engine):
    name = "argos"

    def __init__(self, package: Any, options: ArgosOptions | None = None) -> None:
        """`package` is an installed `argostranslate.package.Package`."""
        self.package = package
        self.options = options or ArgosOptions()
        self._translator: Any = None
        self._errors: dict[str, str] = {}  # source → why the model failed on it
        self.load_seconds = 0.0
        self.device = ""
        self.compute_type = ""
        model_bin = Path(package.package_path) / "model" / "model.bin"
        size = model_bin.stat().st_size if model_bin.exists() else 0
        # package_version alone is not enough: locally built packages often all say "1.0"
        self._version = f"{package.from_code}-{package.to_code}-{package.package_version}+{size}"

    @property
    def version(self) -> str:
        return self._version

    def describe(self) -> str:
        return f"argos {self.package.from_code}→{self.package.to_code} " \
               f"{self.package.package_version} ({Path(self.package.package_path).name})"

    def translator(self) -> Any:
        """The CTranslate2 translator, loaded on first use and kept for the process."""
        if self._translator is None:
            import ctranslate2

            start = time.perf_counter()
            self.device = resolve_device(self.options.device)
            self.compute_type = resolve_compute_type(self.device, self.options.compute_type)
            try:
                self._translator = ctranslate2.Translator(
                    str(Path(self.package.package_path) / "model"),
                    device=self.device,
                    compute_type=self.compute_type,
                    intra_threads=self.options.threads,
                    inter_threads=self.workers(),
                )
            except (RuntimeError, ValueError) as exc:
                raise BilingualError(f"cannot load the model: {exc}",
                                     str(self.package.package_path),
                                     "reinstall it with `bilingual models install`") from exc
            self.load_seconds = time.perf_counter() - start
        return self._translator

    def workers(self) -> int:
        if self.options.workers > 0:
            return self.options.workers
        return max(1, (os.cpu_count() or 1) // max(1, self.options.threads))

    def plan_batches(self, tokens: list[list[str]]) -> list[list[int]]:
        """Indices grouped into batches of similar length, at most max_batch_tokens each."""
        order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
        batches: list[list[int]] = []
        current: list[int] = []
        shortest = 0
        for i in order:
            length = len(tokens[i])
            too_wide = length * (len(current) + 1) > self.options.max_batch_tokens
            too_long = length > shortest * self.options.length_spread + 2
            if current and (too_wide or too_long):
                batches.append(current)
                current = []
            if not current:
                shortest = length
            current.append(i)
        if current:
            batches.append(current)
        return batches

    def _submit(self, tokens: list[list[str]], n: int,
                prefixes: list[list[str]] | None = None,
                suppress: list[list[str]] | None = None, beam: int = 0) -> list[Any]:
        """Start decoding one batch; the results are awaited later, so workers overlap.
        `beam` overrides the beam size (repairs decode greedily)."""
        opts = self.options
        cap = min(opts.max_length, max((self._budget(t) for t in tokens), default=1))
        prefix = self.package.target_prefix
        if prefix:
            prefixes = [[prefix, *(p or [])] for p in (prefixes or [[] for _ in tokens])]
        if prefixes is not None:
            # a forced prefix is part of the output the budget allows, not in addition to it
            cap = max(cap, max(len(p) for p in prefixes) + opts.length_extra)
        extra = {"suppress_sequences": suppress} if suppress else {}
        return self.translator().translate_batch(
            tokens,
            target_prefix=prefixes,
            beam_size=beam or max(opts.beam_size, n),
            num_hypotheses=n,
            length_penalty=ARGOS_LENGTH_PENALTY,
            replace_unknowns=True,
            max_decoding_length=cap,
            max_batch_size=opts.max_batch_tokens,
            batch_type="tokens",
            asynchronous=True,
            **extra,
        )

    def _budget(self, tokens: list[str]) -> int:
        """Decoding cap for one source: length_ratio per Chinese token, one per token of
        injected English (copied through as it stands), plus length_extra. Counting injected
        English at the Chinese ratio let a model that never stops decode three times as long
        as the glossary had made the source."""
        latin = sum(1 for t in tokens if _LATIN_TOKEN.fullmatch(t))
        ratio = self.options.length_ratio
        return int((len(tokens) - latin) * ratio) + latin + self.options.length_extra

    def _detokenize(self, pieces: list[str]) -> str:
        value = self.package.tokenizer.decode(pieces)
        prefix = self.package.target_prefix
        if prefix and value.startswith(prefix):
            value = value[len(prefix):]
        return value.strip()

    def _pieces(self, source: str) -> list[list[str]]:
        """The source's tokens, cut at clause boundaries when it is longer than the engine
        may see (a model has a position limit, and decoding time grows with the square)."""
        tokenizer = self.package.tokenizer
        tokens = tokenizer.encode(source)
        limit = self.options.max_source_tokens
        if len(tokens) <= limit:
            return [tokens] if tokens else []
        pieces: list[list[str]] = []
        for clause in _CLAUSE_END.split(source):
            if not clause:
                continue
            part = tokenizer.encode(clause)
            if pieces and len(pieces[-1]) + len(part) <= limit:
                pieces[-1] = pieces[-1] + part
            else:
                # a clause longer than the limit on its own is cut where the limit falls
                pieces.extend(part[i:i + limit] for i in range(0, len(part), limit))
        return [p for p in pieces if p]

    def _run(self, tokens: list[list[str]], n: int, prefixes: list[list[str]] | None,
             suppress: list[list[str]] | None, beam: int = 0) -> list[list[str] | str]:
        """Hypotheses per token list, or the error where the model failed on it.

        A CTranslate2 error (a sequence past the model's limits, say) fails its whole batch:
        such a batch is bisected until the failing items are alone, and the rest is kept."""
        out: list[list[str] | str] = [""] * len(tokens)
        pending = []
        for batch in self.plan_batches(tokens):
            try:
                submitted: Any = self._submit([tokens[i] for i in batch], n,
                                              _pick(prefixes, batch), suppress, beam)
            except RuntimeError as exc:
                submitted = exc
            pending.append((batch, submitted))
        for batch, results in pending:
            try:
                if isinstance(results, RuntimeError):
                    raise results
                for i, result in zip(batch, results, strict=True):
                    out[i] = [self._detokenize(h) for h in result.result().hypotheses]
            except RuntimeError as exc:
                if len(batch) == 1:
                    out[batch[0]] = str(exc).splitlines()[0] if str(exc) else "RuntimeError"
                    continue
                half = len(batch) // 2
                for part in (batch[:half], batch[half:]):
                    sub = self._run([tokens[i] for i in part], n, _pick(prefixes, part), suppress,
                                    beam)
                    for i, hyps in zip(part, sub, strict=True):
                        out[i] = hyps
        return out

    def _decode(self, sources: list[str], n: int, prefixes: list[list[str]] | None = None,
                suppress: list[list[str]] | None = None, beam: int = 0) -> list[list[str]]:
        """Up to `n` hypotheses per source, every source in one batched pass; an over-long
        source is decoded in pieces whose English is joined back."""
        owners: list[int] = []
        tokens: list[list[str]] = []
        piece_prefixes: list[list[str]] | None = [] if prefixes is not None else None
        for k, source in enumerate(sources):
            pieces = self._pieces(source)
            for piece in pieces:
                owners.append(k)
                tokens.append(piece)
                if piece_prefixes is not None and prefixes is not None:
                    # a forced prefix belongs to a whole sentence: kept only when it is one piece
                    piece_prefixes.append(prefixes[k] if len(pieces) == 1 else [])
        decoded = self._run(tokens, n, piece_prefixes, suppress, beam)
        parts: list[list[list[str]]] = [[] for _ in sources]
        failed: set[int] = set()
        for k, hyps in zip(owners, decoded, strict=True):
            if isinstance(hyps, str):
                failed.add(k)
                self._errors[sources[k]] = hyps
            else:
                parts[k].append(hyps)
        return [[""] if k in failed or not parts[k] else _join_pieces(parts[k])
                for k in range(len(sources))]

    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def hypotheses(self, sources: list[str], n: int = 1) -> list[list[str]]:
        return self._decode(sources, n) if sources else []

    def translate(self, sources: list[str]) -> list[str]:
        return [h[0] if h else "" for h in self.hypotheses(sources, 1)]

    def translate_with_prefix(self, sources: list[str], prefixes: list[str]) -> list[str]:
        """Greedy: the prefix has fixed what the first decode got wrong, and a beam of 4 over
        the rest cost four times as much for a repair that only has to hold the term."""
        tokenizer = self.package.tokenizer
        return [h[0] for h in self._decode(sources, 1, [tokenizer.encode(p) for p in prefixes],
                                           beam=REPAIR_BEAM)]

    def translate_suppressing(self, sources: list[str], banned: list[list[str]]) -> list[str]:
        """One batched pass; CTranslate2 bans sequences per batch, so each segment's batch
        bans every segment's wrong renderings: they are wrong renderings wherever they stand."""
        tokenizer = self.package.tokenizer
        bans = {tuple(tokenizer.encode(b)) for group in banned for b in group if b}
        return [h[0] for h in self._decode(sources, 1, None, [list(b) for b in sorted(bans)],
                                           beam=REPAIR_BEAM)]


def _pick(prefixes: list[list[str]] | None, batch: list[int]) -> list[list[str]] | None:
    return [prefixes[i] for i in batch] if prefixes is not None else None


def _join_pieces(parts: list[list[str]]) -> list[str]:
    """Hypothesis k of a split source: hypothesis k of each piece (or its last), joined."""
    n = max(len(p) for p in parts)
    return [" ".join(p[min(k, len(p) - 1)] for p in parts).strip() for k in range(n)]
