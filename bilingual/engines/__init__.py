"""The engine registry: the one place that knows every engine's name and how to make it.

The CLI's `--engine` choices and its help come from `ENGINES`; adding an engine is writing a
`base.Engine` subclass and one `EngineSpec` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bilingual.engines.base import Engine
from bilingual.errors import BilingualError

AUTO = "auto"  # not an engine: argos when a zh→en model is installed, else none


@dataclass(frozen=True)
class EngineOptions:
    """Every engine option the CLI offers; each engine reads the ones it has."""

    beam_size: int = 4
    threads: int = 1
    workers: int = 0
    device: str = "cpu"
    url: str | None = None
    api_key: str | None = None
    # argos: which installed zh→en package (None: the one in use); openai: the server's model
    model: str | None = None
    concurrency: int = 4  # openai: requests in flight
    timeout: float = 120.0  # openai, libretranslate: seconds per request (a total deadline)


@dataclass(frozen=True)
class EngineSpec:
    name: str
    help: str
    create: Callable[[EngineOptions], Engine]


def _argos(options: EngineOptions) -> Engine:
    from bilingual.engines.argos import ArgosEngine, ArgosOptions
    from bilingual.models import require_zh_en

    return ArgosEngine(require_zh_en(name=options.model), ArgosOptions(
        beam_size=options.beam_size, threads=options.threads, workers=options.workers,
        device=options.device))


def _libretranslate(options: EngineOptions) -> Engine:
    from bilingual.engines.libretranslate import LibreTranslateEngine

    engine = LibreTranslateEngine(options.url or "", options.api_key, timeout=options.timeout)
    engine.connect()  # one clear error before any article is read
    return engine


def _openai(options: EngineOptions) -> Engine:
    import os

    from bilingual.engines.openai import OpenAIEngine, OpenAIOptions

    engine = OpenAIEngine(OpenAIOptions(
        url=options.url or os.environ.get("OPENAI_BASE_URL", ""),
        model=options.model or os.environ.get("OPENAI_MODEL", ""),
        api_key=options.api_key or os.environ.get("OPENAI_API_KEY"),
        concurrency=options.concurrency, timeout=options.timeout))
    engine.connect()  # a bad key, URL or model: one clear error before any article is read
    return engine


def _none(options: EngineOptions) -> Engine:
    from bilingual.engines.none import NoneEngine

    return NoneEngine()


ENGINES: dict[str, EngineSpec] = {s.name: s for s in (
    EngineSpec("argos", "offline Argos model (CTranslate2)", _argos),
    EngineSpec("libretranslate", "a LibreTranslate server (--url, --api-key)", _libretranslate),
    EngineSpec("openai", "an OpenAI-compatible LLM server: llama.cpp, Ollama, vLLM, hosted "
               "(--url, --model, --api-key)", _openai),
    EngineSpec("none", "no MT: a translation kit for human translators", _none),
)}
ENGINE_CHOICES = (*ENGINES, AUTO)


def resolve_engine_name(name: str) -> str:
    """`auto` becomes argos where a zh→en model is installed, else none."""
    if name != AUTO:
        return name
    from bilingual.models import find_zh_en

    return "argos" if find_zh_en() is not None else "none"


def create_engine(name: str, options: EngineOptions | None = None) -> Engine:
    spec = ENGINES.get(resolve_engine_name(name))
    if spec is None:
        raise BilingualError(f"unknown engine '{name}'", "--engine",
                             f"use one of {', '.join(ENGINE_CHOICES)}")
    return spec.create(options or EngineOptions())
