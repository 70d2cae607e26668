"""Argos Translate models, decoded with CTranslate2 directly, in batches.

We use an installed Argos package's files (CTranslate2 `model/`, its tokenizer, its
`target_prefix`) and Argos's own decoding settings, but not `argostranslate.translate`: that
re-splits sentences with a model it downloads (impossible offline) and decodes one paragraph
at a time. Here every segment of every article goes through `translate_batch` together,
sorted by length so that each batch pads little.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.engines.base import Engine
from bilingual.errors import BilingualError

# Argos's decoding settings (argostranslate.translate.apply_packaged_translation).
ARGOS_LENGTH_PENALTY = 0.2
ARGOS_BEAM_SIZE = 4


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
                suppress: list[list[str]] | None = None) -> list[Any]:
        """Start decoding one batch; the results are awaited later, so workers overlap."""
        opts = self.options
        longest = max((len(t) for t in tokens), default=1)
        cap = min(opts.max_length, int(longest * opts.length_ratio) + opts.length_extra)
        prefix = self.package.target_prefix
        if prefix:
            prefixes = [[prefix, *(p or [])] for p in (prefixes or [[] for _ in tokens])]
        if prefixes is not None:
            cap += max(len(p) for p in prefixes)
        extra = {"suppress_sequences": suppress} if suppress else {}
        return self.translator().translate_batch(
            tokens,
            target_prefix=prefixes,
            beam_size=max(opts.beam_size, n),
            num_hypotheses=n,
            length_penalty=ARGOS_LENGTH_PENALTY,
            replace_unknowns=True,
            max_decoding_length=cap,
            max_batch_size=opts.max_batch_tokens,
            batch_type="tokens",
            asynchronous=True,
            **extra,
        )

    def _detokenize(self, pieces: list[str]) -> str:
        value = self.package.tokenizer.decode(pieces)
        prefix = self.package.target_prefix
        if prefix and value.startswith(prefix):
            value = value[len(prefix):]
        return value.strip()

    def hypotheses(self, sources: list[str], n: int = 1) -> list[list[str]]:
        if not sources:
            return []
        tokenizer = self.package.tokenizer
        tokens = [tokenizer.encode(s) for s in sources]
        out: list[list[str]] = [[] for _ in sources]
        todo = [i for i, t in enumerate(tokens) if t]  # an empty source has nothing to decode
        batches = [[todo[j] for j in b] for b in self.plan_batches([tokens[i] for i in todo])]
        pending = [(b, self._submit([tokens[i] for i in b], n)) for b in batches]
        for batch, results in pending:
            for i, result in zip(batch, results, strict=True):
                out[i] = [self._detokenize(h) for h in result.result().hypotheses]
        return [hyps or [""] for hyps in out]

    def translate(self, sources: list[str]) -> list[str]:
        return [h[0] if h else "" for h in self.hypotheses(sources, 1)]

    def _one_by_one(self, sources: list[str], prefixes: list[list[str]] | None,
                    suppress: list[list[list[str]]] | None) -> list[str]:
        """Repairs are few and each needs its own prefix or bans: decode them one at a time."""
        tokenizer = self.package.tokenizer
        pending: list[Any] = []
        for i, source in enumerate(sources):
            tokens = tokenizer.encode(source)
            if not tokens:
                pending.append(None)
                continue
            pending.append(self._submit([tokens], 1,
                                        [prefixes[i]] if prefixes is not None else None,
                                        suppress[i] if suppress else None)[0])
        return ["" if p is None else self._detokenize(p.result().hypotheses[0]) for p in pending]

    def translate_with_prefix(self, sources: list[str], prefixes: list[str]) -> list[str]:
        tokenizer = self.package.tokenizer
        return self._one_by_one(sources, [tokenizer.encode(p) for p in prefixes], None)

    def translate_suppressing(self, sources: list[str], banned: list[list[str]]) -> list[str]:
        tokenizer = self.package.tokenizer
        bans = [[tokenizer.encode(b) for b in group if b] or None for group in banned]
        return self._one_by_one(sources, None, bans)  # type: ignore[arg-type]
