"""The curated glossary, users' TSV/CSV/TBX glossaries, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli import app
from bilingual.errors import BilingualError
from bilingual.terms.load import default_glossary_text, load_glossary, parse_table

runner = CliRunner()


@pytest.fixture(scope="module")
def default():
    return load_glossary()


def test_default_glossary_is_curated(default) -> None:
    entries = [e for e in default.entries.values() if e.source == "default"]
    assert len(entries) >= 600
    for e in entries:
        assert e.zh and e.en and e.category and e.note, e
        assert "CCP" not in e.en and "Chinese Communist Party" not in e.en
        assert "Propaganda" not in e.en
    categories = {e.category for e in entries}
    assert {"institution", "title", "party-building", "epidemic", "governance", "admin-unit"} <= categories


@pytest.mark.parametrize(("zh", "en"), [
    ("中国共产党", "the Communist Party of China (CPC)"),
    ("中共中央政治局常委", "member of the Standing Committee of the Political Bureau of the CPC Central Committee"),
    ("市委书记", "secretary of the municipal Party committee"),
    ("县委", "county Party committee"),
    ("党工委", "Party working committee"),
    ("党支部书记", "Party branch secretary"),
    ("人大常委会主任", None),
    ("政协", "CPPCC committee"),
    ("纪委监委", "commission for discipline inspection and supervisory commission"),
    ("组织部", "Organization Department"),
    ("宣传部", "Publicity Department"),
    ("初心使命", "original aspiration and founding mission"),
    ("先锋模范作用", "exemplary vanguard role"),
    ("战斗堡垒", "fighting bastion"),
    ("党员先锋岗", "Party member vanguard post"),
    ("四个意识", "Four Consciousnesses"),
    ("两个维护", "Two Upholds"),
    ("全面从严治党", "full and rigorous Party self-governance"),
    ("疫情防控", "epidemic prevention and control"),
    ("联防联控", "joint prevention and control"),
    ("群防群治", "mass prevention and control"),
    ("阻击战", "battle"),
    ("居家隔离", "home quarantine"),
    ("疑似病例", "suspected case"),
    ("密切接触者", "close contact"),
    ("定点医院", "designated hospital"),
    ("以人民为中心", "people-centered"),
    ("高质量发展", "high-quality development"),
    ("乡村振兴", "rural revitalization"),
    ("共同富裕", "common prosperity"),
    ("街道", "Subdistrict"),
    ("居委会", "residents' committee"),
])
def test_required_coverage(default, zh: str, en: str | None) -> None:
    entry = default.lookup(zh) or default.entries.get(zh)
    assert entry is not None, zh
    if en is not None:
        assert entry.en == en


def test_banned_renderings(default) -> None:
    assert "CCP" in default.entries["中国共产党"].banned
    assert "rural vitalization" in default.entries["乡村振兴"].banned
    assert "Propaganda Department" in default.entries["宣传部"].banned


def test_suffixes_are_not_terms(default) -> None:
    forms = default.forms()
    assert "市" not in forms and "村" not in forms
    assert default.suffixes()["街道"].en == "Subdistrict"


def test_traditional_forms_derived(default) -> None:
    # Taiwan usage after t2s still differs from the Simplified entry for some terms
    assert default.derived, "OpenCC regional round trips should give some extra forms"
    assert all(zh in default.entries for zh in default.derived.values())


def test_user_tsv_overrides_default(tmp_path: Path) -> None:
    user = tmp_path / "desk.tsv"
    user.write_text("zh\ten\tcategory\tnote\tvariants\n"
                    "市委书记\tParty chief of the city\ttitle\tdesk style\t市委一把手\n"
                    "安阳\tAnyang\tplace\t\t\n", encoding="utf-8")
    glossary = load_glossary([user])
    assert glossary.entries["市委书记"].en == "Party chief of the city"
    assert glossary.lookup("市委一把手").en == "Party chief of the city"
    assert any(new.zh == "市委书记" for _, new in glossary.shadowed)
    assert glossary.fingerprint() != load_glossary().fingerprint()


def test_csv_and_later_file_wins(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text('zh,en,note\n安阳,"Anyang, Henan",first\n', encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("zh,en\n安阳,Anyang City\n", encoding="gbk")
    glossary = load_glossary([a, b], include_default=False)
    assert glossary.entries["安阳"].en == "Anyang City"
    assert load_glossary([a], include_default=False).entries["安阳"].en == "Anyang, Henan"


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
 <termEntry id="1">
  <descrip type="subjectField">institution</descrip>
  <langSet xml:lang="zh-CN"><tig><term>县委</term></tig><tig><term>县党委</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>county Party committee</term></tig>
   <tig><term>county CCP committee</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
 </termEntry>
</body></text></martif>"""

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Core" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
 <conceptEntry id="c1"><langSec xml:lang="zh"><termSec><term>乡村振兴</term></termSec></langSec>
 <langSec xml:lang="en"><termSec><term>rural revitalization</term></termSec></langSec></conceptEntry>
</body></text></tbx>"""


def test_tbx_basic_and_v3(tmp_path: Path) -> None:
    basic = tmp_path / "g.tbx"
    basic.write_text(TBX, encoding="utf-8")
    v3 = tmp_path / "g3.tbx"
    v3.write_text(TBX3, encoding="utf-8")
    glossary = load_glossary([basic, v3], include_default=False)
    entry = glossary.entries["县委"]
    assert entry.en == "county Party committee"
    assert entry.variants == ("县党委",)
    assert entry.banned == ("county CCP committee",)
    assert entry.category == "institution"
    assert glossary.entries["乡村振兴"].en == "rural revitalization"


def test_tbx_entities_are_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    evil = tmp_path / "evil.tbx"
    evil.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file://{secret}">]>
<martif><text><body><termEntry id="1">
<langSet xml:lang="zh"><tig><term>县委</term></tig></langSet>
<langSet xml:lang="en"><tig><term>&xxe;</term></tig></langSet>
</termEntry></body></text></martif>""", encoding="utf-8")
    with pytest.raises(BilingualError) as info:
        load_glossary([evil], include_default=False)
    assert "TOPSECRET" not in str(info.value)


@pytest.mark.parametrize(("content", "message"), [
    ("zh\tcategory\n县委\tinstitution\n", "line 1: missing column en"),
    ("zh\ten\n\tcounty Party committee\n", "line 2: empty Chinese term"),
    ("zh\ten\n县委\tcounty Party committee\n县委\tcounty committee\n", "line 3: '县委' is already on line 2"),
    ("zh\ten\n县委\t\n", "line 2: no English for '县委'"),
    ("zh\ten\tflags\n县委\tx\tbogus\n", "line 2: unknown flag bogus"),
    ("zh\ten\n县委\tcounty Party committee\tstray\n", "line 2: 3 cells, the header has 2"),
    ('zh\ten\n# c\n县委\t"county Party committee"\n', "line 3: the en cell is in quotes"),
    ("zh\ten\n县委\tcounty\x07 committee\n", "line 2: the en cell holds a control character"),
])
def test_malformed_tables(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BilingualError) as info:
        load_glossary([path])
    assert message in str(info.value) and str(path) in str(info.value)


def test_bad_encoding_and_bad_xml(tmp_path: Path) -> None:
    binary = tmp_path / "bin.tsv"
    binary.write_bytes(b"zh\ten\n\x00\x01\x02")
    with pytest.raises(BilingualError, match="binary"):
        load_glossary([binary])
    broken = tmp_path / "broken.tbx"
    broken.write_text("<martif><text>", encoding="utf-8")
    with pytest.raises(BilingualError, match="not valid XML"):
        load_glossary([broken])


def test_duplicate_rows_in_default_are_impossible() -> None:
    entries = parse_table(default_glossary_text(), "default", "\t")
    assert len({e.zh for e in entries}) == len(entries)


def test_cli_check_lookup_export(tmp_path: Path) -> None:
    user = tmp_path / "desk.tsv"
    user.write_text("zh\ten\n市委书记\tParty chief of the city\n", encoding="utf-8")
    check = runner.invoke(app, ["glossary", "check", str(user)])
    assert check.exit_code == 0, check.output
    assert "'市委书记' → 'Party chief of the city' overrides default" in check.stdout

    lookup = runner.invoke(app, ["glossary", "lookup", "市委书记李公乐到龙安区"])
    assert "市委书记 → secretary of the municipal Party committee  [title; default:" in lookup.stdout
    assert "李公乐 → Li Gongle  [auto person" in lookup.stdout
    assert "龙安区 → Long'an District  [auto place" in lookup.stdout
    assert runner.invoke(app, ["glossary", "lookup", "abc"]).exit_code == 1

    tbx = tmp_path / "all.tbx"
    assert runner.invoke(app, ["glossary", "export", "-f", "tbx", "-o", str(tbx)]).exit_code == 0
    # a round trip through TBX keeps everything that matters for translation
    assert load_glossary([tbx], include_default=False).fingerprint() == load_glossary().fingerprint()
    tsv = runner.invoke(app, ["glossary", "export", "-f", "tsv", "-g", str(user)])
    assert "市委书记\tParty chief of the city" in tsv.stdout

    bad = runner.invoke(app, ["glossary", "check", str(tmp_path / "missing.tsv")])
    assert bad.exit_code == 2 and "no such glossary file" in bad.stderr


def test_parsed_glossary_is_cached_by_content(tmp_path, monkeypatch) -> None:
    import bilingual.terms.annotate as annotate_module
    from bilingual.terms.annotate import load_term_tools

    monkeypatch.setenv("BILINGUAL_CACHE_DIR", str(tmp_path / "cache"))
    desk = tmp_path / "desk.tsv"
    desk.write_text("zh\ten\n大会号召\tcall of the congress\n", encoding="utf-8")
    first = load_term_tools([desk], names=False)
    cached = sorted(p.suffix for p in (tmp_path / "cache").glob("glossary-*"))
    assert cached == [".automaton", ".glossary"]

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(annotate_module, "load_glossary", no_parsing)
    again = load_term_tools([desk], names=False)
    assert again.fingerprint == first.fingerprint
    assert [e.en for _, _, e in again.matcher.find("大会号召全体")] == ["call of the congress"]
    # an edited glossary is a new key: parsed (here: refused by the stub), never served stale
    desk.write_text("zh\ten\n大会号召\tthe congress calls\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed again"):
        load_term_tools([desk], names=False)
    monkeypatch.undo()
    monkeypatch.setenv("BILINGUAL_CACHE_DIR", str(tmp_path / "cache"))
    # a damaged cache file is rebuilt
    for path in (tmp_path / "cache").glob("glossary-*"):
        path.write_bytes(b"damaged")
    desk.write_text("zh\ten\n大会号召\tcall of the congress\n", encoding="utf-8")
    assert load_term_tools([desk], names=False).fingerprint == first.fingerprint
    # a glossary that does not load is never cached, and still refused
    bad = tmp_path / "bad.tsv"
    bad.write_text("zh\ten\n\tno Chinese\n", encoding="utf-8")
    with pytest.raises(BilingualError, match="line 2"):
        load_term_tools([bad], names=False)
    assert len(list((tmp_path / "cache").glob("glossary-*.glossary"))) == 1


def test_csv_quote_left_open_is_reported_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "desk.csv"
    path.write_text('zh,en\n县委,county Party committee\n乡镇,"township\n镇党委,town committee\n'
                    '村委,village committee\n', encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("县委召开会议。\n", encoding="utf-8")
    for args in (["glossary", "check", str(path)],
                 ["translate", str(article), "--engine", "none", "--no-tm", "-o",
                  str(tmp_path / "out"), "--glossary", str(path)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2
        assert f"{path}: line 3: a quote opened here runs over 3 lines" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_override_reaches_longer_default_entries(tmp_path: Path) -> None:
    from bilingual.terms.explain import check_report
    from bilingual.terms.match import Matcher

    desk = tmp_path / "desk.tsv"
    desk.write_text("zh\ten\n疫情防控\tCOVID-19 control\n", encoding="utf-8")
    glossary = load_glossary([desk])
    assert glossary.entries["疫情防控"].en == "COVID-19 control"
    work = glossary.entries["疫情防控工作"]
    assert work.en == "COVID-19 control work" and work.source == str(desk) and work.line == 2
    assert glossary.entries["疫情防控阻击战"].en == "battle against the epidemic"  # no old text
    # the longest match (what translate injects) carries the user's rendering
    assert [e.en for _, _, e in Matcher(glossary).find("做好疫情防控工作")] == \
        ["COVID-19 control work"]
    report = "\n".join(check_report(glossary, [str(desk)]))
    assert f"{desk}:2: '疫情防控工作' → 'COVID-19 control work' overrides default:" in report
    assert "(was 'epidemic prevention and control work')" in report


def test_check_strict(tmp_path: Path) -> None:
    desk = tmp_path / "desk.tsv"
    desk.write_text("zh\ten\n"
                    "县委会议\tmeeting of the county party committee\n"
                    "中共党员大会\tChinese Communist Party members' congress\n"
                    "两个·维护\tTwo Upholds\n"
                    "国家安全法草案\tdraft of the National Security Law\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["glossary", "check", str(desk), "--strict"])
    assert result.exit_code == 1, result.output
    out = result.output
    assert f"{desk}:2: '县委会议' → 'meeting of the county party committee' writes " \
           "'county party committee'; '县委' (default:" in out
    assert f"{desk}:3: '中共党员大会'" in out and "a banned rendering of '中国共产党'" in out
    assert f"{desk}:4: '两个·维护' differs from '两个维护' (default:" in out
    assert "国家安全法草案" not in out  # title case inside a proper name is no clash
    assert "strict: 4 findings" in out  # 县委会议 holds two heads: 县委 and 党委
    # without --strict the same glossary passes, and the default alone is clean
    assert CliRunner().invoke(app, ["glossary", "check", str(desk)]).exit_code == 0
    empty = tmp_path / "empty.tsv"
    empty.write_text("zh\ten\n", encoding="utf-8")
    clean = CliRunner().invoke(app, ["glossary", "check", str(empty), "--strict"])
    assert clean.exit_code == 0 and "strict: 0 findings" in clean.output
