"""One run at a time per output folder, and a probe that the folder can be written at all.

Two runs writing one folder would replace each other's outputs and delete each other's
in-flight temporaries. A second run therefore refuses at once (one line) instead of waiting:
a translator who started the same command twice wants to know, not to wait an hour. The lock
is an flock on a file inside the folder, so the kernel releases it when the holder dies
(kill -9 included): a lock is never left behind. Holding it is also what makes the `.part`
files found in the folder provably stale: their writer is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterator
from pathlib import Path

from bilingual.errors import BilingualError

RUN_JSON = "run.json"  # the run's record in the output folder (run/executor.py)

LOCK_NAME = ".bilingual.lock"


def _fail(out: Path, exc: OSError, hint: str = "choose another -o") -> BilingualError:
    return BilingualError(f"cannot write the output folder ({exc.strerror or exc})", str(out),
                          hint)


def probe_output(out: Path) -> Path | None:
    """Create `out` and create, write, rename and remove a file in it, before any work: a
    read-only folder, a read-only mount, a file given as -o or a full disk is one line now,
    not a traceback after the MT has run. Returns the topmost folder it created (None if
    `out` existed), so that a run refused before any work can leave no trace."""
    if out.exists() and not out.is_dir():
        raise BilingualError("is a file, not a folder", str(out), "give a folder with -o")
    created = next((p for p in reversed([out, *out.parents]) if not p.exists()), None)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".bilingual-probe-{os.getpid()}.part"
        probe.write_bytes(b"probe\n")
        renamed = probe.with_name(probe.name + ".done")
        os.replace(probe, renamed)
        renamed.unlink()
    except OSError as exc:
        raise _fail(out, exc) from exc
    return created


def remove_unused(created: Path | None, out: Path) -> None:
    """Undo `probe_output`'s folders when the run stopped before writing anything."""
    if created is None:
        return
    with contextlib.suppress(OSError):
        (out / LOCK_NAME).unlink(missing_ok=True)
        for folder in [out, *out.parents]:
            folder.rmdir()  # only empty folders go; stops at the first that is not
            if folder == created:
                break


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the folder's lock for the block; another holder → one-line refusal."""
    import fcntl

    try:
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _fail(out, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise _fail(out, exc) from exc
            raise BilingualError("another bilingual run is writing to this output folder",
                                 str(out), "wait for it to finish, or give another -o") from exc
        sweep_partial(out)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def sweep_partial(out: Path) -> int:
    """Remove the temporaries a killed run left: `run.json`'s in the output folder, and our
    outputs' in each article folder a run stamped. With the lock held no other run is writing
    them; done before anything decides what is up to date, so an article skipped as up to
    date leaves none behind either. Returns how many went."""
    from bilingual.fileio import remove_temporaries
    from bilingual.run.stamps import stamp_path

    removed = remove_temporaries(out, re.escape(RUN_JSON))
    for folder in out.iterdir():
        if folder.is_dir() and not folder.is_symlink() and stamp_path(out, folder.name).exists():
            removed += remove_temporaries(folder, article_outputs(folder.name))
    return removed


def article_outputs(stem: str) -> str:
    """The names of an article's outputs, stamp and hash file, as a regex."""
    return rf"\.?{re.escape(stem)}\..+"
