"""Folders of articles: articles per minute with 1 and 2 jobs, memory at 20 and 200 articles,
and a second run with everything up to date (issue: batch runs)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import FIXTURES, REPO, fresh, report

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from bilingual.run.executor import BatchOptions, run_batch
from bilingual.run.inputs import collect_inputs, plan
from bilingual.engines.argos import ArgosEngine, ArgosOptions
from bilingual.models import find_zh_en
from bilingual.render.formats import FORMATS

inbox, out, packages = (Path(a) for a in sys.argv[1:4])
jobs = int(sys.argv[4])
# the CLI's own decoding cap: a random model decodes up to it, as every peer does in bench_peers
engine = ArgosEngine(find_zh_en(packages), ArgosOptions())
start = time.perf_counter()
result = run_batch(plan(collect_inputs([inbox], out)), engine, None,
                   BatchOptions(out=out, formats=list(FORMATS), jobs=jobs))
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "counts": result.to_json()["counts"],
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "children_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def make_inbox(root: Path, count: int) -> Path:
    """`count` articles from the fixtures, each made unique so that nothing is shared."""
    sources = sorted(FIXTURES.glob("*.txt"))
    root.mkdir(parents=True)
    for n in range(count):
        lines = sources[n % len(sources)].read_text(encoding="utf-8").splitlines()
        body = [f"{line}（第{n}号）" if len(line) > 30 else line for line in lines]
        (root / f"article-{n:03d}.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
    return root


def run(inbox: Path, out: Path, packages: Path, jobs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:  # started fresh: its memory is its own
        proc = subprocess.run(fresh([sys.executable, "-c", CHILD, str(inbox), str(out),
                                     str(packages), str(jobs)], Path(tmp) / "report.json"),
                              capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    print("== batch: folders of articles (tiny model, glossary and names on, all formats) ==")
    from bilingual.models import install_from_file
    from bilingual.testing import build_tiny_package

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        install_from_file(build_tiny_package(root / "build"), root / "packages")
        for count in (20, 200):
            inbox = make_inbox(root / f"inbox{count}", count)
            for jobs in (1, 2):
                out = root / f"out{count}-{jobs}"
                first = run(inbox, out, root / "packages", jobs)
                rate = first["counts"].get("done", 0) / first["seconds"] * 60
                report(f"{count} articles, --jobs {jobs}: articles per minute", rate, "/min")
                report(f"{count} articles, --jobs {jobs}: peak memory, main process",
                       first["rss_mb"], "MB")
                if jobs > 1:
                    report(f"{count} articles, --jobs {jobs}: peak memory, largest worker",
                           first["children_rss_mb"], "MB")
                if count == 200 and jobs == 2:
                    again = run(inbox, out, root / "packages", jobs)
                    report(f"second run, {again['counts']}", again["seconds"], "s",
                           "seconds, not minutes")


if __name__ == "__main__":
    main()
