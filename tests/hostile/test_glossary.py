"""Hostile glossaries: `glossary check` must refuse what `translate` refuses, with file:line,
and both must refuse a glossary that would silently mistranslate."""

from __future__ import annotations

import time

import pytest

from . import gen
from .conftest import assert_no_crash, assert_one_line_error, jsonl_rows

GLOSSARIES = {
    # name: (file name, bytes, line the problem is on)
    "tsv-more-cells-than-header": (
        "g.tsv", "zh\ten\n党员先锋岗\tParty vanguard post\tstray cell\n疫情\tepidemic\n", 2),
    "csv-unbalanced-quote-swallows-lines": (
        "g.csv", 'zh,en\n党员先锋岗,"Party vanguard post\n疫情,epidemic\n防控,prevention\n', 2),
    "tsv-rendering-with-control-char": (
        "g.tsv", "zh\ten\n党员先锋岗\tParty \x01vanguard post\n", 2),
    "tsv-rendering-with-escape-seq": (
        "g.tsv", "zh\ten\n党员先锋岗\tParty \x1b[2Jvanguard post\n", 2),
}

@pytest.mark.parametrize("kind", list(GLOSSARIES))
def test_glossary_check_refuses_with_file_line(cli, tmp_path, kind):
    name, text, line = GLOSSARIES[kind]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = cli("glossary", "check", path, timeout=30)
    assert_one_line_error(result)
    assert f"{name}: line {line}" in result.error_lines()[0], result  # our file:line form


@pytest.mark.parametrize("kind", list(GLOSSARIES))
def test_translate_refuses_glossary_with_file_line(cli, tmp_path, article, kind):
    name, text, line = GLOSSARIES[kind]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = cli("translate", article, "-o", out, "--engine", "none", "--no-tm", "--no-names",
                 "--formats", "jsonl", "-g", path, timeout=60)
    assert_one_line_error(result)
    assert f"{name}: line {line}" in result.error_lines()[0], result  # our file:line form
    assert not (out / "article").exists()


@pytest.mark.parametrize("kind", [*GLOSSARIES, "tsv-quoted-fields"])
def test_check_and_translate_agree(cli, tmp_path, article, kind):
    """Whatever the verdict, `glossary check` and `translate -g` give the same one."""
    name, text, _ = GLOSSARIES.get(kind, ("g.tsv", '"zh"\t"en"\n"党员先锋岗"\t"Party vanguard post"\n', 2))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    check = cli("glossary", "check", path, timeout=30)
    run = cli("translate", article, "-o", tmp_path / "out", "--engine", "none", "--no-tm",
              "--no-names", "--formats", "jsonl", "-g", path, timeout=60)
    assert_no_crash(check)
    assert_no_crash(run)
    assert (check.returncode == 0) == (run.returncode == 0), (check, run)


def test_quoted_tsv_fields_unquoted_or_refused(cli, tmp_path, article):
    path = tmp_path / "g.tsv"
    path.write_text('zh\ten\n"党员先锋岗"\t"Party vanguard post"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = cli("translate", article, "-o", out, "--engine", "none", "--no-tm", "--no-names",
                 "--no-default-glossary", "--formats", "jsonl", "-g", path, timeout=60)
    if result.returncode != 0:
        assert_one_line_error(result)
        assert "g.tsv: line 2" in result.error_lines()[0]
        return
    terms = [t for r in jsonl_rows(out / "article" / "article.aligned.jsonl") for t in r["terms"]]
    assert any(t["en"] == "Party vanguard post" for t in terms), terms


@pytest.mark.slow
def test_200k_entry_glossary_load_time(cli, tmp_path, article, record):
    rows = ["zh\ten"]
    seen = set()
    i = 0
    while len(rows) <= 200_000:
        term = gen.random_cjk(4, seed=i)
        i += 1
        if term not in seen:
            seen.add(term)
            rows.append(f"{term}\tterm {i}")
    path = tmp_path / "big.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    start = time.monotonic()
    check = cli("glossary", "check", path, timeout=120)
    check_s = time.monotonic() - start
    run = cli("translate", article, "-o", tmp_path / "out", "--engine", "none", "--no-tm",
              "--no-names", "--formats", "jsonl", "-g", path, timeout=120)
    record(f"200k-entry glossary: check {check_s:.1f} s (exit {check.returncode}), "
           f"translate {run.elapsed:.1f} s (exit {run.returncode})")
    assert check.returncode == 0, check
    assert run.returncode == 0, run
    assert check_s < 30 and run.elapsed < 30


TBX_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
TBX_BODY = ('<martif type="TBX" xml:lang="en"><text><body><termEntry id="1">'
            '<langSet xml:lang="zh"><tig><term>党员先锋岗</term></tig></langSet>'
            '<langSet xml:lang="en"><tig><term>X{value}Y</term></tig></langSet>'
            '</termEntry></body></text></martif>\n')
TBX = {
    "tbx-external-entity": TBX_HEAD + '<!DOCTYPE martif [<!ENTITY xxe SYSTEM '
                           '"file:///etc/hostname">]>\n' + TBX_BODY.format(value="&xxe;"),
    "tbx-billion-laughs": TBX_HEAD + "<!DOCTYPE martif [<!ENTITY a \"aaaaaaaaaa\">"
                          + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
                                    for p, n in zip("abcdefgh", "bcdefghi", strict=True))
                          + "]>\n" + TBX_BODY.format(value="&i;"),
}


@pytest.mark.parametrize("kind", list(TBX))
@pytest.mark.parametrize("command", ["check", "translate"])
def test_hostile_tbx_refused(cli, tmp_path, article, kind, command):
    path = tmp_path / "g.tbx"
    path.write_text(TBX[kind], encoding="utf-8")
    if command == "check":
        result = cli("glossary", "check", path, timeout=30)
    else:
        result = cli("translate", article, "-o", tmp_path / "out", "--engine", "none",
                     "--no-tm", "--no-names", "--formats", "jsonl", "-g", path, timeout=60)
    assert_one_line_error(result)
    assert "g.tbx" in result.error_lines()[0]
