"""Rendering and review import times (issue: reviewer and publisher outputs)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import big_article, report, sample_article


def main() -> None:
    print("== outputs: DOCX, all formats, review import ==")
    from bilingual.ingest.article import build_article, load_article
    from bilingual.ingest.reading import Source
    from bilingual.qa import run_qa
    from bilingual.render.docx import render_docx
    from bilingual.render.formats import FORMATS
    from bilingual.render.write import write_outputs
    from bilingual.run.executor import run_info
    from bilingual.run.review_import import import_review
    from bilingual.terms.annotate import annotate, load_term_tools
    from bilingual.testing import ScriptedEngine  # deterministic: no MT cost
    from bilingual.translate import translate_segments

    tools = load_term_tools()
    engine = ScriptedEngine("copy")

    def prepared(article):
        annotate(article.segments, tools)
        translate_segments(article.segments, engine, None, tools.fingerprint, tools.glossary)
        return article

    article = prepared(load_article(sample_article()))
    info = run_info(engine, tools)
    render_docx(article, info)  # warm-up: python-docx's imports
    best = min(_timed(lambda: render_docx(article, info)) for _ in range(3))
    rows = sum(1 for s in article.segments if s.translate)
    report(f"DOCX rendering, {sample_article().name} ({rows} rows)", best, "s", "< 0.5 s")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def all_outputs() -> None:
            findings = run_qa(article.segments)
            write_outputs(article, out, info, findings, list(FORMATS))

        best = min(_timed(all_outputs) for _ in range(3))
        report("all outputs of one article (QA + 8 files), excluding MT", best, "s", "< 1 s")

        text = big_article(60_000)
        big = build_article(Source("big.txt", "big", text, "utf-8", "txt"))
        big.segments = [s for s in big.segments if s.kind != "boilerplate"]
        keep = [s for s in big.segments if s.translate][:500]
        big.segments = keep
        prepared(big)
        write_outputs(big, out, info, run_qa(big.segments), list(FORMATS))
        docx = out / "big" / "big.bilingual.docx"
        reviewed = out / "reviewed.docx"
        reviewed.write_bytes(docx.read_bytes())
        start = time.perf_counter()
        done = import_review(reviewed, out, None)
        took = time.perf_counter() - start
        applied = len(done.result.unchanged) + len(done.result.applied)
        report(f"review import of a {len(keep)}-row DOCX ({applied} rows matched, "
               "outputs regenerated)", took, "s", "< 1 s")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
