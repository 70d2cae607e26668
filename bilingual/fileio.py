"""Writing files so that a crash or Ctrl-C never leaves a half-written one behind."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", perms: int = 0o644) -> Iterator[IO]:
    """Open a temporary file beside `path`; it replaces `path` only if the block succeeds.

    `perms`: mkstemp makes 0600, but outputs are for sharing (readable by the group)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, perms)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_open(path, "w") as handle:
        handle.write(text)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)


_RANDOM = r"[a-z0-9_]{8}"  # what tempfile.mkstemp puts between prefix and suffix


def remove_temporaries(folder: Path, targets: str) -> int:
    """Remove the temporaries `atomic_open` made in `folder` for files whose names match the
    regex `targets`: a killed writer's, when the caller knows no writer is alive (it holds
    the output folder's lock). Only that exact shape goes, never another file that happens to
    end in ".part"; returns how many went."""
    shape = re.compile(rf"\.(?:{targets})\.{_RANDOM}\.part")
    removed = 0
    for path in folder.glob(".*.part"):
        if shape.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed
