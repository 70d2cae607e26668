"""Structure and sentence accuracy against the gold corpus in tests/corpus.

Every fixture `tests/corpus/<layout>/<name>.txt|.html` has a gold file `<name>.gold.json`:

    {"layout": ..., "script": "simplified"|"traditional",
     "html_only_content": true,            # HTML gold lists only the lines to keep
     "lines": [{"text": ..., "kind": ...}, ...],
     "sentences": [...body sentences, in order...]}

The scorer loads each fixture through the pipeline, turns the produced segments back into
lines (one paragraph = one line), aligns them with the gold lines by text, and reports

* line-kind accuracy: a gold line counts as right when a produced line with the same text
  has the same kind; a gold line that was not produced is wrong; a produced line that is not
  in the gold is wrong, except in `html_only_content` gold where it is right if its kind is
  not translated (boilerplate): page chrome the extractor kept and the classifier dropped;
* body-sentence precision / recall / F1: the multiset of produced body segments against the
  multiset of gold sentences.

    python -m bench.bench_structure [--corpus tests/corpus] [--layout L] [--errors N] [--html]

`--html` (and `python -m bench.run`) also scores the saved pages of the corpus with each HTML
extractor in `bilingual.ingest.html.EXTRACTORS` (ours and trafilatura), with their speed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path


def _load(path: Path):  # type: ignore[no-untyped-def]
    """The pipeline's reading of one fixture; the one place that names the pipeline module."""
    from bilingual.ingest.article import load_article

    return load_article(path)


REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / "tests" / "corpus"
FIXTURE_SUFFIXES = (".txt", ".html", ".htm")
# Kinds that are not translated: chrome the reader kept is harmless if it is one of these.
NOT_TRANSLATED = {"boilerplate"}
MISSING = "<missing>"  # produced kind of a gold line the pipeline did not produce
EXTRA = "<not in gold>"  # gold kind of a produced line the gold does not have

_SPACE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


def _key(text: str) -> str:
    """Text as compared for alignment: all whitespace removed."""
    return _SPACE.sub("", text)


def fixtures(root: Path) -> list[tuple[Path, Path]]:
    """(fixture, gold) pairs under `root`, sorted."""
    pairs = []
    for gold in sorted(root.rglob("*.gold.json")):
        stem = gold.name[: -len(".gold.json")]
        for suffix in FIXTURE_SUFFIXES:
            source = gold.with_name(stem + suffix)
            if source.exists():
                pairs.append((source, gold))
                break
    return pairs


def produced_lines(article) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(kind, text) per paragraph: a body line's sentences joined back together."""
    lines: list[tuple[str, str]] = []
    last_para = None
    for seg in article.segments:
        if seg.para != last_para:
            lines.append((seg.kind, seg.zh))
            last_para = seg.para
        else:
            kind, text = lines[-1]
            lines[-1] = (kind, text + seg.zh)
    return [(kind, text.strip()) for kind, text in lines]


def align(gold: list[tuple[str, str]], produced: list[tuple[str, str]]
          ) -> list[tuple[int | None, int | None]]:
    """Pairs of (gold index, produced index), in order; None on the side that has no line."""
    a = [_key(t) for _, t in gold]
    b = [_key(t) for _, t in produced]
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            pairs.extend((i, None) for i in range(i1, i2))
            pairs.extend((None, j) for j in range(j1, j2))
    return pairs


def score_file(source: Path, gold_path: Path) -> dict:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    html_only = bool(gold.get("html_only_content"))
    gold_lines = [(g["kind"], g["text"]) for g in gold["lines"]]
    errors: list[dict] = []
    try:
        article = _load(source)
        produced = produced_lines(article)
        body = [seg.zh.strip() for seg in article.segments if seg.kind == "body"]
        crash = ""
    except Exception as exc:  # a crash scores zero for the file, and is reported
        produced, body, crash = [], [], f"{type(exc).__name__}: {exc}"
    right = total = 0
    for gi, pi in align(gold_lines, produced):
        if gi is not None:
            total += 1
            gkind, text = gold_lines[gi]
            pkind = produced[pi][0] if pi is not None else MISSING
            if gkind == pkind:
                right += 1
            else:
                errors.append({"gold": gkind, "produced": pkind, "text": text})
        else:
            assert pi is not None
            total += 1
            pkind, text = produced[pi]
            if html_only and pkind in NOT_TRANSLATED:
                right += 1
            else:
                errors.append({"gold": EXTRA, "produced": pkind, "text": text})
    gold_sents = Counter(s.strip() for s in gold["sentences"])
    got_sents = Counter(body)
    matched = sum((gold_sents & got_sents).values())
    missed = sorted((gold_sents - got_sents).elements(), key=gold["sentences"].index)
    spurious = list((got_sents - gold_sents).elements())
    return {
        "file": str(source),
        "layout": gold.get("layout", source.parent.name),
        "script": gold.get("script", ""),
        "format": "html" if source.suffix.lower() in (".html", ".htm") else "txt",
        "lines": total,
        "lines_right": right,
        "sent_gold": sum(gold_sents.values()),
        "sent_produced": sum(got_sents.values()),
        "sent_matched": matched,
        "errors": errors,
        "missed_sentences": missed,
        "spurious_sentences": spurious,
        "crash": crash,
    }


def _prf(matched: int, produced: int, gold: int) -> tuple[float, float, float]:
    p = matched / produced if produced else (1.0 if not gold else 0.0)
    r = matched / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _summary(files: list[dict]) -> dict:
    lines = sum(f["lines"] for f in files)
    right = sum(f["lines_right"] for f in files)
    gold = sum(f["sent_gold"] for f in files)
    produced = sum(f["sent_produced"] for f in files)
    matched = sum(f["sent_matched"] for f in files)
    p, r, f1 = _prf(matched, produced, gold)
    return {
        "files": len(files),
        "lines": lines,
        "lines_right": right,
        "line_accuracy": right / lines if lines else 1.0,
        "sent_gold": gold,
        "sent_produced": produced,
        "sent_matched": matched,
        "sent_precision": p,
        "sent_recall": r,
        "sent_f1": f1,
    }


def score_corpus(root: str | Path = DEFAULT_CORPUS, layout: str | None = None) -> dict:
    """Scores of every fixture under `root`: {"files", "layouts", "overall", "confusions"}."""
    root = Path(root)
    files = [score_file(src, gold) for src, gold in fixtures(root)]
    if layout:
        files = [f for f in files if f["layout"] == layout]
    by_layout: dict[str, list[dict]] = defaultdict(list)
    for f in files:
        by_layout[f["layout"]].append(f)
    confusions: Counter[tuple[str, str]] = Counter()
    for f in files:
        for e in f["errors"]:
            confusions[(e["gold"], e["produced"])] += 1
    return {
        "files": files,
        "layouts": {name: _summary(group) for name, group in sorted(by_layout.items())},
        "overall": _summary(files),
        "confusions": [{"gold": g, "produced": p, "count": n}
                       for (g, p), n in confusions.most_common()],
    }


def format_table(result: dict) -> str:
    head = (f"{'layout':<18}{'files':>5}{'lines':>6}{'kind acc':>9}"
            f"{'sents':>6}{'P':>7}{'R':>7}{'F1':>7}")
    rows = [head, "-" * len(head)]

    def row(name: str, s: dict) -> str:
        return (f"{name:<18}{s['files']:>5}{s['lines']:>6}{s['line_accuracy']:>9.3f}"
                f"{s['sent_gold']:>6}{s['sent_precision']:>7.3f}{s['sent_recall']:>7.3f}"
                f"{s['sent_f1']:>7.3f}")

    for name, s in result["layouts"].items():
        rows.append(row(name, s))
    rows.append("-" * len(head))
    rows.append(row("OVERALL", result["overall"]))
    return "\n".join(rows)


def format_errors(result: dict, limit: int) -> str:
    out = ["", "line-kind confusions (gold -> produced):"]
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in result["files"]:
        for e in f["errors"]:
            examples[(e["gold"], e["produced"])].append(f"{Path(f['file']).name}: {e['text']}")
    for c in result["confusions"][:limit]:
        ex = examples[(c["gold"], c["produced"])]
        out.append(f"{c['count']:>4}  {c['gold']:>13} -> {c['produced']:<13} e.g. {ex[0][:70]}")
    crashes = [f for f in result["files"] if f["crash"]]
    for f in crashes:
        out.append(f"CRASH {f['file']}: {f['crash']}")
    return "\n".join(out)


def format_details(result: dict) -> str:
    out = []
    for f in result["files"]:
        if not f["errors"] and not f["missed_sentences"] and not f["spurious_sentences"]:
            continue
        out.append(f"\n== {f['file']}  ({f['lines_right']}/{f['lines']} lines)")
        for e in f["errors"]:
            out.append(f"  {e['gold']:>13} -> {e['produced']:<13} {e['text'][:60]}")
        for s in f["missed_sentences"]:
            out.append(f"  missed sentence:   {s[:60]}")
        for s in f["spurious_sentences"]:
            out.append(f"  spurious sentence: {s[:60]}")
    return "\n".join(out)


def compare_extractors(root: str | Path = DEFAULT_CORPUS) -> dict[str, dict]:
    """Scores of the saved pages (.html fixtures) read with each HTML extractor, and the mean
    extraction time per page."""
    import importlib.util
    import time

    from bilingual.ingest import html

    pages = [(src, gold) for src, gold in fixtures(Path(root)) if src.suffix != ".txt"]
    chosen = html.EXTRACTOR
    results: dict[str, dict] = {}
    try:
        for name, extract in html.EXTRACTORS.items():
            if name == "trafilatura" and importlib.util.find_spec("trafilatura") is None:
                print("(trafilatura is not installed: pip install -e '.[test]' to compare)")
                continue
            html.EXTRACTOR = name
            summary = _summary([score_file(src, gold) for src, gold in pages])
            markups = [html.decode_html(src.read_bytes(), str(src))[0] for src, _ in pages]
            start = time.perf_counter()
            for markup in markups:
                extract(markup)
            summary["ms_per_page"] = (time.perf_counter() - start) * 1000 / max(len(pages), 1)
            results[name] = summary
    finally:
        html.EXTRACTOR = chosen
    return results


def format_extractors(results: dict[str, dict]) -> str:
    rows = [f"{'HTML extractor':<18}{'pages':>5}{'lines':>6}{'kind acc':>9}{'sents':>6}"
            f"{'P':>7}{'R':>7}{'F1':>7}{'ms/page':>9}"]
    for name, s in results.items():
        rows.append(f"{name:<18}{s['files']:>5}{s['lines']:>6}{s['line_accuracy']:>9.3f}"
                    f"{s['sent_gold']:>6}{s['sent_precision']:>7.3f}{s['sent_recall']:>7.3f}"
                    f"{s['sent_f1']:>7.3f}{s['ms_per_page']:>9.1f}")
    if {"lines", "trafilatura"} <= set(results):
        ours, theirs = results["lines"], results["trafilatura"]
        ratio = {key: ours[key] / max(theirs[key], 1e-9)
                 for key in ("line_accuracy", "sent_f1", "ms_per_page")}
        rows.append(f"ratio ours/trafilatura: kind acc {ratio['line_accuracy']:.2f}x, "
                    f"F1 {ratio['sent_f1']:.2f}x, time {ratio['ms_per_page']:.2f}x")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="gold corpus folder")
    parser.add_argument("--layout", help="score one layout only")
    parser.add_argument("--errors", type=int, default=12, metavar="N",
                        help="show the N most frequent kind confusions (0: none)")
    parser.add_argument("--details", action="store_true", help="every error, file by file")
    parser.add_argument("--json", action="store_true", help="the full result as JSON")
    parser.add_argument("--html", action="store_true",
                        help="also compare the HTML extractors on the saved pages")
    # called from bench.run with no arguments: the default report, with the extractor table
    args = parser.parse_args(argv if argv is not None else ["--html"])
    result = score_corpus(args.corpus, args.layout)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if not result["files"]:
        print(f"no fixtures with gold under {args.corpus}", file=sys.stderr)
        return 1
    print(format_table(result))
    if args.errors:
        print(format_errors(result, args.errors))
    if args.details:
        print(format_details(result))
    if args.html:
        print()
        print(format_extractors(compare_extractors(args.corpus)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
