"""`bilingual review`: reviewed DOCX files back into the pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilingual.cli.common import TmOption, echo, open_tm, user_errors

app = typer.Typer(no_args_is_help=True, help="Reviewed DOCX files.")

ReviewedDocx = Annotated[Path, typer.Argument(metavar="DOCX",
                                              help="The reviewed .bilingual.docx.")]


@app.command("import")
def review_import(
    docx: ReviewedDocx,
    out: Annotated[Path, typer.Option(
        "--output", "-o", metavar="FOLDER",
        help="The output folder `translate` wrote to.")] = Path("output"),
    tm_path: TmOption = None,
    no_tm: Annotated[bool, typer.Option(
        "--no-tm", help="Do not store the reviewed translations.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Regenerate the DOCX even if a reviewer changed it.")] = False,
) -> None:
    """Apply a reviewer's corrections: outputs regenerated, TM updated."""
    with user_errors():
        import contextlib

        from bilingual.run.lock import output_lock
        from bilingual.run.review_import import import_review

        tm = open_tm(tm_path, no_tm)
        try:
            # the folder `translate` wrote: not while a run writes it (run/lock.py)
            with output_lock(out) if out.is_dir() else contextlib.nullcontext():
                done = import_review(docx, out, tm, force)
        finally:
            if tm is not None:
                tm.close()
        r = done.result
        echo(f"{docx}: {len(r.applied)} reviewed, {len(r.approved)} approved, "
             f"{len(r.unchanged)} unchanged; {len(r.mismatched)} mismatched, "
             f"{len(r.added)} added, {len(r.deleted)} deleted rows"
             + (f", {len(r.conflicting)} conflicting" if r.conflicting else "")
             + (f"; {len(r.unread)} Status texts not understood" if r.unread else ""))
        for problem in r.problems():
            echo(f"  {problem}")
        if tm is not None:
            echo(f"translation memory: {len(r.applied) + len(r.approved)} human "
                 f"translations stored in {tm.path}")
        if done.docx_kept:
            echo(f"kept {done.docx_kept} (changed by a reviewer); --force regenerates it")
        if done.outputs:
            echo(f"regenerated {len(done.outputs)} files in {done.outputs[0].parent}/")


@app.command("diff")
def review_diff(docx: ReviewedDocx) -> None:
    """Print what the reviewer changed, segment by segment."""
    with user_errors():
        from bilingual.review import diff_review, read_review_docx

        _, rows = read_review_docx(docx)
        changes = diff_review(rows)
        for c in changes:
            echo(f"{c.id}  {c.zh}")
            if c.review != c.mt:
                echo(f"  - {c.mt}")
                echo(f"  + {c.review}")
            if c.status:
                echo(f"  status: {c.status}")
            if c.comment:
                echo(f"  comment: {c.comment}")
            for line in c.unread:
                echo(f"  status not understood: {line!r} (write 'approved' to approve)")
        echo(f"{len(changes)} of {len(rows)} rows changed, approved or commented")
