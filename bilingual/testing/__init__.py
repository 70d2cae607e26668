"""A public test kit (the `testing` extra): tiny real models and a scripted engine.

Tests, benchmarks and users' own integration tests build tiny but real models here, so the
real loading paths run offline: an Argos package (CTranslate2 + SentencePiece), a MiniSBD
splitter for LibreTranslate, and a GGUF model for llama.cpp's OpenAI-compatible server.
"""

from __future__ import annotations

from bilingual.testing.argos import TRAINING_LINES, build_tiny_minisbd, build_tiny_package
from bilingual.testing.scripted import ScriptedEngine

__all__ = ["TRAINING_LINES", "ScriptedEngine", "build_tiny_minisbd", "build_tiny_package"]
