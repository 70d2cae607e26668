"""Which files a run reads, and the output name each one gets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bilingual.errors import BilingualError
from bilingual.ingest.fetch import is_url, url_stem
from bilingual.ingest.reading import INPUT_SUFFIXES


@dataclass(frozen=True)
class Item:
    path: Path | str  # a str only for a web address, which a Path would mangle
    stem: str  # the output name, unique within the run


def check_paths(paths: list[str]) -> None:
    """Every path given exists: one line naming the first that does not, before any work."""
    for p in paths:
        if p != "-" and not is_url(p) and not Path(p).exists():
            raise BilingualError("no such file or folder", p, "check the path")


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
                             " ".join(str(p) for p in paths),
                             "give article files or folders that hold them")
    return list(dict.fromkeys(found))


def plan(paths: list[Path | str]) -> list[Item]:
    """Stable, unique output names: a second a.txt elsewhere becomes a-2, in sorted order."""
    seen: dict[str, int] = {}
    items = []
    for path in paths:
        stem = url_stem(path) if isinstance(path, str) and is_url(path) \
            else Path(path).stem if str(path) != "-" else "stdin"
        n = seen.get(stem, 0) + 1
        seen[stem] = n
        items.append(Item(path, stem if n == 1 else f"{stem}-{n}"))
    return items
