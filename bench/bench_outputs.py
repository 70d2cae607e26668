"""Rendering and review-import times: the reviewers' and publishers' files (issues 11, 15).

Figures are from one run of this module, each the best of a few repeats; the ratios compare
them with their targets (below 1 is within target).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import best_of, big_article, report, sample_article

DOCX_TARGET_S = 0.5
ALL_TARGET_S = 1.0
IMPORT_TARGET_S = 1.0
IMPORT_ROWS = 500


def _ratio(name: str, seconds: float, target: float) -> None:
    report(name, seconds, "s", f"< {target} s")
    print(f"    ratio to target: {seconds / target:.2f}")


def main() -> None:
    print("== outputs: DOCX, all formats, review import ==")
    from bilingual.ingest.article import build_article, load_article
    from bilingual.ingest.reading import Source
    from bilingual.qa import run_qa
    from bilingual.records import Article
    from bilingual.render.docx import render_docx
    from bilingual.render.formats import FORMATS
    from bilingual.render.write import write_outputs
    from bilingual.review import read_review_docx
    from bilingual.run.executor import run_info
    from bilingual.run.review_import import import_review
    from bilingual.terms.annotate import annotate, load_term_tools
    from bilingual.testing import ScriptedEngine  # deterministic, no MT cost
    from bilingual.translate import translate_segments

    tools = load_term_tools()
    engine = ScriptedEngine("copy")

    def prepared(article: Article) -> Article:
        annotate(article.segments, tools)
        translate_segments(article.segments, engine, None, tools.fingerprint, tools.glossary)
        return article

    article = prepared(load_article(sample_article()))
    info = run_info(engine, tools)
    render_docx(article, info)  # warm-up: python-docx's imports
    rows = sum(1 for s in article.segments if s.translate)
    _ratio(f"DOCX rendering, {sample_article().name} ({rows} rows)",
           best_of(lambda: render_docx(article, info)), DOCX_TARGET_S)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _ratio(f"all {len(FORMATS)} outputs of one article (QA included, MT excluded)",
               best_of(lambda: write_outputs(article, out, info, run_qa(article.segments),
                                           list(FORMATS))), ALL_TARGET_S)

        big = build_article(Source("big.txt", "big", big_article(80_000), "utf-8", "txt"))
        big.segments = [s for s in big.segments if s.translate][:IMPORT_ROWS]
        prepared(big)
        write_outputs(big, out, info, run_qa(big.segments), list(FORMATS))
        reviewed = out / "reviewed.docx"
        reviewed.write_bytes((out / "big" / "big.bilingual.docx").read_bytes())
        n_rows = len(read_review_docx(reviewed)[1])
        _ratio(f"reading a {n_rows}-row review DOCX", best_of(lambda: read_review_docx(reviewed)),
               IMPORT_TARGET_S)
        _ratio(f"review import of a {n_rows}-row DOCX (rows matched, QA, all outputs "
               "regenerated)", best_of(lambda: import_review(reviewed, out, None, force=True)),
               IMPORT_TARGET_S)


if __name__ == "__main__":
    main()
