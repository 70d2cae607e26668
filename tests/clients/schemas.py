"""lxml validation of our TMX and XLIFF against the standards' own schemas, kept in the shared
folder beside the repository (`../shared/schemas`, see its README): TMX 1.4b DTD, XLIFF 2 core
XSD (namespace urn:oasis:names:tc:xliff:document:2.0, used by 2.0 and 2.1)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO.parent / "shared" / "schemas"
TMX_DTD = SCHEMAS / "tmx" / "tmx14.dtd"
XLIFF_XSD = SCHEMAS / "xliff21" / "xliff_core_2.0.xsd"

_SAFE = dict(resolve_entities=False, no_network=True, load_dtd=False)


@cache
def _dtd(path: Path) -> etree.DTD:
    with path.open("rb") as handle:
        return etree.DTD(handle)


@cache
def _xsd(path: Path) -> etree.XMLSchema:
    # the core XSD imports xml.xsd by a relative path that the schema set ships beside it
    return etree.XMLSchema(etree.parse(str(path), etree.XMLParser(no_network=True)))


def _errors(log) -> list[str]:
    return [f"line {e.line}: {e.message}" for e in log]


def validate_tmx(path: str | Path, dtd: Path = TMX_DTD) -> list[str]:
    """Errors of `path` against the TMX 1.4b DTD (empty: valid)."""
    schema = _dtd(dtd)
    document = etree.parse(str(path), etree.XMLParser(**_SAFE))
    return [] if schema.validate(document) else _errors(schema.error_log)


def validate_xliff(path: str | Path, xsd: Path = XLIFF_XSD) -> list[str]:
    """Errors of `path` against the XLIFF 2 core XSD (empty: valid)."""
    schema = _xsd(xsd)
    document = etree.parse(str(path), etree.XMLParser(**_SAFE))
    return [] if schema.validate(document) else _errors(schema.error_log)
