"""OmegaT in console mode: does our TMX fill an OmegaT project built from the same article?

A minimal project is laid out as OmegaT expects (omegat.project, source/, tm/auto/, target/),
and `java -jar OmegaT.jar PROJECT --mode=console-translate` loads it: TMX files in tm/auto/
are matched against OmegaT's own segments and exact matches inserted as translations, then
target/ is written. A small Groovy script (OmegaT's `--script`, run on the COMPILE event with
the loaded project bound as `project`) dumps every segment OmegaT made and whether it got a
translation, so the counts come from OmegaT itself, not from re-reading its target file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from bilingual.render import omegat as settings

# the project settings bilingual ships (bilingual/render/omegat.py), as the tests name them
FILTERS_BREAKS = settings.FILTERS_BREAKS
PROJECT_FILE = settings.PROJECT_FILE
chinese_srx_rules = settings.chinese_srx_rules
segmentation_conf = settings.segmentation_conf

JAR_CANDIDATES = ("/usr/share/omegat/OmegaT.jar", "/opt/omegat/OmegaT.jar")

# Run by OmegaT on project events; on COMPILE the project is loaded and the TMX applied.
DUMP_SCRIPT = r"""
import groovy.json.JsonOutput
if (eventType.toString() != "COMPILE") return
def rows = []
project.allEntries.each { ste ->
    def info = project.getTranslationInfo(ste)
    rows << [file: ste.key.file, source: ste.srcText,
             translated: info != null && info.isTranslated(),
             target: (info != null && info.isTranslated()) ? info.translation : null]
}
new File(System.getProperty("bilingual.dump")).write(JsonOutput.toJson(rows), "UTF-8")
"""


def find_jar() -> Path | None:
    for candidate in (os.environ.get("OMEGAT_JAR"), *JAR_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def available() -> bool:
    return find_jar() is not None and shutil.which("java") is not None


@dataclass
class OmegaTRun:
    segments: list[dict] = field(default_factory=list)  # {source, translated, target}
    seconds: float = 0.0
    target_text: str = ""
    log: str = ""

    @property
    def total(self) -> int:
        return len(self.segments)

    @property
    def filled(self) -> int:
        return sum(1 for s in self.segments if s["translated"])

    @property
    def unfilled(self) -> list[str]:
        return [s["source"] for s in self.segments if not s["translated"]]


def make_project(project: Path, source_text_path: Path, tmx_path: Path | None,
                 *, source_lang: str = "zh-CN", target_lang: str = "en",
                 sentence_seg: bool = True, segmentation_conf: str | None = None,
                 filters_xml: str | None = None) -> Path:
    """Lay out a minimal OmegaT project. `segmentation_conf` (the XML of a project-specific
    omegat/segmentation.conf) replaces OmegaT's global segmentation rules for this project;
    `filters_xml` (omegat/filters.xml) its file-filter settings."""
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / sub).mkdir(parents=True, exist_ok=True)
    (project / "omegat.project").write_text(
        PROJECT_FILE.format(source_lang=escape(source_lang), target_lang=escape(target_lang),
                            sentence_seg=str(sentence_seg).lower()), encoding="utf-8")
    shutil.copyfile(source_text_path, project / "source" / Path(source_text_path).name)
    if tmx_path is not None:
        shutil.copyfile(tmx_path, project / "tm" / "auto" / Path(tmx_path).name)
    if filters_xml is not None:
        (project / "omegat" / "filters.xml").write_text(filters_xml, encoding="utf-8")
    if segmentation_conf is not None:
        (project / "omegat" / "segmentation.conf").write_text(segmentation_conf,
                                                              encoding="utf-8")
    return project


def run_console_translate(project: Path, workdir: Path, timeout: float = 300) -> OmegaTRun:
    """`OmegaT.jar PROJECT --mode=console-translate`, with its own config folder, no team
    features, headless, and Java's proxies pointed at a closed loopback port, so nothing leaves
    the machine. Returns the segments OmegaT made, each with its translation if it got one."""
    jar = find_jar()
    if jar is None:
        raise FileNotFoundError("OmegaT.jar not found (apt-get install omegat)")
    config = workdir / "omegat-config"
    config.mkdir(parents=True, exist_ok=True)
    script = workdir / "dump-segments.groovy"
    script.write_text(DUMP_SCRIPT, encoding="utf-8")
    dump = workdir / "segments.json"
    dump.unlink(missing_ok=True)
    blackhole = ["-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9",
                 "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9"]
    command = ["java", "-Djava.awt.headless=true", *blackhole, f"-Dbilingual.dump={dump}",
               "-Duser.home=" + str(workdir), "-jar", str(jar), str(project),
               "--mode=console-translate", f"--config-dir={config}", "--no-team",
               "--disable-project-locking", "--quiet", f"--script={script}"]
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          cwd=workdir, stdin=subprocess.DEVNULL)
    seconds = time.monotonic() - start
    log = done.stdout + done.stderr
    if done.returncode != 0 or not dump.exists():
        raise RuntimeError(f"OmegaT exited {done.returncode}:\n{log[-4000:]}")
    targets = sorted((project / "target").rglob("*"))
    target_text = "".join(p.read_text(encoding="utf-8") for p in targets if p.is_file())
    return OmegaTRun(json.loads(dump.read_text(encoding="utf-8")), seconds, target_text, log)


def omegat_fill(source_text_path: str | Path, tmx_path: str | Path, workdir: str | Path,
                **project_options) -> tuple[int, int]:
    """(segments OmegaT filled from the TMX, segments OmegaT made of the article)."""
    run = omegat_run(source_text_path, tmx_path, workdir, **project_options)
    return run.filled, run.total


def omegat_run(source_text_path: str | Path, tmx_path: str | Path | None, workdir: str | Path,
               **project_options) -> OmegaTRun:
    workdir = Path(workdir)
    project = make_project(workdir / "project", Path(source_text_path),
                           Path(tmx_path) if tmx_path else None, **project_options)
    return run_console_translate(project, workdir)


# --- project settings that make OmegaT segment as bilingual does ---------------------------

# --- comparing OmegaT's segments with bilingual's ------------------------------------------

def our_segments(aligned_jsonl: str | Path, field: str = "zh") -> list[str]:
    """The translated segments of an article as bilingual made them (`zh`: as in the input,
    outer whitespace dropped, as OmegaT drops it)."""
    records = [json.loads(line) for line in
               Path(aligned_jsonl).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r[field].strip() for r in records if r.get("translate")]


def compare_segmentation(run: OmegaTRun, ours: list[str]) -> dict:
    """How OmegaT's segments line up with bilingual's: `missing` are ours that OmegaT never
    made as a segment (it split or joined differently), `extra` are OmegaT's that are not
    ours (boilerplate and bare date lines included), `unfilled` are ours that OmegaT made but
    left without a translation."""
    made = {s["source"].strip(): s for s in run.segments}
    missing = [s for s in ours if s not in made]
    unfilled = [s for s in ours if s in made and not made[s]["translated"]]
    extra = [s for s in made if s not in set(ours)]
    return {"ours": len(ours), "omegat": run.total, "filled": run.filled,
            "same_segment": len(ours) - len(missing), "missing": missing,
            "unfilled": unfilled, "extra": extra}


def tmx_with_sources(tmx_path: str | Path, aligned_jsonl: str | Path, out_path: str | Path,
                     field: str = "zh", lang: str | None = None) -> Path:
    """A copy of our TMX whose source <seg>s are the records' `field` (by x-segment-id),
    optionally with another source xml:lang: what the TMX would be with the source fixed."""
    from lxml import etree

    records = {r["id"]: r for r in map(json.loads, Path(aligned_jsonl).read_text(
        encoding="utf-8").splitlines()) if r}
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    tree = etree.parse(str(tmx_path), etree.XMLParser(resolve_entities=False,
                                                      load_dtd=False, no_network=True))
    srclang = tree.find("header").get("srclang")
    for tu in tree.iter("tu"):
        seg_id = tu.findtext("prop[@type='x-segment-id']")
        for tuv in tu.findall("tuv"):
            if tuv.get(xml_lang) == srclang and seg_id in records:
                tuv.find("seg").text = records[seg_id][field].strip()
                if lang:
                    tuv.set(xml_lang, lang)
    if lang:
        tree.find("header").set("srclang", lang)
    tree.write(str(out_path), encoding="UTF-8", xml_declaration=True, doctype=tree.docinfo.doctype)
    return Path(out_path)


SEGMENT_PROGRAM = Path(__file__).with_name("OmegaTSegment.java")


def omegat_segment(paragraphs: list[str], lang: str = "zh-CN",
                   segmentation_conf_text: str | None = None, timeout: float = 120,
                   workdir: str | Path | None = None) -> list[list[str]]:
    """Each paragraph (no line breaks) as OmegaT's own Segmenter splits it, all in one JVM
    (Java runs OmegaTSegment.java from source against OmegaT.jar): OmegaT's default rules, or
    those of `segmentation_conf_text` (a project's omegat/segmentation.conf)."""
    import tempfile

    jar = find_jar()
    if jar is None:
        raise FileNotFoundError("OmegaT.jar not found (apt-get install omegat)")
    if any("\n" in p or "\r" in p for p in paragraphs):
        raise ValueError("paragraphs must be single lines")
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        command = ["java", "-Djava.awt.headless=true", f"-Duser.home={tmp}",
                   "-cp", str(jar), str(SEGMENT_PROGRAM), lang]
        if segmentation_conf_text is not None:
            conf = Path(tmp) / "segmentation.conf"
            conf.write_text(segmentation_conf_text, encoding="utf-8")
            command.append(str(conf))
        done = subprocess.run(command, input="\n".join(paragraphs) + "\n", capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout, cwd=tmp)
    if done.returncode != 0:
        raise RuntimeError(f"OmegaT segmenter exited {done.returncode}:\n{done.stderr[-3000:]}")
    lines = done.stdout.split("\n")[:len(paragraphs)]
    return [line.split("\u0001") if line else [] for line in lines]


def tricky_paragraphs(count: int = 3000, seed: int = 11) -> list[str]:
    """Paragraphs built from the pieces where sentence rules disagree: terminators full- and
    half-width, closing quotes and brackets, ellipses, book titles, Latin text, spaces."""
    import random

    rng = random.Random(seed)
    words = ["党员", "疫情防控", "县委书记", "群众", "我们", "记者", "COVID-19", "3.5", "U.S.",
             "www.example.com/a?b=1", "Mr. Li", "2020", "第一线", "等", "的", "之"]
    stops = ["。", "！", "？", "!", "?", "?!", "！？", "。。"]
    closers = ["”", "’", "」", "』", "）", "》", "\"", "'", ")", "”）"]
    dots = ["……", "…", "⋯⋯", "⋯", "..."]
    openers = ["“", "「", "『", "（", "《"]
    inner = ["，", "、", "；", "：", " ", "　"]
    pieces = [lambda: rng.choice(words), lambda: rng.choice(words) + rng.choice(words),
              lambda: rng.choice(stops), lambda: rng.choice(closers), lambda: rng.choice(dots),
              lambda: rng.choice(openers), lambda: rng.choice(inner)]
    weights = [5, 3, 3, 2, 2, 2, 2]
    out = []
    for _ in range(count):
        text = "".join(rng.choices(pieces, weights)[0]() for _ in range(rng.randint(2, 14)))
        text = text.strip(" \u3000")
        if text:
            out.append(text)
    return out
