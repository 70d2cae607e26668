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

from bilingual.chars import now_utc
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


class TranslationMemory:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise BilingualError(f"is not a usable translation memory ({exc})", str(self.path),
                                 "give another --tm path, or --no-tm") from exc
        except OSError as exc:
            raise BilingualError(f"cannot open the translation memory ({exc})", str(self.path),
                                 "give another --tm path, or --no-tm") from exc

    def close(self) -> None:
        self.db.close()

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
        if not rows:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(UPSERT, rows)
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def add_mt(self, pairs: Iterable[tuple[str, str]], engine: str, model: str,
               glossary: str) -> None:
        stamp = now_utc()
        self._write([(s, engine, model, glossary, "mt", t, stamp, stamp) for s, t in pairs if t])

    def add_human(self, pairs: Iterable[tuple[str, str]]) -> None:
        stamp = now_utc()
        self._write([(s, "", "", "", "human", t, stamp, stamp) for s, t in pairs if t])

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
