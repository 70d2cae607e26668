"""The shape the code keeps (issue: consolidation): short functions, a thin CLI, lazy imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "bilingual"
MAX_FUNCTION_LINES = 60


def test_no_function_over_60_lines() -> None:
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} "
                                f"{node.name} ({length} lines)")
    assert not long, long


def test_help_imports_no_heavy_library() -> None:
    """`bilingual --help` must stay instant: none of the heavy libraries is imported."""
    code = ("import sys; from bilingual.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = {'ctranslate2', 'docx', 'jieba', 'lxml', 'opencc', 'rich', 'ahocorasick',"
            " 'argostranslate', 'sentencepiece', 'pypinyin'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
