"""A reviewer's edit of the review DOCX, done by LibreOffice Writer through UNO.

Two halves:

- `edit_review_docx(...)`, imported by the tests (any Python): runs this file with the system
  Python that has LibreOffice's `uno` module (Debian's /usr/bin/python3 with python3-uno), and
  returns what the script reports.
- `main()`, run as that script: starts a headless soffice of its own (own profile, a UNO pipe,
  no socket), opens the DOCX, types into the 'English (review)' cells of the given rows,
  writes `approved` on a new line of the Status cell of others, with change tracking
  (RecordChanges) on or off, saves as "MS Word 2007 XML", and ends that soffice.

Nothing here listens on a network port: UNO goes over a named pipe.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYSTEM_PYTHON = os.environ.get("UNO_PYTHON", "/usr/bin/python3")
SCRIPT = Path(__file__).resolve()


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> tuple[bool, str]:
    """(usable, why not): soffice and a Python that imports `uno`."""
    if soffice_path() is None:
        return False, "soffice not installed (apt-get install libreoffice-writer-nogui)"
    if not Path(SYSTEM_PYTHON).exists():
        return False, f"{SYSTEM_PYTHON} not found"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True,
                           stdin=subprocess.DEVNULL)
    if probe.returncode != 0:
        return False, f"{SYSTEM_PYTHON} has no `uno` (apt-get install python3-uno)"
    return True, ""


def edit_review_docx(src: str | Path, dst: str | Path, edits: dict[str, str],
                     approve: list[str], track_changes: bool, timeout: float = 180) -> dict:
    """Edit a copy of `src` in LibreOffice and save it as `dst` (DOCX). `edits` maps segment id
    to the new English (review) text; `approve` lists ids whose Status cell gets `approved` on
    a new line after what is there. Returns the script's report: rows found, seconds taken
    (`startup`: soffice up and connected, `edit`, `save`, `total`)."""
    job = {"src": str(Path(src).resolve()), "dst": str(Path(dst).resolve()),
           "edits": edits, "approve": list(approve), "track_changes": bool(track_changes),
           "soffice": soffice_path()}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    done = subprocess.run([SYSTEM_PYTHON, str(SCRIPT)], input=json.dumps(job),
                          capture_output=True, text=True, timeout=timeout, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"LibreOffice edit failed ({done.returncode}):\n"
                           f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the script, run by the system Python with `uno` --------------------------------------

def _connect(pipe: str, deadline: float):
    import uno
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            return resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _prop(name: str, value):
    from com.sun.star.beans import PropertyValue

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _review_table(doc):
    tables = doc.getTextTables()
    for i in range(tables.getCount()):
        table = tables.getByIndex(i)
        names = table.getCellNames()
        header = [table.getCellByName(n).getString().strip() for n in names if n.endswith("1")
                  and n[:-1].isalpha()]
        if "English (review)" in header and "Status" in header:
            return table
    raise RuntimeError("no review table in the document")


def _rows_by_id(table) -> dict[str, int]:
    rows = {}
    for number in range(2, table.getRows().getCount() + 1):
        cell = table.getCellByName(f"A{number}")
        if cell is None:
            continue
        first = cell.getString().split("\n")[0].strip()
        rows[first] = number
    return rows


def _column(table, title: str) -> str:
    for letter in "ABCDEFGHIJ":
        cell = table.getCellByName(f"{letter}1")
        if cell is not None and cell.getString().strip() == title:
            return letter
    raise RuntimeError(f"no {title!r} column")


def main() -> int:
    import uno  # first: it installs the importer for com.sun.star.*
    from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK

    job = json.loads(sys.stdin.read())
    started = time.monotonic()
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = f"bilingual_uno_{os.getpid()}"
    proc = subprocess.Popen(
        [job["soffice"], "--headless", "--invisible", "--nologo", "--norestore",
         "--nodefault", "--nofirststartwizard", "--nolockcheck",
         f"-env:UserInstallation=file://{profile}",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report: dict = {"found": [], "missing": []}
    try:
        ctx = _connect(pipe, time.monotonic() + 90)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        loaded = time.monotonic()
        report["startup"] = round(loaded - started, 2)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["src"]), "_blank", 0,
                                           (_prop("Hidden", True),))
        doc.setPropertyValue("RecordChanges", bool(job["track_changes"]))
        table = _review_table(doc)
        rows = _rows_by_id(table)
        review, status = _column(table, "English (review)"), _column(table, "Status")
        for seg_id, text in job["edits"].items():
            if seg_id not in rows:
                report["missing"].append(seg_id)
                continue
            cell = table.getCellByName(f"{review}{rows[seg_id]}")
            cursor = cell.createTextCursor()  # select all, then type over it, as a person would
            cursor.gotoStart(False)
            cursor.gotoEnd(True)
            cursor.setString(text)
            report["found"].append(seg_id)
        for seg_id in job["approve"]:
            if seg_id not in rows:
                report["missing"].append(seg_id)
                continue
            cell = table.getCellByName(f"{status}{rows[seg_id]}")
            cursor = cell.createTextCursor()
            cursor.gotoEnd(False)
            cell.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
            cell.insertString(cursor, "approved", False)
            report["found"].append(seg_id)
        edited = time.monotonic()
        report["edit"] = round(edited - loaded, 2)
        doc.storeToURL(uno.systemPathToFileUrl(job["dst"]),
                       (_prop("FilterName", "MS Word 2007 XML"), _prop("Overwrite", True)))
        doc.close(True)
        report["save"] = round(time.monotonic() - edited, 2)
        try:
            desktop.terminate()
        except Exception:  # the bridge drops as soffice exits
            pass
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    report["total"] = round(time.monotonic() - started, 2)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
