"""jieba's dictionary (349,000 words with frequency and part-of-speech tag) as a MARISA trie.

jieba itself loads the dictionary into a Python dict of every word and every prefix: about
2 s and 150 MB per process, every run and every worker. The same words in a MARISA trie take
about 10 MB, and a trie saved once is memory-mapped in milliseconds (and shared by every
process that maps it). The cut below is jieba's own dictionary cut (`HMM=False`): the DAG of
dictionary words at each position, the most probable route through it.
"""

from __future__ import annotations

import importlib.util
import marshal
import math
import os
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# jieba's block rules (jieba.re_han_default, re_skip, re_eng), so the words come out the same.
_HAN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_SKIP = re.compile(r"(\r\n|\s)")
_ENG = re.compile(r"[a-zA-Z0-9]")
_VERSION = 2  # of the saved files' layout: part of their names
MAX_WORD = 16  # longer dictionary entries than this do not occur in running text


def jieba_dictionary() -> Path:
    """jieba's dict.txt, found without importing jieba (which would load it)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is not installed")
    return Path(spec.origin).parent / "dict.txt"


def cache_dir() -> Path:
    configured = os.environ.get("BILINGUAL_CACHE_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bilingual"))


@dataclass
class Tables:
    """The words in a trie; frequency and tag by the trie's key id."""

    trie: Any
    freq: array  # "I", by key id
    log_freq: array  # "d", log of the frequency (jieba's score), by key id
    tag: bytes  # tag index by key id
    tag_names: list[str]


def _build(source: Path) -> Tables:
    import marisa_trie

    words: dict[str, tuple[int, str]] = {}
    with source.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                words[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else "x")
    trie = marisa_trie.Trie(words)
    names = sorted({tag for _, tag in words.values()})
    index = {name: i for i, name in enumerate(names)}
    freq = array("I", bytes(4 * len(words)))
    tags = bytearray(len(words))
    for word, (count, tag) in words.items():
        key = trie.key_id(word)
        freq[key] = count
        tags[key] = index[tag]
    return Tables(trie, freq, array("d", (math.log(c or 1) for c in freq)), bytes(tags), names)


def _save(tables: Tables, stem: Path) -> None:
    from bilingual.fileio import atomic_open

    stem.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(stem.with_suffix(".tables"), "wb") as f:
        marshal.dump((tables.freq.tobytes(), tables.log_freq.tobytes(), tables.tag,
                      tables.tag_names), f)
    with atomic_open(stem.with_suffix(".marisa"), "wb") as f:
        tables.trie.write(f)


def _open(stem: Path) -> Tables:
    import marisa_trie

    with stem.with_suffix(".tables").open("rb") as f:
        freq, log_freq, tag, names = marshal.load(f)
    trie = marisa_trie.Trie().mmap(str(stem.with_suffix(".marisa")))
    return Tables(trie, array("I", freq), array("d", log_freq), tag, names)


def load_tables(source: Path | None = None) -> Tables:
    """The dictionary, memory-mapped from the cache; built and saved there the first time."""
    source = source or jieba_dictionary()
    stat = source.stat()
    stem = cache_dir() / f"jieba-dict.{_VERSION}.{stat.st_size}.{int(stat.st_mtime)}"
    if stem.with_suffix(".marisa").exists() and stem.with_suffix(".tables").exists():
        try:
            return _open(stem)
        except Exception:  # a damaged cache file: marisa raises bare exceptions
            pass
    tables = _build(source)
    try:
        _save(tables, stem)
    except OSError:
        pass  # a read-only cache folder: build again next time
    return tables


class Lexicon:
    """Frequencies, tags and jieba's dictionary cut over one trie."""

    def __init__(self, tables: Tables | None = None) -> None:
        self.tables = tables or load_tables()
        self._log_total = math.log(sum(self.tables.freq))

    def freq(self, word: str) -> int:
        key = self.tables.trie.get(word)
        return int(self.tables.freq[key]) if key is not None else 0

    def tag(self, word: str) -> str | None:
        key = self.tables.trie.get(word)
        return self.tables.tag_names[self.tables.tag[key]] if key is not None else None

    def cut(self, text: str) -> Iterator[str]:
        """jieba.cut(text, HMM=False): the same words."""
        for block in _HAN.split(text):
            if not block:
                continue
            if _HAN.fullmatch(block):
                yield from self._cut_block(block)
                continue
            for piece in _SKIP.split(block):
                if _SKIP.fullmatch(piece):
                    yield piece
                else:
                    yield from piece

    def _route(self, sentence: str) -> list[int]:
        """End (exclusive) of the best word at each position: jieba's calc over its DAG."""
        n = len(sentence)
        log_total, log_freq, freq = self._log_total, self.tables.log_freq, self.tables.freq
        prefixes = self.tables.trie.iter_prefixes_with_ids
        best = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            score, size = -math.inf, 0
            for word, key in prefixes(sentence[i:i + MAX_WORD]):
                if freq[key]:  # a zero-frequency entry is no word to jieba either
                    value = log_freq[key] - log_total + best[i + len(word)]
                    if (value, len(word)) > (score, size):
                        score, size = value, len(word)
            if not size:
                score, size = -log_total + best[i + 1], 1  # a character no word starts with
            best[i], end[i] = score, i + size
        return end

    def _cut_block(self, sentence: str) -> Iterator[str]:
        end = self._route(sentence)
        i, buf = 0, ""
        while i < len(sentence):
            word = sentence[i:end[i]]
            if len(word) == 1 and _ENG.match(word):
                buf += word  # Latin letters and digits stay together, as jieba keeps them
            else:
                if buf:
                    yield buf
                    buf = ""
                yield word
            i = end[i]
        if buf:
            yield buf
