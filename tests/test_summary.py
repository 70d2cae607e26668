"""The end-of-run summary (issue: what a newcomer reads): its words and counts agree with
run.json and each report.json. A golden test on a run with matched, repaired and missing
terms, on a glossary of our own so that it does not move when the default glossary grows."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bilingual.render.formats import FORMATS
from bilingual.run.executor import BatchOptions, load_tools, run_batch, write_run_json
from bilingual.run.inputs import plan
from bilingual.run.progress import summary_lines
from bilingual.testing import ScriptedEngine

GOLDEN = Path(__file__).parent / "golden" / "summary.txt"
GLOSSARY = ("zh\ten\n中国共产党\tthe Communist Party of China (CPC)\n乡村振兴\trural revitalization\n"
            "脱贫攻坚\tthe fight against poverty\n全面从严治党\tfull and rigorous Party "
            "self-governance\n代表大会\tcongress\n")


def _mask(line: str) -> str:
    """Times vary from run to run; everything else must not."""
    return re.sub(r"\d+\.\d+ s\b", "#.# s", line)


def test_summary_golden(fixtures: Path, tmp_path: Path) -> None:
    desk = tmp_path / "desk.tsv"
    desk.write_text(GLOSSARY, encoding="utf-8")
    tools = load_tools([str(desk)], default_glossary=False, names=False)
    # drops every term; the target-prefix repair restores one missing term per sentence, so
    # sentences with one term are repaired and those with two stay missing
    engine = ScriptedEngine("drop", prefix_ok=True)
    out = tmp_path / "out"
    inputs = [fixtures / "long_article.txt", fixtures / "no_banner_combined_meta.txt"]
    result = run_batch(plan(inputs), engine, None,
                       BatchOptions(out=out, formats=list(FORMATS)), tools=tools)
    lines = [_mask(line).replace(str(fixtures) + "/", "") for line in
             summary_lines(result, engine)]
    text = "\n".join(lines) + "\n"
    if not GOLDEN.exists():  # first run writes it; review it by eye, then commit it
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")

    t = result.terms()
    assert t.by_rung["prefix"] > 0 and t.by_rung["missing"] > 0
    assert sum(t.outcomes().values()) == t.matched  # the outcomes add up
    run = json.loads(write_run_json(result, out).read_text(encoding="utf-8"))
    assert run["terms"] == t.to_json()
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*/*.report.json")]
    assert sum(r["terms"]["matched"] for r in reports) == t.matched
    assert sum(r["terms"]["missing"] for r in reports) == run["terms"]["missing"]
    assert [a["terms"]["matched"] for a in run["articles"]] == \
        [r["terms"]["matched"] for r in sorted(reports, key=lambda r: r["article"]["stem"])]
    # the DOCX header states the same counts in the same words as the console
    from docx import Document

    from bilingual.terms.stats import TermCounts

    for article in run["articles"]:
        docx = out / article["stem"] / f"{article['stem']}.bilingual.docx"
        header = [p.text for p in Document(str(docx)).paragraphs if p.text.startswith("Terms: ")]
        counts = next(o.terms for o in result.outcomes if o.stem == article["stem"])
        assert isinstance(counts, TermCounts) and header == [f"Terms: {counts.describe()}"]


def test_hints_name_the_command_as_the_user_can_type_it(fixtures: Path, tmp_path: Path) -> None:
    """After `make example`, `bilingual` is `.venv/bin/bilingual`, not on PATH: the kit note
    says the command the user can actually run."""
    import os
    import subprocess
    import sys

    script = Path(sys.executable).parent / "bilingual"
    env = {**os.environ, "PATH": "/usr/bin:/bin", "ARGOS_PACKAGES_DIR": str(tmp_path / "none"),
           "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run([os.path.relpath(script), "translate", str(fixtures /
                             "xinhua_dateline.txt"), "--engine", "auto", "--no-tm", "-o",
                             str(tmp_path / "out")], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"`{os.path.relpath(script)} models install`" in result.stderr
