"""translate-toolkit (PyPI `translate-toolkit`): the storage classes that Pootle/Weblate-era
tools and many converters use to read TMX and XLIFF.

Findings this encodes: translate-toolkit reads our TMX with `translate.storage.tmx.tmxfile`.
Its generic `factory.getobject()` and `translate.storage.xliff.xlifffile` are XLIFF 1.2 only and
refuse our XLIFF 2.1 ("appears to be XLIFF 2.x ... use xliff2.Xliff2File"), while
`translate.storage.xliff2.Xliff2File` (present in 3.20, the version tested) loads it: one unit
per <segment>, id `UNIT::SEGMENT`. Its Xliff2Unit does not map the segment `state`, so it is
read from the element here.
"""

from __future__ import annotations

from pathlib import Path

try:
    from translate.storage import tmx as _tmx
except ImportError:  # pragma: no cover - depends on the machine
    _tmx = None

try:
    from translate.storage import xliff2 as _xliff2
except ImportError:  # pragma: no cover - translate-toolkit absent or older than XLIFF 2 support
    _xliff2 = None


def available() -> bool:
    return _tmx is not None


def xliff2_available() -> bool:
    return _xliff2 is not None


def load_tmx_units(path: str | Path) -> list[dict]:
    """Our TMX as translate-toolkit reads it: {id, segment_id, source, target} per unit
    (translate-toolkit's TMX id is the source text; our id is the x-segment-id prop)."""
    store = _tmx.tmxfile.parsefile(str(path))
    units = []
    for unit in store.units:
        props = {p.get("type"): p.text for p in unit.xmlelement.iter("prop")}
        units.append({"id": unit.getid(), "segment_id": props.get("x-segment-id"),
                      "source": unit.source, "target": unit.target})
    return units


def load_xliff_units(path: str | Path) -> list[dict]:
    """Our XLIFF 2.1 as translate-toolkit's XLIFF 2 reader sees it: {id, source, target,
    state} per segment (`id` is `unit::segment`)."""
    store = _xliff2.Xliff2File.parsefile(str(path))
    units = []
    for unit in store.units:
        element = getattr(unit, "xmlelement", None)
        state = element.get("state") if element is not None else None
        units.append({"id": unit.getid(), "source": unit.source, "target": unit.target or "",
                      "state": state, "translated": unit.istranslated()})
    return units


def load_with_factory(path: str | Path):
    """translate-toolkit's format detection (what `po2xliff`-style tools and Weblate's
    importers start from). Raises ValueError on XLIFF 2.x."""
    from translate.storage import factory

    return factory.getobject(str(path))
