"""What applies to a piece of Chinese, and why: the library behind `glossary lookup` and
`glossary check`'s report."""

from __future__ import annotations

from bilingual.records import Segment
from bilingual.terms.annotate import TermTools, find_terms
from bilingual.terms.entries import AUTO, Glossary


def explain(text: str, tools: TermTools, simplified: str) -> list[str]:
    """One or two lines per term found in `text` (whose Simplified form is `simplified`)."""
    lines = []
    for t in find_terms(Segment("x", "body", 1, 1, text, simplified, True), tools):
        if t.source == AUTO:
            lines.append(f"{t.zh} → {t.en}  [auto {t.category}: name rule, romanised]")
            continue
        entry = tools.glossary.lookup(t.zh)
        assert entry is not None
        extra = f"; variant of {entry.zh}" if t.zh != entry.zh else ""
        banned = f"; never '{'|'.join(entry.banned)}'" if entry.banned else ""
        lines.append(f"{t.zh} → {t.en}  [{entry.category}; {entry.source}:{entry.line}"
                     f"{extra}{banned}]")
        if entry.note:
            lines.append(f"    {entry.note}")
    return lines


def check_report(glossary: Glossary, files: list[str]) -> list[str]:
    """What `glossary check` says: entries in force per file, real overrides (a different
    rendering) one line each, and how many entries merely repeat the one they shadow."""
    lines = []
    for path in files:
        count = sum(1 for e in glossary.entries.values() if e.source == path)
        lines.append(f"{path}: ok, {count} entries in force")
    changed = [(old, new) for old, new in glossary.shadowed if old.en != new.en]
    for old, new in changed:
        lines.append(f"  {new.source}:{new.line}: '{new.zh}' → '{new.en}' overrides "
                     f"{old.source}:{old.line} (was '{old.en}')")
    same = len(glossary.shadowed) - len(changed)
    lines.append(f"{len(glossary.entries)} entries in force; {len(changed)} overridden with a "
                 f"new rendering, {same} repeated unchanged; fingerprint "
                 f"{glossary.fingerprint()}")
    return lines
