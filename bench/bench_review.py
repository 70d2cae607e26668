"""Review import of a reviewed DOCX with about 500 rows (issue 15, target <= 1 s).

The DOCX comes from `translate --engine none` on an article of about 500 translatable
segments; `review import` reads it back and regenerates every output. Measured as the user
runs it (a fresh process), best of three.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from bench.bench_peers import measure, row
from bench.common import big_article, bilingual_cmd


def main() -> None:
    print("== issue 15: review import ==")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "BILINGUAL_CACHE_DIR": str(root / "cache")}
        article = root / "review.txt"
        article.write_text(big_article(50_000), encoding="utf-8")
        out = root / "out"
        measure(bilingual_cmd("translate", str(article), "--engine", "none", "--no-tm",
                              "-o", str(out)), env)
        rows = sum(1 for line in (out / "review" / "review.aligned.jsonl").open(encoding="utf-8")
                   if json.loads(line)["translate"])
        docx = out / "review" / "review.bilingual.docx"
        seconds = min(measure(bilingual_cmd("review", "import", str(docx), "-o", str(out),
                                            "--no-tm"), env)[0] for _ in range(3))
        start_up = min(measure(bilingual_cmd("--help"), env)[0] for _ in range(3))
        row(f"review import, {rows} rows (best of 3)", seconds, "1 s", seconds, "<= 1x",
            seconds <= 1)
        row("  of which process start (bilingual --help)", start_up)


if __name__ == "__main__":
    main()
