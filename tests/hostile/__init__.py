"""Hostile-input suite for `bilingual`: black-box, through the CLI only.

Every case runs the installed console script (``<venv>/bin/bilingual``) in a subprocess with
HOME, XDG_DATA_HOME and ARGOS_PACKAGES_DIR inside the test's ``tmp_path``, a timeout, and
either ``--tm tmp_path/...`` or ``--no-tm``; nothing here imports ``bilingual`` internals
(the one exception is ``bilingual.testing.build_tiny_package``, via the session fixture
``tiny_package_file`` of ``tests/conftest.py``, for a real tiny Argos model). Inputs are
generated at run time (``gen.py``, ``rawzip.py``); fake servers listen on 127.0.0.1 only
(``fakelt.py``). Nothing needs the network.

Modules, one per area: ``test_bytes`` (encodings, control characters, hostile HTML and
DOCX articles, size), ``test_glossary``, ``test_models`` (``models install --from``),
``test_tm``, ``test_paths`` (names, output folders), ``test_review`` (``review import``),
``test_engines`` (fake LibreTranslate), ``test_body`` (chrome words inside body text),
``test_concurrency`` (parallel runs, ``--formats`` parsing).

Conventions. A case that fails today is marked
``@pytest.mark.xfail(strict=True, reason="issue 10: ...")`` (or "issue 16: ...", or
"new: ..." for failures this suite found beyond the brief): when the bug is fixed the case
XPASSes, strict turns that into a failure, and the fixer removes the mark, which proves the
fix. Unmarked cases hold today and guard against regressions. Cases slower than ~5 s are
marked ``slow`` (``-m "not slow"`` skips them).

Checks shared by all cases live in ``conftest.py``: ``run`` (subprocess with timeout,
isolated environment, elapsed time), ``assert_one_line_error`` (exit 2, no Traceback,
exactly one ``bilingual: error:`` line), ``assert_no_crash``, ``Snapshot`` (no file
written outside the output folder), ``assert_outputs_well_formed`` (XML parses, DOCX opens
with python-docx, JSONL lines parse, no ``*.part`` leftovers).

Issue labels (the brief names two issues; the split is this suite's): "issue 10" = hostile
*content* handed to bilingual (articles, names and paths, glossaries, review DOCX files,
option values); "issue 16" = hostile *surroundings* (model packages, translation-memory files,
engine servers, concurrent runs); "new" = found by this suite, not in the brief.

Counting cases::

    .venv/bin/python tests/hostile/count.py          # total, held today, xfail
    cd tests && ../.venv/bin/python -m hostile.count  # the same as a module

(`python -m tests.hostile.count` cannot work in this venv: argos-translate-lt installs a
top-level `tests` package into site-packages that shadows the repository's `tests/`.) It
collects the suite (no case runs) and counts parametrised cases by their xfail mark.
Running::

    .venv/bin/python -m pytest tests/hostile -q -rxX             # everything, ~2 min
    .venv/bin/python -m pytest tests/hostile -q -m "not slow"    # the quick part

Root: several cases need permissions to bite (read-only TM, unwritable output folder). Run as
root, where permissions are ignored, they use another way to make the path unusable (a
directory squatting on the TM's -wal name; an output folder below a regular file) and say so
in their docstrings. Figures (times, peak RSS) are printed at the end under "hostile:
recorded figures".
"""
