"""report.json: QA findings, term statistics, engine, model, glossary and timings."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from bilingual.records import Article, Finding, RunInfo
from bilingual.terms.stats import TermCounts

_LIST = "\0findings\0"  # where the findings are streamed into the report's text


def build_report(article: Article, info: RunInfo, findings: Iterable[Finding],
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as data; the findings are a list (see `report_pieces` for the text)."""
    return _report(article, info, [f.record() for f in findings], extra)


def _report(article: Article, info: RunInfo, listed: Any,
            extra: dict[str, Any] | None) -> dict[str, Any]:
    states: Counter[str] = Counter()
    checks: Counter[str] = Counter()
    terms = TermCounts()
    total = from_tm = 0
    for seg in article.segments:  # one pass: a long article is read back from disk
        total += 1
        checks.update(f.check for f in seg.flags)  # the findings are the segments' flags
        if seg.translate:
            states[seg.state] += 1
            from_tm += seg.from_tm
            terms.add(seg)
    return {
        "article": {"path": article.path, "stem": article.stem, "encoding": article.encoding,
                    "format": article.format, "script": article.script, "meta": article.meta},
        "run": asdict(info),
        "segments": {"total": total, "translatable": sum(states.values()),
                     "from_tm": from_tm, "state": dict(states)},
        "terms": terms.to_json(),
        "qa": {"summary": dict(checks), "findings": listed},
        **(extra or {}),
    }


def report_pieces(article: Article, info: RunInfo, findings: Iterable[Finding],
                  extra: dict[str, Any] | None = None) -> Iterator[str]:
    """The report's JSON text, the same as `render_report(build_report(...))`, with the
    findings written one at a time (a long article may have a hundred thousand)."""
    text = render_report(_report(article, info, [_LIST], extra))
    head, tail = text.split(f"[\n      {json.dumps(_LIST)}\n    ]")
    yield head
    first = True
    for finding in findings:
        item = json.dumps(finding.record(), ensure_ascii=False, indent=2)
        yield ("[\n" if first else ",\n") + textwrap.indent(item, " " * 6)
        first = False
    yield ("[]" if first else "\n    ]") + tail


def render_report(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
