"""What applies to a piece of Chinese, and why: the library behind `glossary lookup` and
`glossary check`'s report."""

from __future__ import annotations

import re
import unicodedata

from bilingual.records import Segment
from bilingual.terms.annotate import TermTools, find_terms
from bilingual.terms.entries import AUTO, Entry, Glossary


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


def _where(entry: Entry) -> str:
    return f"{entry.source}:{entry.line}"


def _banned_inside(entries: list[Entry]) -> list[str]:
    """Renderings that contain another entry's banned rendering."""
    owners: dict[str, Entry] = {}
    for entry in entries:
        for wrong in entry.banned:
            owners.setdefault(wrong.casefold(), entry)
    if not owners:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in
                                             sorted(owners, key=len, reverse=True)) + r")\b",
                         re.I)
    lines = []
    for entry in entries:
        for m in pattern.finditer(entry.en):
            owner = owners[m.group().casefold()]
            if owner.zh != entry.zh and m.group().casefold() not in \
                    (a.casefold() for a in entry.accepted):
                lines.append(f"  {_where(entry)}: '{entry.zh}' → '{entry.en}' uses "
                             f"'{m.group()}', a banned rendering of '{owner.zh}' "
                             f"({_where(owner)})")
    return lines


def _case_clashes(entries: list[Entry]) -> list[str]:
    """A rendering written with fewer capitals inside another entry's rendering: "party
    committee" where the entry says "Party committee". More capitals are a proper name's
    title case ("the National Security Law"), and suffix entries ("City") are not heads."""
    import ahocorasick

    heads = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i, entry in enumerate(entries):
        if len(entry.en) >= 4 and not entry.fixed_case and "suffix" not in entry.flags \
                and entry.en != entry.en.lower():
            heads.add_word(entry.en.casefold(), i)
    if not len(heads):
        return []
    heads.make_automaton()
    lines = []
    for entry in entries:
        folded = entry.en.casefold()
        if len(folded) != len(entry.en):
            continue  # casefolding changed the length: offsets would not line up
        for end, i in heads.iter(folded):
            head = entries[i]
            start = end - len(head.en) + 1
            seen = entry.en[start:end + 1]
            bounded = (start == 0 or not folded[start - 1].isalnum()) and \
                (end + 1 == len(folded) or not folded[end + 1].isalnum())
            lost = any(a.isupper() and not b.isupper() for a, b in zip(head.en, seen, strict=True))
            if lost and bounded and not (start == 0 and seen[1:] == head.en[1:]):
                lines.append(f"  {_where(entry)}: '{entry.zh}' → '{entry.en}' writes "
                             f"'{seen}'; '{head.zh}' ({_where(head)}) writes '{head.en}'")
    return lines


def _punctuation_twins(entries: list[Entry]) -> list[str]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        key = "".join(ch for ch in entry.zh
                      if not unicodedata.category(ch).startswith(("P", "Z")))
        groups.setdefault(key, []).append(entry)
    return [f"  {_where(group[1])}: '{group[1].zh}' differs from '{group[0].zh}' "
            f"({_where(group[0])}) only in punctuation"
            for group in groups.values() if len(group) > 1]


def strict_report(glossary: Glossary) -> list[str]:
    """`glossary check --strict`: what is legal but probably wrong, one line each."""
    entries = list(glossary.entries.values())
    findings = [*_banned_inside(entries), *_case_clashes(entries), *_punctuation_twins(entries)]
    return [*findings, f"strict: {len(findings)} finding{'s' if len(findings) != 1 else ''}"]
