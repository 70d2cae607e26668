"""Count the hostile cases: prints total, held and xfail, per module and per issue.

    .venv/bin/python tests/hostile/count.py          # from the repository root
    cd tests && ../.venv/bin/python -m hostile.count  # the same, as a module

(`python -m tests.hostile.count` does not work in this venv: argos-translate-lt installs a
top-level `tests` package into site-packages, which shadows the repository's `tests/`.)

Collection only (nothing runs). A case is "xfail" when it carries an xfail mark (the
failure it encodes is still present, or is expected to be); otherwise it "holds"."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest


class _Collector:
    def __init__(self) -> None:
        self.items: list = []

    def pytest_collection_finish(self, session) -> None:
        self.items = list(session.items)


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    collector = _Collector()
    code = pytest.main(["--collect-only", "-qq", "-p", "no:cacheprovider", str(here),
                        *(argv or [])], plugins=[collector])
    if code not in (0, 5):
        return int(code)
    per_module: Counter = Counter()
    xfail = slow = 0
    reasons: Counter = Counter()
    for item in collector.items:
        per_module[item.module.__name__.rsplit(".", 1)[-1]] += 1
        mark = item.get_closest_marker("xfail")
        if mark is not None:
            xfail += 1
            reason = str(mark.kwargs.get("reason", ""))
            reasons[reason.split(":", 1)[0] or "?"] += 1
        if item.get_closest_marker("slow") is not None:
            slow += 1
    total = len(collector.items)
    print()
    for module, n in sorted(per_module.items()):
        print(f"  {module:<22} {n}")
    print(f"total {total}  held {total - xfail}  xfail {xfail}  (slow {slow})")
    print("xfail by issue: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
