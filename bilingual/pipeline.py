"""Pieces of the pipeline shared by translation runs (batch.py) and review imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bilingual.engines.base import Engine
from bilingual.errors import BilingualError
from bilingual.qa import run_qa
from bilingual.records import RunInfo
from bilingual.render.write import FORMATS, check_docx_untouched, write_outputs
from bilingual.review import ReviewResult
from bilingual.terms.annotate import TermTools
from bilingual.tm import TranslationMemory


def run_info(engine: Engine, terms: TermTools | None) -> RunInfo:
    return RunInfo(
        engine=engine.describe(), engine_name=engine.name, model=engine.version,
        glossary=terms.fingerprint if terms else "",
        glossary_sources=list(terms.glossary.sources) if terms else [],
        generated=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


@dataclass
class ReviewImport:
    result: ReviewResult
    outputs: list[Path]
    docx_kept: Path | None  # the reviewer's DOCX left in place instead of regenerated


def import_review(docx: Path, out: Path, tm: TranslationMemory | None = None,
                  force: bool = False, formats: list[str] | None = None) -> ReviewImport:
    """Apply a reviewed DOCX: update the segments, the TM, and every output."""
    from bilingual.render.write import path_for
    from bilingual.review import (
        apply_review,
        human_pairs,
        load_aligned,
        previous_run,
        read_review_docx,
    )

    meta, rows = read_review_docx(docx)
    article = load_aligned(out, meta["stem"])
    result = apply_review(article, rows)
    if tm is not None:
        tm.add_human(human_pairs(result))
    findings = run_qa(article.segments)
    info = RunInfo(**{k: v for k, v in previous_run(out, article.stem).items()
                      if k in RunInfo.__dataclass_fields__})
    info.generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    formats = list(formats or FORMATS)
    kept = None
    if "docx" in formats and not force:
        try:
            check_docx_untouched(out, article, force=False)
        except BilingualError:
            kept = path_for(out, article, "docx")  # the reviewer's copy stays as it is
            formats.remove("docx")
    review_summary = {"review": {"file": str(docx), "reviewed": result.applied,
                                 "approved": result.approved, "problems": result.problems()}}
    written = write_outputs(article, out, info, findings, formats, force=True,
                            extra=review_summary)
    return ReviewImport(result, written, kept)
