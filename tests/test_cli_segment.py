"""`bilingual segment` through Typer's runner, and the CLI's error contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bilingual.cli import app

runner = CliRunner()


def test_text_listing(fixtures) -> None:
    result = runner.invoke(app, ["segment", str(fixtures / "xinhua_dateline.txt")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# ")
    assert lines[1].split()[:2] == ["p1.s1", "title"]
    assert any(line.split()[:2] == ["p3.s1", "heading"] for line in lines)


def test_jsonl_schema(fixtures) -> None:
    result = runner.invoke(app, ["segment", str(fixtures / "traditional_tw.txt"), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"id", "kind", "para", "index", "zh", "zh_simplified", "translate", "meta"} <= set(records[0])
    assert records[0]["zh"] == "臺中市推動社區防疫 志工守護長者健康"
    assert records[0]["zh_display"] == records[0]["zh"]
    meta = [r for r in records if r["kind"] == "meta"]
    assert meta[0]["meta"] == {"date": "2021-06-15", "time": "09:30"}
    assert meta[0]["translate"] is False


def test_zh_script_option(fixtures) -> None:
    result = runner.invoke(app, ["segment", str(fixtures / "traditional_tw.txt"), "-f", "jsonl",
                                 "--zh-script", "simplified"])
    first = json.loads(result.stdout.splitlines()[0])
    assert first["zh_display"] == "台中市推动社区防疫 志工守护长者健康"
    assert first["zh"] == "臺中市推動社區防疫 志工守護長者健康"
    # the same boundaries whatever the display script
    plain = runner.invoke(app, ["segment", str(fixtures / "traditional_tw.txt"), "-f", "jsonl"])
    assert [json.loads(x)["id"] for x in plain.stdout.splitlines()] == \
           [json.loads(x)["id"] for x in result.stdout.splitlines()]


def test_stdin_and_output_file(tmp_path, fixtures) -> None:
    data = (fixtures / "long_article.txt").read_bytes()
    out = tmp_path / "seg.jsonl"
    result = runner.invoke(app, ["segment", "-", "-f", "jsonl", "-o", str(out)], input=data)
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 30
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "no such file"),
        ("", None, "is a directory"),
        ("e.txt", b"", "empty"),
        ("b.txt", bytes(range(256)) * 4, "binary"),
        ("en.txt", b"Only English.", "no Chinese"),
        ("x.docx", b"garbage", "not a .docx file"),
    ],
)
def test_bad_input_one_line_exit_2(tmp_path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name if name else tmp_path
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "never.jsonl"
    result = runner.invoke(app, ["segment", str(path), "-f", "jsonl", "-o", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("bilingual: error: ") and message in lines[0] and str(path) in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_help_is_fast_and_lazy() -> None:
    code = ("import sys, bilingual.cli; "
            "heavy = [m for m in ('docx', 'ctranslate2', 'jieba', 'lxml', 'opencc') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
