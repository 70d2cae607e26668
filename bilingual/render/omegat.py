"""An OmegaT project for articles bilingual translated: the articles as its sources, their TMX
in `tm/auto/` (OmegaT inserts its exact matches), and the two project settings that make OmegaT
cut segments as bilingual does: the text filter on line breaks and bilingual's sentence rules
as project-specific segmentation (`bilingual.ingest.segment.ZH`, translated to SRX).

Checked by OmegaT itself in console mode (tests/test_clients.py): with these settings it
fills every translated segment of the articles from the TMX.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.sax.saxutils import escape

from bilingual.errors import BilingualError

PROJECT_FILE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes>
      <mask>**/.svn/**</mask>
      <mask>**/.git/**</mask>
    </source_dir_excludes>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{source_lang}</source_lang>
    <target_lang>{target_lang}</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneSmartChineseTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>{sentence_seg}</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


# OmegaT's plain-text filter, by default, makes one paragraph of lines that are not separated
# by an empty line ("2020-02-03 09:15" and "来源：…" become one segment). bilingual makes every
# non-empty line a paragraph: the filter's option segmentOn=BREAKS does the same.
FILTERS_BREAKS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<filters removeTags="false" removeSpacesNonseg="true" preserveSpaces="false"
         ignoreFileContext="false">
    <filter className="org.omegat.filters2.text.TextFilter" enabled="true">
        <files sourceFilenameMask="*.txt" targetFilenamePattern="${filename}"/>
        <option name="segmentOn" value="BREAKS"/>
    </filter>
</filters>
"""


def _rule_xml(break_rule: bool, before: str, after: str) -> str:
    return (
        '    <void method="add">\n'
        '     <object class="org.omegat.core.segmentation.Rule">\n'
        f'      <void property="afterbreak"><string>{escape(after)}</string></void>\n'
        f'      <void property="beforebreak"><string>{escape(before)}</string></void>\n'
        f'      <void property="breakRule"><boolean>{str(break_rule).lower()}</boolean></void>\n'
        '     </object>\n'
        '    </void>\n')


def chinese_srx_rules() -> list[tuple[bool, str, str]]:
    """bilingual's sentence rules (bilingual.ingest.segment.ZH) as SRX rules (break?, before,
    after), in order: the first rule that matches a position decides, as SRX says. OmegaT scans each
    pattern with find() (matches do not overlap) and Java regex lookbehind must be bounded, so
    this is a close translation, not a proof: `tricky_paragraphs` measures what still differs.
    """
    from bilingual.chars import IDEOGRAPHS as CJK
    from bilingual.ingest.segment import ZH

    def cls(chars: str) -> str:  # keeps ranges such as CJK's "\u3400-\u4dbf"
        return "[" + "".join("\\" + c if c in "\\[]^&" else c for c in chars) + "]"

    stops = cls(ZH.terminators + ZH.halfwidth_terminators)
    full, half = cls(ZH.terminators), cls(ZH.halfwidth_terminators)
    closers = cls(ZH.closers)
    dots = "(?:" + "|".join(re.escape(e) for e in ZH.ellipses) + ")"
    dots_not_latin = "(?:" + "|".join(
        f"(?<=[{CJK}]){re.escape(e)}" if e.startswith(".") else re.escape(e)
        for e in ZH.ellipses) + ")"
    chinese = cls(ZH.chinese_context)
    space = "[ \\t\u3000\u00a0]"
    go_on = cls(ZH.no_break_after_ellipsis)[1:-1]  # "……等", "……，": the sentence goes on
    punct = cls(ZH.terminators + ZH.halfwidth_terminators + "…⋯.")[1:-1]
    opened = (f"(?<={re.escape(ZH.title_open)}[^{re.escape(ZH.title_close)}]{{0,400}}"
              f"[{punct}]{{1,12}}{closers}{{0,8}}{space}{{0,8}})")
    tail = f"{closers}*(?:{dots}(?=\\S))?{closers}*"  # closers, an ellipsis after a quote
    return [
        # no sentence ends inside 《…》 (after an unclosed 《)
        (False, opened, "."),
        # a cluster of terminators, ellipses and closers is one: no break inside it
        (False, f"(?:{stops}|{dots})", f"(?:{stops}|{dots}|{closers})"),
        (False, f"{stops}{closers}+", f"{dots}\\S"),  # "！”……" then more
        # full-width terminators end a sentence, with what follows them in the cluster
        (True, f"{full}(?:{stops}|{dots})*{tail}", "."),
        # half-width ! ? only after Chinese
        (True, f"{chinese}(?:{dots})*{half}(?:{stops}|{dots})*{tail}", "."),
        # a cluster led by ! ? after Latin text ends no sentence, ellipsis or not
        (False, f"(?:^|(?<!{chinese})){half}(?:{stops}|{dots})*{tail}{space}*", "."),
        # an ellipsis ends a sentence only when something new follows ("..." only after CJK)
        (True, f"(?<!\\.\\.\\.){dots_not_latin}(?:{dots})*{tail}{space}*", f"[^\\s{go_on}]"),
    ]


def segmentation_conf(rules: list[tuple[bool, str, str]] | None = None,
                      language_pattern: str = "ZH.*") -> str:
    """A project-specific omegat/segmentation.conf (OmegaT 3.x keeps it in java.beans XML, the
    form SRX.saveTo writes; a rules list not wrapped in a java.util.ArrayList object fails to
    load and OmegaT silently falls back to its global rules):
    for Chinese, only `rules` (default: bilingual's), none of OmegaT's Default rules."""
    rules = chinese_srx_rules() if rules is None else rules
    body = "".join(_rule_xml(*rule) for rule in rules)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<java version="17" class="java.beans.XMLDecoder">\n'
        ' <object class="org.omegat.core.segmentation.SRX">\n'
        '  <void property="mappingRules">\n'
        '   <void method="add">\n'
        '    <object class="org.omegat.core.segmentation.MapRule">\n'
        '     <void property="language"><string>Chinese (bilingual)</string></void>\n'
        f'     <void property="pattern"><string>{escape(language_pattern)}</string></void>\n'
        '     <void property="rules">\n'
        '      <object class="java.util.ArrayList">\n'
        f'{body}'
        '      </object>\n'
        '     </void>\n'
        '    </object>\n'
        '   </void>\n'
        '  </void>\n'
        '  <void property="segmentSubflows"><boolean>true</boolean></void>\n'
        '  <void property="version"><string>0.2.2</string></void>\n'
        ' </object>\n'
        '</java>\n')


def write_project(project: Path, sources: list[Path], tmx: list[Path],
                  source_lang: str = "zh-CN", target_lang: str = "en") -> Path:
    """Lay out the project; a folder that already holds an OmegaT project is refused, never
    overwritten (it may hold a translator's work)."""
    if (project / "omegat.project").exists():
        raise BilingualError("already holds an OmegaT project", str(project),
                             "give a new folder")
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / sub).mkdir(parents=True, exist_ok=True)
    for path in sources:
        shutil.copyfile(path, project / "source" / path.name)
    for path in tmx:
        shutil.copyfile(path, project / "tm" / "auto" / path.name)
    (project / "omegat" / "filters.xml").write_text(FILTERS_BREAKS, encoding="utf-8")
    (project / "omegat" / "segmentation.conf").write_text(segmentation_conf(), encoding="utf-8")
    # written last: its presence is what marks a finished project
    (project / "omegat.project").write_text(
        PROJECT_FILE.format(source_lang=escape(source_lang), target_lang=escape(target_lang),
                            sentence_seg="true"), encoding="utf-8")
    return project


def project_for(project: Path, articles: list[Path], out: Path) -> tuple[Path, list[str]]:
    """An OmegaT project for articles `translate` wrote to `out`: each article's text as a
    source (a .txt as it is; a page or .docx as bilingual read it, one paragraph a line) and
    its TMX. Returns the project and the stems it holds."""
    from bilingual.ingest.normalize import clean_text
    from bilingual.ingest.reading import read_source
    from bilingual.run.inputs import collect_inputs, plan

    if (project / "omegat.project").exists():
        raise BilingualError("already holds an OmegaT project", str(project),
                             "give a new folder")
    items = plan(collect_inputs(list(articles), out))
    if not items:
        raise BilingualError("no article given", "ARTICLE", "name the articles you translated")
    tmx, langs = [], set()
    for item in items:
        path = out / item.stem / f"{item.stem}.tmx"
        if not path.is_file():
            raise BilingualError(f"no {path.name} for this article", str(path.parent),
                                 "translate it first (with tmx among --formats), into -o")
        found = _SRCLANG.search(path.read_bytes()[:4096])
        langs.add(found.group(1).decode() if found else "zh-CN")
        tmx.append(path)
    staging = project / ".sources"
    staging.mkdir(parents=True, exist_ok=True)
    sources = []
    for item in items:
        source = Path(item.path)
        if source.suffix.lower() not in (".txt", ".text"):
            text = read_source(source).text
            source = staging / f"{item.stem}.txt"
            source.write_text("\n".join(clean_text(line)[0] for line in text.split("\n")) + "\n",
                              encoding="utf-8")
        sources.append(source)
    try:
        write_project(project, sources, tmx, source_lang=sorted(langs)[0])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return project, [item.stem for item in items]


_SRCLANG = re.compile(rb'srclang="([A-Za-z-]+)"')
