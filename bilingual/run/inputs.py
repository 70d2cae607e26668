"""Which files a run reads, and the output name each one gets.

An output name is one safe path component (never `..`, never a control character, never a
separator), and no two inputs of a run share one: a plan that would is refused, because one
article's outputs would silently replace the other's.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bilingual.errors import BilingualError
from bilingual.ingest.fetch import is_url, url_stem
from bilingual.ingest.reading import INPUT_SUFFIXES

# Characters a file name of ours never holds: controls, invalid-UTF-8 escapes (surrogates),
# separators and what Windows file systems refuse (outputs are shared on such volumes too).
_UNSAFE_RE = re.compile(r'[\x00-\x1f\x7f-\x9f\ud800-\udfff/\\<>:"|?*]+')
# Bytes of an output name: under NAME_MAX (255) with suffixes added, and short enough for the
# DOCX core properties (255 characters, where each ideograph is escaped to six).
MAX_STEM = 60


@dataclass(frozen=True)
class Item:
    path: Path | str  # a str only for a web address, which a Path would mangle
    stem: str  # the output name, unique within the run


def check_paths(paths: list[str]) -> None:
    """Every path given exists: one line naming the first that does not, before any work."""
    for p in paths:
        if p != "-" and not is_url(p) and not Path(p).exists():
            raise BilingualError("no such file or folder", safe_text(p), "check the path")


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe_text(text: str) -> str:
    """A name as it can be printed, logged and put in XML or JSON: undecodable bytes (which
    Python holds as lone surrogates) and control characters (an ANSI escape would drive the
    terminal) are shown escaped."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def safe_stem(name: str) -> str:
    """`name` as one harmless path component; "article" when nothing usable is left."""
    cleaned = _UNSAFE_RE.sub("_", unicodedata.normalize("NFC", name))
    cleaned = cleaned.strip(" ._")  # no hidden names, no "..", no trailing dots (Windows)
    if len(cleaned.encode("utf-8")) > MAX_STEM:
        # cut, and tell apart the names that share the cut: a digest of the whole name
        digest = hashlib.sha1(cleaned.encode("utf-8")).hexdigest()[:8]
        while len(cleaned.encode("utf-8")) > MAX_STEM - 9:
            cleaned = cleaned[:-1]
        cleaned = f"{cleaned.rstrip(' ._')}-{digest}"
    return cleaned or "article"


def collect_inputs(paths: list[str] | list[Path], out: Path | None = None
                   ) -> list[Path | str]:
    """Files as given, and every article file below the folders given (sorted, deduplicated);
    the output folder is never read as input."""
    found: list[Path | str] = []
    out_resolved = out.resolve() if out is not None else None
    for raw in paths:
        if is_url(str(raw)):
            found.append(str(raw))
            continue
        path = Path(raw)
        if not path.is_dir():
            found.append(path)
            continue
        for candidate in sorted(path.rglob("*")):
            if not candidate.is_file() or candidate.suffix.lower() not in INPUT_SUFFIXES:
                continue
            if any(part.startswith(".") for part in candidate.relative_to(path).parts):
                continue
            if out_resolved is not None and out_resolved in candidate.resolve().parents:
                continue
            found.append(candidate)
    if not found:
        raise BilingualError("no article files (.txt, .docx, .html) found",
                             safe_text(" ".join(str(p) for p in paths)),
                             "give article files or folders that hold them")
    return list(dict.fromkeys(found))


def _base(path: Path | str) -> str:
    if isinstance(path, str) and is_url(path):
        return safe_stem(url_stem(path))
    return "stdin" if str(path) == "-" else safe_stem(Path(path).stem)


def plan(paths: list[Path | str]) -> list[Item]:
    """Output names that depend on each path alone, so reruns and added files never move an
    article to another folder: a name shared by several inputs takes its folder's name too
    (`sub/a.txt` → `a--sub`). Any clash left (also one differing only in case, which
    case-insensitive volumes merge) is refused with both inputs named."""
    bases = [_base(p) for p in paths]
    counts = Counter(b.casefold() for b in bases)
    shared = {b for b, n in counts.items() if n > 1}
    items = []
    for path, base in zip(paths, bases, strict=True):
        stem = base
        parent = "" if isinstance(path, str) else path.parent.name
        if base.casefold() in shared and parent:
            stem = safe_stem(f"{base}--{parent}")
        items.append(Item(path, stem))
    claimed: dict[str, Item] = {}
    for item in items:
        other = claimed.setdefault(item.stem.casefold(), item)
        if other is not item:
            raise BilingualError(
                f"would write to the same output folder `{item.stem}` as "
                f"{safe_text(str(other.path))}",
                safe_text(str(item.path)), "rename one of them, or translate them in separate runs")
    return items


def unreadable(items: list[Item]) -> list[tuple[Item, str]]:
    """Inputs that cannot even be opened (permissions, a folder named like an article, a
    broken link), found before the model loads: one line each, and the rest goes on."""
    bad = []
    for item in items:
        if isinstance(item.path, str):
            continue  # standard input or a web address: read when its turn comes
        if item.path.exists() and not item.path.is_file() and not item.path.is_dir():
            # opening a FIFO blocks and a device never ends: refused here, unopened
            bad.append((item, f"{safe_text(str(item.path))}: is not a regular file "
                              "(give an article file)"))
            continue
        try:
            with item.path.open("rb") as handle:
                handle.read(1)
        except OSError as exc:
            bad.append((item, f"{safe_text(str(item.path))}: cannot be read "
                              f"({exc.strerror or exc}) (check its permissions)"))
    return bad
