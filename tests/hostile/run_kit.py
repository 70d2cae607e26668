"""What the run/storage/engine hostile tests share: one CLI call, judged as a user sees it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from bilingual.cli import app

runner = CliRunner()


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(result: Result, *words: str) -> None:
    """Exit 2, exactly one `bilingual: error:` line saying `words`, and no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    errors = [x for x in result.stderr.splitlines() if x.startswith("bilingual: error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    assert "Traceback" not in result.output


def held(result: Result) -> None:
    """No traceback reached the user, whatever the exit code."""
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}
