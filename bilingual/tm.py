"""Translation memory: SQLite, safe for concurrent runs (WAL, one transaction per write).

Machine translations are keyed by source + engine + model version + glossary fingerprint, so
a new model or an edited glossary retranslates. Human translations (from review) are keyed by
source alone and always win over machine ones.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.chars import XML_ILLEGAL_RE, now_utc
from bilingual.errors import BilingualError

SCHEMA = """
CREATE TABLE IF NOT EXISTS units (
    source   TEXT NOT NULL,
    engine   TEXT NOT NULL,
    model    TEXT NOT NULL,
    glossary TEXT NOT NULL,
    origin   TEXT NOT NULL CHECK (origin IN ('mt', 'human')),
    target   TEXT NOT NULL,
    created  TEXT NOT NULL,
    updated  TEXT NOT NULL,
    PRIMARY KEY (source, engine, model, glossary, origin)
);
"""
UPSERT = """
INSERT INTO units (source, engine, model, glossary, origin, target, created, updated)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, engine, model, glossary, origin)
DO UPDATE SET target = excluded.target, updated = excluded.updated
"""
# Human units first, then the machine unit of exactly this engine, model and glossary.
LOOKUP = """
SELECT target, origin FROM units
WHERE source = ? AND (origin = 'human' OR (engine = ? AND model = ? AND glossary = ?))
ORDER BY origin = 'human' DESC, updated DESC LIMIT 1
"""


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("bilingual")) / "tm.sqlite"


@dataclass(frozen=True)
class Hit:
    target: str
    origin: str  # "mt" or "human"


@dataclass(frozen=True)
class Unit:
    source: str
    target: str
    origin: str
    engine: str
    model: str
    glossary: str
    created: str
    updated: str


DAMAGED_HINT = "run `bilingual tm repair{}` to salvage what it holds, or translate with --no-tm"


def _repair_hint(path: Path) -> str:
    return DAMAGED_HINT.format("" if path == default_path() else f" --tm {path}")


class TranslationMemory:
    """`must_exist`: for commands that only read (stats, export), a missing file is an error
    rather than a new empty database. A TM that cannot be written (a read-only file or
    folder) is opened for reading: lookups still serve, nothing is stored, and `warnings`
    (also returned by `close`) says so."""

    def __init__(self, path: str | Path, must_exist: bool = False) -> None:
        self.path = Path(path)
        self.warnings: list[str] = []
        self.writable = True
        if must_exist and not self.path.is_file():
            raise BilingualError("no such translation memory", str(self.path),
                                 "check --tm (`bilingual translate` creates it)")
        try:
            self.db = self._open()
            self._check()
        except sqlite3.DatabaseError as exc:
            raise BilingualError(f"is not a usable translation memory ({exc})", str(self.path),
                                 "give another --tm path, or --no-tm") from exc
        except OSError as exc:
            raise BilingualError(f"cannot open the translation memory ({exc})", str(self.path),
                                 "give another --tm path, or --no-tm") from exc

    def _open(self) -> sqlite3.Connection:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(SCHEMA)
            # a write that is rolled back: the one sure test that storing will work later,
            # made before any MT runs rather than after it
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM units WHERE 0")
            db.execute("ROLLBACK")
            return db
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc) and "read-only" not in str(exc) \
                    and "unable to open" not in str(exc):
                raise
            db.close()
        self.writable = False
        self.warnings.append(f"{self.path}: the translation memory is read-only: it is read, "
                             "but nothing new is stored in it")
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=30, isolation_level=None)

    def _check(self) -> None:
        """A damaged file (valid header, broken pages) is found here, in one line, rather
        than as a traceback in the middle of a run."""
        try:
            rows = [r[0] for r in self.db.execute("PRAGMA quick_check(3)")]
            self.db.execute("SELECT COUNT(*) FROM units").fetchone()
        except sqlite3.DatabaseError as exc:
            rows = [str(exc)]
        if rows != ["ok"]:
            self.db.close()
            raise BilingualError(f"the translation memory is damaged ({'; '.join(rows)})",
                                 str(self.path), _repair_hint(self.path))

    def close(self) -> list[str]:
        """Close it; returns the warnings gathered (read-only, a failed store)."""
        self.db.close()
        return self.warnings

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, sources: Iterable[str], engine: str, model: str,
               glossary: str) -> dict[str, Hit]:
        hits: dict[str, Hit] = {}
        for source in set(sources):
            row = self.db.execute(LOOKUP, (source, engine, model, glossary)).fetchone()
            if row:
                hits[source] = Hit(row[0], row[1])
        return hits

    def _write(self, rows: list[tuple[str, ...]]) -> None:
        """Store rows; a TM that cannot take them (disk full, made read-only meanwhile) loses
        these rows with a warning, never the run's outputs."""
        if not rows or not self.writable:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(UPSERT, rows)
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self.writable = False
            self.warnings.append(f"{self.path}: {len(rows)} translations could not be stored "
                                 f"in the translation memory ({exc}); nothing more is stored")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def add_mt(self, pairs: Iterable[tuple[str, str]], engine: str, model: str,
               glossary: str) -> None:
        stamp = now_utc()
        self._write([(s, engine, model, glossary, "mt", _clean(t), stamp, stamp)
                     for s, t in pairs if _clean(t).strip()])

    def add_human(self, pairs: Iterable[tuple[str, str]]) -> None:
        stamp = now_utc()
        self._write([(s, "", "", "", "human", _clean(t), stamp, stamp)
                     for s, t in pairs if _clean(t).strip()])

    def units(self) -> Iterator[Unit]:
        query = ("SELECT source, target, origin, engine, model, glossary, created, updated "
                 "FROM units ORDER BY source, origin")
        for row in self.db.execute(query):
            yield Unit(*row)

    def stats(self) -> dict[str, Any]:
        total = self.db.execute("SELECT COUNT(*) FROM units").fetchone()[0]
        by_origin = dict(self.db.execute("SELECT origin, COUNT(*) FROM units GROUP BY origin"))
        by_engine = {f"{e} {m}".strip() or "human": n for e, m, n in self.db.execute(
            "SELECT engine, model, COUNT(*) FROM units GROUP BY engine, model ORDER BY 3 DESC")}
        sources = self.db.execute("SELECT COUNT(DISTINCT source) FROM units").fetchone()[0]
        return {"path": str(self.path), "units": total, "sources": sources,
                "mt": by_origin.get("mt", 0), "human": by_origin.get("human", 0),
                "by_engine": by_engine,
                "bytes": self.path.stat().st_size if self.path.exists() else 0}


def _clean(text: str) -> str:
    """What XML cannot carry never enters the TM: every export and output reads it back."""
    return XML_ILLEGAL_RE.sub("", text)


def _salvage(path: Path) -> Iterator[tuple[Any, ...]]:
    """Every unit row that can still be read: a scan in order until the damage, then each
    row by its rowid (a damaged page loses its own rows, not the ones after it)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    columns = "source, engine, model, glossary, origin, target, created, updated"
    seen: set[int] = set()
    try:
        for row in db.execute(f"SELECT rowid, {columns} FROM units ORDER BY rowid"):
            seen.add(row[0])
            yield row[1:]
    except sqlite3.DatabaseError:
        pass  # the scan stops at the first damaged page: go on row by row
    try:
        last = db.execute("SELECT max(rowid) FROM units").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        last = max(seen, default=0) + 100_000
    for rowid in range(1, last + 1):
        if rowid in seen:
            continue
        try:
            row = db.execute(f"SELECT {columns} FROM units WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row is not None:
            yield row
    db.close()


@dataclass(frozen=True)
class Repair:
    units: int  # salvaged into the new file
    kept: Path  # the damaged file, moved aside


def repair(path: str | Path) -> Repair:
    """Salvage a damaged TM: its readable units go into a fresh file at `path`; the damaged
    file is moved aside (never deleted: a specialist tool may recover more from it)."""
    import os

    path = Path(path)
    if not path.is_file():
        raise BilingualError("no such translation memory", str(path), "check --tm")
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BilingualError("is not a translation memory (no SQLite header): nothing to "
                                 "salvage", str(path), "move it aside; `bilingual translate` "
                                 "starts a new one")
    fresh = path.with_name(f".{path.name}.repairing")
    fresh.unlink(missing_ok=True)
    count = 0
    try:
        with TranslationMemory(fresh) as tm:
            batch: list[tuple[str, ...]] = []
            for row in _salvage(path):
                if all(isinstance(v, str) for v in row) and row[4] in ("mt", "human"):
                    batch.append((*row[:5], _clean(row[5]), *row[6:]))
                if len(batch) >= 1000:
                    tm._write(batch)
                    count, batch = count + len(batch), []
            tm._write(batch)
            count += len(batch)
    except sqlite3.DatabaseError as exc:
        raise BilingualError(f"cannot be read at all ({exc})", str(path),
                             "move it aside; `bilingual translate` starts a new one") from exc
    kept = path.with_name(f"{path.name}.damaged-{now_utc().replace(':', '')}")
    os.replace(path, kept)
    for suffix in ("-wal", "-shm"):  # the old journal belongs to the damaged file
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
    os.replace(fresh, path)
    return Repair(count, kept)
