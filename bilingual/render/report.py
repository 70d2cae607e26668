"""report.json: QA findings, term statistics, engine, model, glossary and timings."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from bilingual.qa import Finding, as_dicts, summary
from bilingual.records import Article, RunInfo


def build_report(article: Article, info: RunInfo, findings: list[Finding],
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    todo = [s for s in article.segments if s.translate]
    terms = [t for s in todo for t in s.terms]
    statuses: dict[str, int] = {}
    for s in todo:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    return {
        "article": {"path": article.path, "stem": article.stem, "encoding": article.encoding,
                    "format": article.format, "script": article.script, "meta": article.meta},
        "run": asdict(info),
        "segments": {"total": len(article.segments), "translatable": len(todo),
                     "from_tm": sum(1 for s in todo if s.from_tm), "status": statuses},
        "terms": {
            "matched": sum(1 for t in terms if t.source != "auto"),
            "automatic_names": len({t.zh for t in terms if t.source == "auto"}),
            "enforced": sum(1 for t in terms if t.status and t.status != "missing"),
            "missing": sum(1 for t in terms if t.status == "missing"),
            "by_status": {k: sum(1 for t in terms if t.status == k)
                          for k in sorted({t.status for t in terms})},
        },
        "qa": {"summary": summary(findings), "findings": as_dicts(findings)},
        **(extra or {}),
    }


def render_report(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
