"""Batched CTranslate2 against one call per sentence, and TM reuse (issue: machine translation).

Uses the tiny random Argos package (no real model can be downloaded here). A random model
never emits its end token, so decoding runs to the CLI's own cap (3.0 x source + 10), the
same rule in both modes.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

from bench.common import best_of, report, sample_article

REPEAT = 5


def main() -> None:
    print("== machine translation: batching and translation memory ==")
    from bilingual.engines.argos import ArgosEngine, ArgosOptions
    from bilingual.ingest.article import load_article
    from bilingual.models import find_zh_en, install_from_file
    from bilingual.testing import build_tiny_package
    from bilingual.tm import TranslationMemory
    from bilingual.translate import translate_segments

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        start = time.perf_counter()
        package_file = build_tiny_package(tmp_path / "build")
        report("build tiny Argos package", time.perf_counter() - start, "s")
        install_from_file(package_file, tmp_path / "packages")
        pkg = find_zh_en(tmp_path / "packages")
        sample = sample_article()
        sources = [s.zh_simplified for s in load_article(sample).segments if s.translate] * REPEAT
        print(f"{len(sources)} sentences: {sample.name} x {REPEAT}, beam 4, "
              f"{os.cpu_count()} cores")
        # Our defaults (1 intra-op thread, one worker per core), then Argos's own (intra-op
        # threads 0 = all cores, one worker), where every call pays a thread hand-off.
        results: dict[tuple[int, int], tuple[float, float]] = {}
        for threads, workers in ((1, 0), (0, 1)):
            options = ArgosOptions(beam_size=4, threads=threads, workers=workers)
            engine = ArgosEngine(pkg, options)
            engine.translator()
            label = f"intra={threads or 'all'}, workers={engine.workers()}"
            report(f"model load ({label})", engine.load_seconds, "s")
            engine.translate(sources[:4])  # warm-up
            repeat = 3 if threads else 1  # Argos's settings take seconds a run
            t_batched = best_of(lambda e=engine: e.translate(sources), repeat)
            t_single = best_of(lambda e=engine: [e.translate([s]) for s in sources], repeat)
            results[(threads, workers)] = (t_single, t_batched)
            report(f"one translate_batch call per sentence, Argos-style ({label})", t_single, "s")
            report(f"batched engine ({label})", t_batched, "s")
            report(f"ratio batched speed-up ({label})", t_single / t_batched, "x", ">= 3x")
        ours, argos = results[(1, 0)][1], results[(0, 1)][0]
        report("ratio our batched defaults vs Argos's per-sentence defaults", argos / ours, "x")

        articles = [load_article(sample) for _ in range(REPEAT)]
        with TranslationMemory(tmp_path / "tm.sqlite") as tm:
            start = time.perf_counter()
            translate_segments([s for a in articles for s in a.segments], engine, tm)
            first = time.perf_counter() - start
            again = [load_article(sample) for _ in range(REPEAT)]
            start = time.perf_counter()
            stats = translate_segments([s for a in again for s in a.segments], engine, tm)
            second = time.perf_counter() - start
        assert stats.engine_sources == 0
        report("first run (engine + TM write)", first, "s")
        report("second run (all from TM)", second, "s")
        report("ratio TM speed-up", first / second, "x", ">= 20x")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report("peak memory (process RSS)", peak_mb, "MB")


if __name__ == "__main__":
    main()
