"""openxml-audit (a Python port of the Open XML SDK validator, what Microsoft Word checks)."""

from __future__ import annotations

import re
from pathlib import Path

try:  # the PyPI package `openxml-audit`; tests skip where it is absent
    from openxml_audit import OpenXmlValidator
    from openxml_audit.errors import ValidationSeverity
except ImportError:  # pragma: no cover - depends on the machine
    OpenXmlValidator = None


def available() -> bool:
    return OpenXmlValidator is not None


def audit(path: str | Path, file_format: str = "office2019") -> list:
    """Every finding (errors and warnings) as openxml-audit's ValidationError objects."""
    from openxml_audit import FileFormat

    validator = OpenXmlValidator(file_format=FileFormat(file_format), max_errors=0)
    return list(validator.validate(Path(path)).errors)


def _where(error) -> str:
    return f"{error.part_uri}:{error.path}" if error.path else error.part_uri


def validate_docx(path: str | Path, file_format: str = "office2019") -> list[str]:
    """Errors (not warnings) as one string each: `PART:PATH [NODE]: DESCRIPTION`."""
    return [f"{_where(e)} [{e.node}]: {e.description}" for e in audit(path, file_format)
            if e.severity == ValidationSeverity.ERROR]


def distinct_errors(errors: list[str]) -> dict[str, int]:
    """The errors with element indices dropped from their paths (`tr[3]` → `tr`), counted:
    one entry per kind of mistake rather than one per table cell."""
    counts: dict[str, int] = {}
    for error in errors:
        key = re.sub(r"\[\d+\]", "", error)
        counts[key] = counts.get(key, 0) + 1
    return counts
