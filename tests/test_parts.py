"""A long article part by part (run/parts.py, run/spill.py): the same outputs as whole, with
memory for one part. The equivalence runs every article of the corpus both ways, with parts
of a few segments so that every paragraph boundary case is crossed."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from bilingual.records import Segment
from bilingual.render.formats import FORMATS
from bilingual.run import executor
from bilingual.run.executor import BatchOptions, run_batch
from bilingual.run.inputs import plan
from bilingual.run.parts import is_long, parts_of
from bilingual.run.spill import SegmentSpill
from bilingual.testing import ScriptedEngine

CORPUS = Path(__file__).parent / "corpus"
GENERATED = "2026-01-01T00:00:00Z"


def _seg(para: int, index: int) -> Segment:
    return Segment(f"p{para}.s{index}", "body", para, index, "中", "中", True)


def test_parts_are_cut_between_paragraphs() -> None:
    segs = [_seg(p, i) for p, n in enumerate([3, 1, 4, 2, 9, 1], 1) for i in range(1, n + 1)]
    parts = list(parts_of(segs, 4))
    assert [s for part in parts for s in part] == segs  # nothing lost, order kept
    # a part ends where a paragraph ends, unless one paragraph is twice the part size
    assert [[s.id for s in part][-1] for part in parts] == ["p2.s1", "p3.s4", "p5.s6", "p6.s1"]
    assert [len(part) for part in parts] == [4, 4, 8, 4]


def test_spill_reads_back_what_was_written(tmp_path: Path) -> None:
    spill = SegmentSpill(tmp_path)
    segs = [_seg(p, 1) for p in range(1, 8)]
    spill.append(segs[:3])
    spill.append(segs[3:])
    assert list(tmp_path.iterdir()) == []  # an unnamed file: a killed run leaves nothing
    assert len(spill) == 7 and [s.id for s in spill] == [s.id for s in segs]
    assert spill[4].id == "p5.s1" and spill[-1].id == "p7.s1"
    with pytest.raises(IndexError):
        spill[7]
    # two passes interleaved (a renderer looking ahead while another reads) do not mix
    outer = iter(spill)
    pairs = [(a.id, b.id) for a, b in zip(outer, spill, strict=True)]
    assert pairs == [(s.id, s.id) for s in segs]
    spill.rewrite(lambda seg: seg.flags.append(executor.Finding("x", "y")))
    assert all(len(s.flags) == 1 for s in spill)  # written once, read as often as needed
    assert [s.id for s in spill] == [s.id for s in segs] and len(spill) == 7
    assert spill[4].flags[0].check == "x"
    spill.close()


def test_is_long(tmp_path: Path) -> None:
    small, big = tmp_path / "a.txt", tmp_path / "b.txt"
    small.write_bytes(b"x" * 10)
    big.write_bytes(b"x" * 2000)
    assert not is_long(small, 1000) and is_long(big, 1000)
    assert not is_long("-", 0) and not is_long(tmp_path / "missing.txt", 0)


def _articles(tmp_path: Path, fixtures: Path) -> list[Path]:
    paths = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".txt", ".html"))
    paths += sorted(fixtures.iterdir())
    odd = tmp_path / "odd"
    odd.mkdir()
    # cleaning findings on lines the structure merges, and an article without a body
    (odd / "cleaned.txt").write_text(
        "某县召开\x01会议\n2022年9月28日 来源：某县融媒体\n"
        "会议强调，要坚持\x1b[31m党的领导。全面从严治党\x07永远在路上。\n"
        "二是加强基层治理。\x02三是做好疫情防控。\n", encoding="utf-8")
    (odd / "nobody.txt").write_text("关于做好近期疫情防控工作的通知\n", encoding="utf-8")
    return [*paths, *sorted(odd.iterdir())]


def _outputs(folder: Path) -> dict[str, object]:
    """Every output file's content; the report without its timings, the DOCX by part."""
    found: dict[str, object] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name.endswith(".report.json"):
            report = json.loads(path.read_text(encoding="utf-8"))
            report.pop("render_seconds", None)
            report["outputs"].pop("docx_sha256")  # zip entry times differ; parts compared
            found[name] = report
        elif name.endswith(".docx"):
            with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as package:
                found[name] = {n: package.read(n) for n in package.namelist()}
        elif not name.endswith((".sha256", ".stamp.json")) and "run.json" not in name:
            found[name] = path.read_bytes()
    return found


@pytest.mark.parametrize("mode", ["copy", "drop"])
def test_part_by_part_writes_what_whole_articles_write(
        tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.setattr(executor, "now_utc", lambda: GENERATED)
    items = plan(_articles(tmp_path, fixtures))
    assert len(items) > 50
    runs = {}
    for name, long_bytes in (("whole", 1 << 40), ("parts", 0)):
        out = tmp_path / name
        options = BatchOptions(out=out, formats=list(FORMATS), long_bytes=long_bytes, part=3,
                               chunk=8)
        result = run_batch(items, ScriptedEngine(mode), None, options)
        assert [o.result for o in result.outcomes if o.result != "done"] == []
        runs[name] = (result, _outputs(out))
    (whole, whole_files), (parts, part_files) = runs["whole"], runs["parts"]
    assert whole_files.keys() == part_files.keys()
    for name in whole_files:
        assert part_files[name] == whole_files[name], name
    # the same counts reach run.json and the summary
    key = lambda o: o.stem  # noqa: E731
    for a, b in zip(sorted(whole.outcomes, key=key), sorted(parts.outcomes, key=key),
                    strict=True):
        assert (a.segments, a.flags, a.terms.to_json()) == (b.segments, b.flags,
                                                            b.terms.to_json()), a.stem
    # what the comparison covers: findings decided across parts, repairs, cleaning, no body
    checks = {f["check"] for files in whole_files.values() if isinstance(files, dict)
              and "qa" in files for f in files["qa"]["findings"]}  # type: ignore[index]
    assert {"same-target", "input-cleaned", "no-body"} <= checks
    if mode == "drop":
        assert "term-missing" in checks


def _reference_cleaned(article_text: str) -> list[tuple[str, list[str]]]:
    """The rule as first written, over the whole article at once: each line's removals go to
    the segments of the last segment line at or before it (else the first), at offsets into
    their joined text, what lies past the end to the last."""
    from bilingual.ingest.article import _LINE_BREAK, _STRIP
    from bilingual.ingest.normalize import Removal, clean_text, describe_removals

    article = build_article_from(article_text)
    cleaned: dict[int, list[Removal]] = {}
    for number, raw in enumerate(_LINE_BREAK.split(article_text), start=1):
        raw, removals = clean_text(raw)
        if raw.strip(_STRIP) and removals:
            lead = len(raw) - len(raw.lstrip(_STRIP))
            cleaned[number] = [Removal(max(r.at - lead, 0), r.kind) for r in removals]
    flags: dict[str, list[str]] = {s.id: [] for s in article.segments}
    by_line: dict[int, list[Segment]] = {}
    for seg in article.segments:
        by_line.setdefault(seg.line, []).append(seg)
    for number, removals in cleaned.items():
        line = max((n for n in by_line if n <= number), default=min(by_line, default=0))
        pieces, start = by_line.get(line, []), 0
        for i, seg in enumerate(pieces):
            end = start + len(seg.zh)
            last = i == len(pieces) - 1
            mine = [r for r in removals if start <= r.at < end or (last and r.at >= end)]
            if mine:
                flags[seg.id].append(describe_removals(mine))
            start = end
    return [(s.id, flags[s.id]) for s in article.segments]


def build_article_from(text: str):
    from bilingual.ingest.article import build_article
    from bilingual.ingest.reading import Source

    return build_article(Source("a.txt", "a", text, "utf-8", "txt"))


def test_cleaning_findings_made_one_segment_at_a_time_match_the_whole_article_rule() -> None:
    import random

    rng = random.Random(7)
    lines = [line for p in sorted(CORPUS.rglob("*.txt"))[:20]
             for line in p.read_text(encoding="utf-8").splitlines()]
    marks = ["\x01", "\x1b[31m", "\x07", "\ufffe", "\x0e"]
    found = 0
    for _ in range(150):
        text = []
        for line in rng.sample(lines, rng.randint(1, 25)):
            chars = list(line)
            for _ in range(rng.choice([0, 0, 1, 3])):
                chars.insert(rng.randint(0, len(chars)), rng.choice(marks))
            text.append("".join(chars) + (rng.choice(marks) if rng.random() < 0.2 else ""))
        article = build_article_from("\n".join(text) + "\n")
        made = [(s.id, [f.message for f in s.flags if f.check == "input-cleaned"])
                for s in article.segments]
        assert made == _reference_cleaned("\n".join(text) + "\n")
        found += sum(len(f) for _, f in made)
    assert found > 300


def test_a_docx_is_long_by_its_unpacked_text(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for _ in range(4000):  # repeated prose zips to almost nothing
        document.add_paragraph("会议强调，要坚持和加强党的全面领导，推动全面从严治党向纵深发展。")
    path = tmp_path / "a.docx"
    document.save(str(path))
    assert path.stat().st_size < 100_000
    assert is_long(path, 300_000) and not is_long(path, 10_000_000)
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 not a zip")
    assert not is_long(tmp_path / "bad.docx", 100)  # reading will say what is wrong


def test_a_paragraph_of_hundreds_of_sentences_is_carried_as_several() -> None:
    """Outputs, and an LLM's requests, work a paragraph at a time: a whole article pasted as
    one line must not make one paragraph of all its records."""
    from bilingual.ingest.article import MAX_SENTENCES

    article = build_article_from("标题\n" + "这是一句话。" * (2 * MAX_SENTENCES + 5)
                                 + "\n第二段。第二句。\n")
    sizes = [len(p) for p in article.paragraphs()]
    assert sizes == [1, MAX_SENTENCES, MAX_SENTENCES, 5, 2]
    assert [p[0].id for p in article.paragraphs()] == ["p1.s1", "p2.s1", "p3.s1", "p4.s1",
                                                        "p5.s1"]
    assert "".join(s.zh for s in article.segments[1:-2]) == "这是一句话。" * (2 * MAX_SENTENCES + 5)
    assert {s.line for s in article.segments[1:-2]} == {2}  # still one line of the input


@pytest.mark.parametrize("code", ["ENOSPC", "EIO"])
def test_a_spill_that_cannot_be_written_stops_or_fails_in_one_line(
        tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    import errno

    from bilingual.run.executor import Interrupted

    def broken(self, segments):
        raise OSError(getattr(errno, code), "cannot write")

    monkeypatch.setattr(SegmentSpill, "append", broken)
    items = plan([fixtures / "long_article.txt"])
    options = BatchOptions(out=tmp_path / "out", formats=list(FORMATS), long_bytes=0)
    if code == "ENOSPC":  # every later article would fail the same way: the run stops
        with pytest.raises(Interrupted, match=r"disk is full .*: 0 of 1"):
            run_batch(items, ScriptedEngine(), None, options)
    else:
        result = run_batch(items, ScriptedEngine(), None, options)
        [outcome] = result.outcomes
        assert outcome.result == "failed"
        assert "cannot write its segments to disk (cannot write)" in outcome.reason
    assert [p.name for p in (tmp_path / "out").iterdir()] == []  # nothing half-written


def test_review_rows_and_their_facts_in_one_pass() -> None:
    """Boilerplate is a row only between translated paragraphs; the DOCX's facts (widths,
    size, colours) are gathered in the same pass that finds where the rows begin and end."""
    from bilingual.records import Article, Term
    from bilingual.render.docx import ReviewRows, _id_width, _size_hint

    kinds = ["boilerplate", "title", "boilerplate", "boilerplate", "body", "meta",
             "boilerplate", "body", "boilerplate", "boilerplate"]
    segments = []
    for para, kind in enumerate(kinds, 1):
        for index in (1, 2) if kind == "body" else (1,):
            seg = Segment(f"p{para}.s{index}", kind, para, index, "中" * para * index, "中",
                          kind not in ("boilerplate", "meta"))
            if seg.translate:
                seg.terms = [Term("中", f"en{para}", 0, 1, "glossary")]
            segments.append(seg)
    rows = ReviewRows(Article("a.txt", "a", "utf-8", "txt", "simplified", segments))
    expected = [s for s in segments if s.translate or s.id in ("p3.s1", "p4.s1", "p7.s1")]
    assert list(rows) == expected
    assert rows.facts.size_hint == sum(_size_hint(s) for s in expected)
    assert rows.facts.widest_id_cm == max(_id_width(s) for s in expected)
    assert list(rows.facts.colour_of) == ["en2", "en5", "en8"]


@pytest.mark.parametrize("long_bytes", [1 << 40, 0], ids=["whole", "parts"])
def test_what_stops_a_run_stops_it_part_by_part_too(
        tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch, long_bytes: int) -> None:
    """A full disk while the outputs are written, or an engine that cannot be reached, stops
    the run at once (one line), as for a short article: not one failure per long article,
    each translated in full first."""
    import errno

    import bilingual.render.write as write_module
    from bilingual.errors import BilingualError
    from bilingual.run.executor import Interrupted

    items = plan([fixtures / "long_article.txt", fixtures / "xinhua_dateline.txt"])
    options = BatchOptions(out=tmp_path / "out", formats=list(FORMATS), long_bytes=long_bytes)

    class Unreachable(ScriptedEngine):
        def translate(self, sources: list[str]) -> list[str]:
            raise BilingualError("cannot reach the server", "http://127.0.0.1:9", "start it")

        def hypotheses(self, sources: list[str], n: int) -> list[list[str]]:
            raise BilingualError("cannot reach the server", "http://127.0.0.1:9", "start it")

    with pytest.raises(BilingualError, match="cannot reach the server"):
        run_batch(items, Unreachable(), None, options)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    for name in ("atomic_open", "atomic_write_bytes", "atomic_write_text"):
        monkeypatch.setattr(write_module, name, full)
    engine = ScriptedEngine()
    with pytest.raises(Interrupted, match=r"disk is full .*: 0 of 2"):
        run_batch(items, engine, None, options)
    assert len(engine.calls) == 1  # nothing translated after the stop


def test_a_full_disk_is_told_when_the_spill_is_written_and_close_never_raises(
        tmp_path: Path) -> None:
    """Buffered bytes that cannot reach the disk must fail the write that made them (the run
    then stops in one line), not a later read or the close in a `finally`, which would put a
    traceback in place of that line."""
    import errno

    class FullDisk:
        def __init__(self, inner) -> None:
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def flush(self) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            self.inner.close()
            raise OSError(errno.ENOSPC, "No space left on device")

    spill = SegmentSpill(tmp_path)
    spill.append([_seg(1, 1)])
    spill._file = FullDisk(spill._file)  # type: ignore[assignment]
    with pytest.raises(OSError, match="No space"):
        spill.append([_seg(2, 1)])
    with pytest.raises(OSError, match="No space"):
        spill.rewrite(lambda seg: None)
    spill.close()  # says nothing more
