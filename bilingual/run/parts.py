"""A long article translated part by part, so that memory holds one part, not the article.

Reading keeps the article's text once (its structure needs the whole of it); the segment
records, which cost some fifteen to fifty times the text, are made a paragraph at a time,
cut into parts of about `PART` segments, and each part is annotated, translated, checked and
spilled to disk (run/spill.py) before the next is made. The outputs are then rendered from
the spill. Only the article-wide `same-target` check keeps something per segment: a pair of
8-byte digests.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from bilingual.records import Segment

PART = 2000  # segments: a few MB of records, and still one large batch for the engine
# Above this size an article file goes part by part (a megabyte is some 6,000 sentences);
# below it the article is batched with others, which keeps the engine's batches full.
LONG_BYTES = 1_000_000


def is_long(path: str | Path, threshold: int = LONG_BYTES) -> bool:
    """Whether an input file is long enough to go part by part (standard input never is:
    it is read whole by then). A .docx counts by its unpacked text part: news prose zips
    to a twentieth of itself, and some to far less."""
    if str(path) == "-":
        return False
    try:
        size = os.stat(path).st_size
        if size <= threshold and Path(path).suffix.lower() == ".docx":
            size = _unpacked_body(Path(path))
    except OSError:
        return False  # reading reports the problem, in its own words
    return size > threshold


def _unpacked_body(path: Path) -> int:
    """The unpacked size the zip directory claims for the document's body (a lie is caught
    by the archive checks when the file is read; here it only picks the path)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            return sum(i.file_size for i in package.infolist()
                       if i.filename.lower() == "word/document.xml")
    except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError):
        return 0


def parts_of(segments: Iterable[Segment], size: int = PART) -> Iterator[list[Segment]]:
    """Parts of about `size` segments, cut between paragraphs (an LLM sees a paragraph and
    the one before it together), except inside one paragraph twice that long."""
    part: list[Segment] = []
    for seg in segments:
        if part and ((len(part) >= size and seg.index == 1) or len(part) >= 2 * size):
            yield part
            part = []
        part.append(seg)
    if part:
        yield part
