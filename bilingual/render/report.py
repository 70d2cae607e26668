"""report.json: QA findings, term statistics, engine, model, glossary and timings."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from bilingual.qa import as_dicts, summary
from bilingual.records import Article, Finding, RunInfo
from bilingual.terms.stats import count_terms


def build_report(article: Article, info: RunInfo, findings: list[Finding],
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    todo = [s for s in article.segments if s.translate]
    states = Counter(s.state for s in todo)
    return {
        "article": {"path": article.path, "stem": article.stem, "encoding": article.encoding,
                    "format": article.format, "script": article.script, "meta": article.meta},
        "run": asdict(info),
        "segments": {"total": len(article.segments), "translatable": len(todo),
                     "from_tm": sum(1 for s in todo if s.from_tm), "state": dict(states)},
        "terms": count_terms(todo).to_json(),
        "qa": {"summary": summary(findings), "findings": as_dicts(findings)},
        **(extra or {}),
    }


def render_report(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
