"""Resume stamps: an article is up to date when a stamp beside its outputs records the same
input and settings. The stamp is written last, so a killed run redoes only unfinished work."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bilingual.fileio import atomic_write_text
from bilingual.run.inputs import Item


def settings_key(engine_name: str, model: str, glossary_fingerprint: str, formats: list[str],
                 zh_script: str) -> str:
    """What, besides the input, decides the outputs."""
    return json.dumps({"engine": engine_name, "model": model, "glossary": glossary_fingerprint,
                       "formats": sorted(formats), "zh_script": zh_script}, sort_keys=True)


def stamp_path(out: Path, stem: str) -> Path:
    return out / stem / f".{stem}.done"


def input_digest(path: Path | str) -> str:
    if str(path) == "-" or isinstance(path, str):
        return ""  # standard input, a web page: never "up to date"
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def up_to_date(item: Item, out: Path, key: str) -> bool:
    try:
        stamp = json.loads(stamp_path(out, item.stem).read_text(encoding="utf-8"))
        digest = input_digest(item.path)
        return bool(digest) and stamp["key"] == key and stamp["input"] == digest
    except (OSError, ValueError, KeyError):
        return False


def write_stamp(item: Item, out: Path, key: str) -> None:
    atomic_write_text(stamp_path(out, item.stem),
                      json.dumps({"key": key, "input": input_digest(item.path)}) + "\n")
