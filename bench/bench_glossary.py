"""Glossary load + automaton build for 10,000 and 200,000 entries (cold, and from the cache),
and matching speed (issues: glossary, 15)."""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

from bench.common import big_article, report, sample_article

N_ENTRIES = 10_000


def synthetic_glossary(path: Path, n: int) -> None:
    """n made-up terms of 2-6 common characters, as a user TSV."""
    rng = random.Random(7)
    chars = "党员干部群众安阳市县区镇乡村委书记主任疫情防控工作会议发展建设人民政府社区组织领导"
    rows: set[str] = set()
    while len(rows) < n:
        rows.add("".join(rng.choice(chars) for _ in range(rng.randint(2, 8))))
    lines = ["zh\ten\tcategory\tnote"]
    for i, zh in enumerate(sorted(rows)[:n]):
        lines.append(f"{zh}\tterm {i}\tbench\tsynthetic")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    print("== glossary: load, automaton, matching, names ==")
    from bilingual.ingest.article import load_article
    from bilingual.ingest.script import ScriptConverter
    from bilingual.terms.annotate import annotate, load_glossary_and_matcher, load_term_tools
    from bilingual.terms.load import load_glossary
    from bilingual.terms.match import Matcher

    scripts = ScriptConverter()
    scripts.detect("预热")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BILINGUAL_CACHE_DIR"] = str(Path(tmp) / "cache")
        user = Path(tmp) / "big.tsv"
        synthetic_glossary(user, N_ENTRIES)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            glossary = load_glossary([user], include_default=True, scripts=scripts)
            matcher = Matcher(glossary)
            best = min(best, time.perf_counter() - start)
        report(f"load + build, {len(glossary.entries)} entries "
               f"({len(glossary.forms())} forms)", best, "s", "< 0.5 s")
        huge = Path(tmp) / "huge.tsv"
        synthetic_glossary(huge, 200_000)
        for label in ("first time (parse, Traditional forms, automaton)", "from the cache"):
            start = time.perf_counter()
            big_glossary, _ = load_glossary_and_matcher([huge], True, scripts)
            report(f"200,000 entries, {label}", time.perf_counter() - start, "s",
                   "<= 3 s" if label == "from the cache" else "")
        del big_glossary

    text = big_article(1_000_000)
    size_mb = len(text.encode()) / 1e6
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        found = matcher.find(text)
        best = min(best, time.perf_counter() - start)
    report(f"match {size_mb:.2f} MB, {len(found)} matches", best, "s")
    report("matching throughput", size_mb / best, "MB/s", ">= 5 MB/s")

    start = time.perf_counter()
    tools = load_term_tools(scripts=scripts)
    report("default glossary + name finder load (jieba dictionary)",
           time.perf_counter() - start, "s")
    article = load_article(sample_article(), scripts)
    start = time.perf_counter()
    stats = annotate(article.segments, tools)
    took = time.perf_counter() - start
    report(f"terms stage on {sample_article().name}: {stats.glossary} terms, "
           f"{stats.names} names", took, "s")


if __name__ == "__main__":
    main()
