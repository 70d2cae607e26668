"""A long article's segments on disk: written part by part, read back as often as needed.

A translated part is pickled into an unnamed temporary file in the output folder and freed;
the renderers then iterate over the spill (each output is one pass), so memory holds one
part's records, not the article's. The file has no name (`O_TMPFILE` where the system has
it, else unlinked at once): a killed run leaves nothing behind, and nothing is written
outside the output folder.
"""

from __future__ import annotations

import contextlib
import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import overload

from bilingual.records import Finding, Segment


class SegmentSpill(Sequence[Segment]):
    """Segments in parts on disk. Every read is one whole part (seek, read, unpickle), so
    several iterations may run interleaved."""

    def __init__(self, folder: Path) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)
        self._parts: list[tuple[int, int, int]] = []  # offset, bytes, segments
        self._count = 0

    def append(self, segments: list[Segment]) -> None:
        data = pickle.dumps(segments, protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._file.seek(0, 2)
        self._file.write(data)
        self._file.flush()  # a full disk is told here, not by a later seek or the close
        self._parts.append((offset, len(data), len(segments)))
        self._count += len(segments)

    def _part(self, number: int) -> list[Segment]:
        offset, size, _ = self._parts[number]
        self._file.seek(offset)
        segments: list[Segment] = pickle.loads(self._file.read(size))
        return segments

    def rewrite(self, change: Callable[[Segment], None]) -> None:
        """Apply `change` to every segment, once: each part is read, changed and written
        again at the end of the file (the old copies are dead space, freed with the file)."""
        for number in range(len(self._parts)):
            segments = self._part(number)
            for seg in segments:
                change(seg)
            data = pickle.dumps(segments, protocol=pickle.HIGHEST_PROTOCOL)
            offset = self._file.seek(0, 2)
            self._file.write(data)
            self._file.flush()
            self._parts[number] = (offset, len(data), len(segments))

    def parts(self) -> Iterator[list[Segment]]:
        for number in range(len(self._parts)):
            yield self._part(number)

    def __iter__(self) -> Iterator[Segment]:
        for part in self.parts():
            yield from part

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Segment: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Segment]: ...

    def __getitem__(self, index: int | slice) -> Segment | Sequence[Segment]:
        if isinstance(index, slice):
            return list(self)[index]
        at = index + self._count if index < 0 else index
        if not 0 <= at < self._count:
            raise IndexError(index)
        for number, (_, _, count) in enumerate(self._parts):
            if at < count:
                return self._part(number)[at]
            at -= count
        raise IndexError(index)

    @property
    def findings(self) -> Findings:
        return Findings(self)

    def close(self) -> None:
        """Never raises: the file has no name, and what went wrong (a full disk) was told
        when it was written."""
        with contextlib.suppress(OSError):
            self._file.close()


class Findings:
    """Every finding of a spilled article, re-read at each iteration (the report reads them
    twice: a summary, then the list)."""

    def __init__(self, spill: SegmentSpill) -> None:
        self._spill = spill

    def __iter__(self) -> Iterator[Finding]:
        for seg in self._spill:
            yield from seg.flags
