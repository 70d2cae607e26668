"""A reviewed DOCX back through the pipeline: segments updated, QA again, TM, every output."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bilingual.chars import now_utc
from bilingual.errors import BilingualError
from bilingual.qa import run_qa
from bilingual.records import RunInfo
from bilingual.render.formats import FORMATS
from bilingual.render.write import check_docx_untouched, path_for, write_outputs
from bilingual.review import (
    ReviewResult,
    apply_review,
    human_pairs,
    load_aligned,
    previous_run,
    read_review_docx,
)
from bilingual.tm import TranslationMemory


@dataclass
class ReviewImport:
    result: ReviewResult
    outputs: list[Path]
    docx_kept: Path | None  # the reviewer's DOCX left in place instead of regenerated


def import_review(docx: Path, out: Path, tm: TranslationMemory | None = None,
                  force: bool = False, formats: list[str] | None = None) -> ReviewImport:
    """Apply a reviewed DOCX: update the segments, the TM, and every output."""
    meta, rows = read_review_docx(docx)
    article = load_aligned(out, meta["stem"])
    result = apply_review(article, rows)
    if tm is not None:
        tm.add_human(human_pairs(result))
    findings = run_qa(article.segments)
    info = RunInfo(**{k: v for k, v in previous_run(out, article.stem).items()
                      if k in RunInfo.__dataclass_fields__})
    info.generated = now_utc()
    formats = list(formats or FORMATS)
    kept = None
    if "docx" in formats and not force:
        try:
            check_docx_untouched(out, article)
        except BilingualError:
            kept = path_for(out, article, "docx")  # the reviewer's copy stays as it is
            formats.remove("docx")
    review_summary = {"review": {"file": docx.name, "reviewed": result.applied,
                                 "approved": result.approved, "problems": result.problems()}}
    written = write_outputs(article, out, info, findings, formats, extra=review_summary)
    return ReviewImport(result, written, kept)
