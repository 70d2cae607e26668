"""Our outputs in the real third-party clients that reviewers and publishers use.

Each test skips, saying why, where its client is not installed (.ci/run installs them all).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from xml.dom import XML_NAMESPACE

import pytest
from clients import libreoffice_edit, omegat, openxml, schemas, ttk
from helpers import translate_files
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.terms.annotate import load_term_tools
from bilingual.testing import ScriptedEngine

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = REPO / "examples" / "county-epidemic-notice.txt"
SHARED_SAMPLE = REPO.parent / "shared" / "samples" / "anyang-party-flag-2020-02-01.txt"

# name → (article, OmegaT project source language a publisher would set)
ARTICLES = {
    "example": (EXAMPLE, "zh-CN"),
    "traditional": (FIXTURES / "traditional_tw.txt", "zh-TW"),
    "long": (FIXTURES / "long_article.txt", "zh-CN"),
    "sample": (SHARED_SAMPLE, "zh-CN"),  # the article; ../shared only
}

XML_LANG = f"{{{XML_NAMESPACE}}}lang"
runner = CliRunner()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """Every article translated once (scripted engine: the real batch runner and renderers)."""
    out = tmp_path_factory.mktemp("clients-out")
    paths = [path for path, _ in ARTICLES.values() if path.exists()]
    translate_files(paths, out, ScriptedEngine("copy"), None, load_term_tools())
    return out


def article(outputs: Path, name: str) -> tuple[Path, Path, str]:
    """(the article, its output folder, OmegaT source language), or skip."""
    path, lang = ARTICLES[name]
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared absent)")
    return path, outputs / path.stem, lang


def output(folder: Path, suffix: str) -> Path:
    return folder / f"{folder.name}{suffix}"


def records(folder: Path) -> list[dict]:
    return [json.loads(line) for line in
            output(folder, ".aligned.jsonl").read_text(encoding="utf-8").splitlines() if line]


def translated(folder: Path) -> list[dict]:
    return [r for r in records(folder) if r["translate"] and r["en"]]


# --- openxml-audit: what Word would repair or refuse ---------------------------------------

needs_openxml = pytest.mark.skipif(not openxml.available(),
                                   reason="openxml-audit not installed (pip install openxml-audit)")


def docx_errors(path: Path, marker: str) -> list[str]:
    return [e for e in openxml.validate_docx(path) if marker in e]


@needs_openxml
def test_docx_cell_properties_in_schema_order(outputs: Path) -> None:
    _, folder, _ = article(outputs, "example")
    assert docx_errors(output(folder, ".bilingual.docx"), "tcBorders") == []


@needs_openxml
def test_docx_repeated_header_row_value(outputs: Path) -> None:
    _, folder, _ = article(outputs, "example")
    assert docx_errors(output(folder, ".bilingual.docx"), "tblHeader") == []


@needs_openxml
def test_docx_styles_with_effects_consistent(outputs: Path) -> None:
    _, folder, _ = article(outputs, "example")
    assert docx_errors(output(folder, ".bilingual.docx"), "stylesWithEffects") == []


@needs_openxml
@pytest.mark.parametrize("engine", ["scripted", "none", "no-glossary"])
def test_review_docx_has_no_openxml_errors(outputs: Path, tmp_path: Path, engine: str) -> None:
    """The review DOCX with its glossary appendix (scripted), the translators' kit (English
    empty), and a DOCX without appendix (no glossary, no names: no terms)."""
    if engine == "scripted":
        docx = output(article(outputs, "example")[1], ".bilingual.docx")
    else:
        extra = ["--no-default-glossary", "--no-names"] if engine == "no-glossary" else []
        result = runner.invoke(app, ["translate", str(EXAMPLE), "--engine", "none", "--no-tm",
                                     "--formats", "docx", "-o", str(tmp_path), "--quiet",
                                     *extra])
        assert result.exit_code == 0, result.output
        docx = tmp_path / EXAMPLE.stem / f"{EXAMPLE.stem}.bilingual.docx"
    from docx import Document

    headings = [p.text for p in Document(str(docx)).paragraphs]
    assert ("Glossary of this article" in headings) == (engine != "no-glossary")
    assert openxml.validate_docx(docx) == []


# --- LibreOffice Writer (UNO): a reviewer edits and saves as Word 2007 XML ------------------

LO_OK, LO_WHY = libreoffice_edit.available()
needs_libreoffice = pytest.mark.skipif(not LO_OK, reason=LO_WHY or "LibreOffice")
EDITS = {"p2.s1": "County Party Members Hold the Epidemic Line",
         "p9.s1": "The county Party secretary led inspections of the townships.",
         "p12.s3": "His act moved many villagers."}
APPROVE = ["p9.s4"]  # `approved` goes on a new line under the status and QA findings


@pytest.fixture(scope="module")
def libreoffice_reviews(outputs: Path, tmp_path_factory) -> dict[bool, tuple[Path, dict]]:
    """The example's review DOCX edited in LibreOffice, with and without change tracking."""
    _, folder, _ = article(outputs, "example")
    work = tmp_path_factory.mktemp("libreoffice")
    done = {}
    for track in (True, False):
        target = work / f"{folder.name}.reviewed-{'tracked' if track else 'plain'}.docx"
        report = libreoffice_edit.edit_review_docx(output(folder, ".bilingual.docx"), target,
                                                   EDITS, APPROVE, track_changes=track)
        assert report["missing"] == [], report
        done[track] = (target, report)
    return done


def import_review(outputs: Path, reviewed: Path, tmp_path: Path) -> tuple[list[dict], str]:
    """A fresh copy of the example's outputs with `reviewed` imported: (records, CLI output)."""
    _, folder, _ = article(outputs, "example")
    shutil.copytree(folder, tmp_path / folder.name)
    result = runner.invoke(app, ["review", "import", str(reviewed), "-o", str(tmp_path),
                                 "--no-tm"])
    assert result.exit_code == 0, result.output
    return records(tmp_path / folder.name), result.stdout


def changed_rows(before: list[dict], after: list[dict]) -> dict[str, str]:
    old = {r["id"]: (r["en"], r["state"]) for r in before}
    return {r["id"]: r["state"] for r in after if old.get(r["id"]) != (r["en"], r["state"])}


@needs_libreoffice
@pytest.mark.parametrize("track", [True, False], ids=["tracked", "untracked"])
def test_libreoffice_edits_import(outputs, libreoffice_reviews, tmp_path, track) -> None:
    reviewed, _ = libreoffice_reviews[track]
    after, said = import_review(outputs, reviewed, tmp_path)
    assert "0 mismatched, 0 added, 0 deleted rows" in said
    by_id = {r["id"]: r for r in after}
    for seg_id, text in EDITS.items():
        assert (by_id[seg_id]["en"], by_id[seg_id]["state"]) == (text, "reviewed")
    before = records(article(outputs, "example")[1])
    changed = changed_rows(before, after)
    assert {i for i, s in changed.items() if s == "reviewed"} == set(EDITS)


@needs_libreoffice
@pytest.mark.parametrize("track", [True, False], ids=["tracked", "untracked"])
def test_libreoffice_exactly_the_reviewed_rows_change(outputs, libreoffice_reviews, tmp_path,
                                                      track) -> None:
    reviewed, _ = libreoffice_reviews[track]
    after, _ = import_review(outputs, reviewed, tmp_path)
    changed = changed_rows(records(article(outputs, "example")[1]), after)
    assert changed == {**dict.fromkeys(EDITS, "reviewed"), **dict.fromkeys(APPROVE, "approved")}


@needs_libreoffice
@needs_openxml
def test_docx_after_review_import_has_no_openxml_errors(outputs, libreoffice_reviews,
                                                        tmp_path) -> None:
    reviewed, _ = libreoffice_reviews[True]
    import_review(outputs, reviewed, tmp_path)
    regenerated = tmp_path / EXAMPLE.stem / f"{EXAMPLE.stem}.bilingual.docx"
    assert openxml.validate_docx(regenerated) == []


# --- OmegaT: a publisher's CAT tool fills a project from our TMX ---------------------------

needs_omegat = pytest.mark.skipif(not omegat.available(),
                                  reason="OmegaT not installed (apt-get install omegat)")


@pytest.fixture(scope="module")
def omegat_runs(outputs: Path, tmp_path_factory) -> dict:
    """One console-translate run per article (a few seconds each), with the project settings
    that make OmegaT segment as we do: text filter on line breaks, our sentence rules."""
    runs: dict = {}

    def run(name: str):
        if name not in runs:
            path, _, lang = article(outputs, name)
            started = time.monotonic()
            # the project as `bilingual omegat` makes it: the settings we ship, tested here
            workdir = tmp_path_factory.mktemp(f"omegat-{name}")
            made = runner.invoke(app, ["omegat", str(workdir / "project"), str(path),
                                            "-o", str(outputs)])
            assert made.exit_code == 0, made.output
            assert f'<source_lang>{lang}</source_lang>' in \
                (workdir / "project" / "omegat.project").read_text(encoding="utf-8")
            runs[name] = omegat.run_console_translate(workdir / "project", workdir)
            runs[name].seconds = time.monotonic() - started
        return runs[name]

    return run


@needs_omegat
def test_omegat_sentence_rules_match_ours() -> None:
    """Every paragraph of every article we ship or share, split by OmegaT's own Segmenter with
    the project rules made from bilingual.ingest.segment.ZH, gives exactly our sentences."""
    from bilingual.ingest.segment import split_sentences

    files = [EXAMPLE, *sorted(FIXTURES.glob("*.txt")), *sorted(SHARED_SAMPLE.parent.glob("*.txt"))]
    paragraphs = [line.strip() for f in files if f.exists()
                  for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    ours = [[s for s in (x.strip(" \t\u3000\u00a0") for x in split_sentences(p)) if s]
            for p in paragraphs]
    theirs = omegat.omegat_segment(paragraphs, "zh-CN", omegat.segmentation_conf())
    assert [(p, t) for p, o, t in zip(paragraphs, ours, theirs, strict=True) if o != t] == []


@needs_omegat
@pytest.mark.parametrize("name", list(ARTICLES))
def test_omegat_segments_as_we_do(outputs, omegat_runs, name) -> None:
    _, folder, _ = article(outputs, name)
    comparison = omegat.compare_segmentation(omegat_runs(name), omegat.our_segments(
        output(folder, ".aligned.jsonl")))
    assert comparison["missing"] == []


@needs_omegat
@pytest.mark.parametrize("name", list(ARTICLES))
def test_omegat_fills_every_translated_segment(outputs, omegat_runs, name) -> None:
    _, folder, _ = article(outputs, name)
    run = omegat_runs(name)
    ours = omegat.our_segments(output(folder, ".aligned.jsonl"))
    comparison = omegat.compare_segmentation(run, ours)
    assert comparison["unfilled"] == [] and comparison["missing"] == []
    assert run.filled == len(ours)


# --- translate-toolkit ---------------------------------------------------------------------

needs_ttk = pytest.mark.skipif(not ttk.available(),
                               reason="translate-toolkit not installed (pip install translate-toolkit)")


@needs_ttk
@pytest.mark.parametrize("name", list(ARTICLES))
def test_translate_toolkit_reads_tmx(outputs, name) -> None:
    _, folder, _ = article(outputs, name)
    units = ttk.load_tmx_units(output(folder, ".tmx"))
    expected = translated(folder)
    assert [u["segment_id"] for u in units] == [r["id"] for r in expected]
    assert [u["target"] for u in units] == [r["en"] for r in expected]


@needs_ttk
@pytest.mark.parametrize("name", list(ARTICLES))
def test_tmx_source_is_the_article_text(outputs, name) -> None:
    _, folder, _ = article(outputs, name)
    units = ttk.load_tmx_units(output(folder, ".tmx"))
    assert [u["source"] for u in units] == [r["zh"].strip() for r in translated(folder)]


@needs_ttk
@pytest.mark.skipif(not ttk.xliff2_available(),
                    reason="this translate-toolkit has no translate.storage.xliff2 (3.20 has it)")
@pytest.mark.parametrize("name", list(ARTICLES))
def test_translate_toolkit_reads_xliff2(outputs, name) -> None:
    _, folder, _ = article(outputs, name)
    units = ttk.load_xliff_units(output(folder, ".xlf"))
    ours = [r for r in records(folder) if r["translate"]]
    assert [u["id"] for u in units] == [f"p{r['para']}::{r['id']}" for r in ours]
    assert [u["source"] for u in units] == [r["zh"] for r in ours]
    assert [u["target"] for u in units] == [r["en"] for r in ours]
    assert {u["state"] for u in units} == {"translated"}


# --- the standards' schemas (../shared/schemas) --------------------------------------------

needs_schemas = pytest.mark.skipif(not (schemas.TMX_DTD.exists() and schemas.XLIFF_XSD.exists()),
                                   reason="../shared/schemas is not beside this checkout")


@needs_schemas
@pytest.mark.parametrize("name", list(ARTICLES))
def test_tmx_and_xliff_valid(outputs, name) -> None:
    _, folder, _ = article(outputs, name)
    assert schemas.validate_tmx(output(folder, ".tmx")) == []
    assert schemas.validate_xliff(output(folder, ".xlf")) == []


@needs_schemas
def test_kit_tmx_and_xliff_valid(tmp_path: Path) -> None:
    result = runner.invoke(app, ["translate", str(EXAMPLE), "--engine", "none", "--no-tm",
                                 "--formats", "tmx,xliff", "-o", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / EXAMPLE.stem
    assert schemas.validate_tmx(output(folder, ".tmx")) == []
    assert schemas.validate_xliff(output(folder, ".xlf")) == []


@needs_schemas
@needs_libreoffice
def test_xliff_valid_after_libreoffice_review(outputs, libreoffice_reviews, tmp_path) -> None:
    reviewed, _ = libreoffice_reviews[True]
    import_review(outputs, reviewed, tmp_path)
    folder = tmp_path / EXAMPLE.stem
    assert schemas.validate_tmx(output(folder, ".tmx")) == []
    assert schemas.validate_xliff(output(folder, ".xlf")) == []


@pytest.mark.parametrize(("name", "tag"), [("example", "zh-CN"), ("traditional", "zh-TW")])
def test_language_tag_follows_the_script(outputs, name, tag) -> None:
    from lxml import etree

    _, folder, _ = article(outputs, name)
    tmx = etree.parse(str(output(folder, ".tmx")))
    xliff = etree.parse(str(output(folder, ".xlf")))
    assert tmx.find("header").get("srclang") == tag
    assert {tuv.get(XML_LANG) for tuv in tmx.iter("tuv")} == {tag, "en"}
    assert xliff.getroot().get("srcLang") == tag
