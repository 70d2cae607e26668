"""Hostile LibreTranslate servers (fake, on 127.0.0.1) behind `--engine libretranslate`."""

from __future__ import annotations

import subprocess

import pytest

from . import fakelt
from .conftest import (
    FAST,
    assert_no_crash,
    assert_one_line_error,
    assert_outputs_well_formed,
    jsonl_rows,
)


def lt(cli, article, out, url, *extra, timeout=60):
    return cli("translate", article, "-o", out, "--engine", "libretranslate", "--url", url,
               *FAST, *extra, timeout=timeout)


def test_sanity_good_server(cli, tmp_path, article):
    with fakelt.serve("ok") as (url, _):
        result = lt(cli, article, tmp_path / "out", url, "--no-tm")
    assert result.returncode == 0, result
    rows = jsonl_rows(tmp_path / "out" / "article" / "article.aligned.jsonl")
    assert all(r["en"] == f"EN({r['zh_simplified']})" for r in rows if r["translate"]), rows


@pytest.mark.parametrize("mode", [
    m
    for m in ["alternatives-oops", "alternatives-short"]])
def test_bad_alternatives_beside_good_text(cli, tmp_path, article, mode):
    """`alternatives` malformed next to a correct translatedText: the translatedText is used,
    aligned with its source (glossary on, so the n-best ladder asks for alternatives)."""
    with fakelt.serve(mode) as (url, _):
        result = cli("translate", article, "-o", tmp_path / "out", "--engine", "libretranslate",
                     "--url", url, "--no-tm", "--no-names", timeout=60)
    assert_no_crash(result)
    assert result.returncode == 0, result
    rows = jsonl_rows(tmp_path / "out" / "article" / "article.aligned.jsonl")
    for r in rows:
        if r["translate"]:
            assert r["en"], r
            assert r["en"].startswith("EN(") or "ALT" in r["en"], r
            # the answer belongs to this segment (some glossary terms are injected as English)
            assert r["zh_simplified"][-3:] in r["en"] or r["en"].endswith(")"), r


def test_control_chars_in_answer(cli, tmp_path, article):
    with fakelt.serve("u0001") as (url, _):
        result = lt(cli, article, tmp_path / "out", url, "--no-tm")
    assert_no_crash(result)
    assert result.returncode == 0, result
    assert_outputs_well_formed(tmp_path / "out" / "article")


def _empty_run(cli, tmp_path, article):
    tm = tmp_path / "tm.sqlite"
    out = tmp_path / "out"
    with fakelt.serve("empty") as (url, requests):
        first = lt(cli, article, out, url, "--tm", tm)
        rows = jsonl_rows(out / "article" / "article.aligned.jsonl") \
            if (out / "article" / "article.aligned.jsonl").exists() else []
        n_first = len(requests)
        second = lt(cli, article, out, url, "--tm", tm)
        n_second = len(requests) - n_first
    assert_no_crash(first)
    assert_no_crash(second)
    return rows, second, n_second


def test_empty_answers_flagged_engine_error(cli, tmp_path, article):
    rows, _, _ = _empty_run(cli, tmp_path, article)
    wanted = [r for r in rows if r["translate"]]
    flagged = [r for r in wanted if any(f["check"] == "engine-error" for f in r["flags"])]
    assert wanted and flagged == wanted, [(r["id"], r["state"], r["flags"]) for r in wanted]
    assert all(r["state"] != "mt" for r in wanted)


def test_empty_answers_rerun_retranslates(cli, tmp_path, article):
    _, second, n_second = _empty_run(cli, tmp_path, article)
    assert "up to date" not in second.stderr and n_second > 0, second


@pytest.mark.parametrize("mode", ["non-json", "html-200", "languages-dict", "nulls",
                                  "integers", "top-level-list", "fewer"])
def test_malformed_server_answer_one_line_error(cli, tmp_path, article, mode):
    out = tmp_path / "out"
    with fakelt.serve(mode) as (url, _):
        result = lt(cli, article, out, url, "--no-tm")
    assert_one_line_error(result)
    assert "127.0.0.1" in result.error_lines()[0], "the error should name the server"
    assert not (out / "article").exists() or not list((out / "article").glob(".*.done"))


@pytest.mark.slow
def test_trickling_server_bounded(cli, tmp_path, article):
    with fakelt.serve("trickle") as (url, _):
        try:
            # the deadline is total per request (with its retries), not per socket read
            result = lt(cli, article, tmp_path / "out", url, "--no-tm", "--timeout", "2",
                        timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("still running after 60 s against a server sending 1 byte / 2 s")
    assert_one_line_error(result)
