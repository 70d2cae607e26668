"""The LibreTranslate path: batch size and requests in flight against a real server (issue 15).

A LibreTranslate server (from `.venv-lt`, which `make test` builds) on 127.0.0.1 with the
tiny random package and the CLI's decoding cap (a `sitecustomize` on the server's path caps
`translate_batch` as bench_peers caps every peer), `--threads 2` on this 2-core machine. The
same sentences through `LibreTranslateEngine` with each setting, and through the Argos engine
in process for comparison.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.bench_peers import CAP, make_inbox, row
from bench.common import REPO

LT_BIN = REPO / ".venv-lt" / "bin" / "libretranslate"
BATCHES = (8, 32, 128)
IN_FLIGHT = (1, 2, 4)


def start_server(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    from bilingual.testing import build_tiny_package

    packages = root / "lt-packages"
    python = LT_BIN.parent / "python"
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(packages), "HOME": str(root),
           "ARGOS_DEBUG": "0", "PYTHONPATH": str(root / "site")}
    (root / "site").mkdir()
    (root / "site" / "sitecustomize.py").write_text(CAP, encoding="utf-8")
    for pair in (("zh", "en"), ("en", "zh")):
        archive = build_tiny_package(root / f"build-{pair[0]}", from_code=pair[0],
                                     to_code=pair[1], minisbd=True)
        subprocess.run([str(python), "-c", "import sys; from argostranslate import package; "
                        "package.install_from_path(sys.argv[1])", str(archive)],
                       env=env, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen([str(LT_BIN), "--host", "127.0.0.1", "--port", str(port),
                             "--load-only", "zh,en", "--disable-web-ui", "--threads", "2"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while True:
        try:
            urllib.request.urlopen(url + "/languages", timeout=2).read()
            return proc, url
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError((root / "server.log").read_text()[-2000:]) from None
            time.sleep(0.5)


def main() -> None:
    print("== issue 15: LibreTranslate, batch size x requests in flight (real server) ==")
    if not LT_BIN.exists():
        print(f"LibreTranslate is not installed ({LT_BIN}); `make test` builds .venv-lt")
        return
    from bilingual.engines.argos import ArgosEngine
    from bilingual.engines.libretranslate import LibreTranslateEngine
    from bilingual.ingest.article import load_article
    from bilingual.models import find_zh_en, install_from_file
    from bilingual.testing import build_tiny_package

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inbox = make_inbox(root / "inbox", 10)
        sources = [s.zh_simplified for p in sorted(inbox.glob("*.txt"))
                   for s in load_article(p).segments if s.translate]
        install_from_file(build_tiny_package(root / "build", minisbd=True), root / "packages")
        local = ArgosEngine(find_zh_en(root / "packages"))
        local.translate(sources[:4])
        start = time.perf_counter()
        local.translate(sources)
        in_process = time.perf_counter() - start
        print(f"{len(sources)} sentences (10 articles); server --threads 2")
        row("Argos engine in process (batched)", in_process)
        proc, url = start_server(root)
        try:
            best = (float("inf"), 0, 0)
            for batch in BATCHES:
                for flight in IN_FLIGHT:
                    engine = LibreTranslateEngine(url, batch_size=batch, concurrency=flight)
                    engine.translate(sources[:2])
                    start = time.perf_counter()
                    engine.translate(sources)
                    took = time.perf_counter() - start
                    best = min(best, (took, batch, flight))
                    row(f"LibreTranslate, batch {batch}, {flight} in flight", took,
                        "in process", took / in_process)
            row(f"best: batch {best[1]}, {best[2]} in flight", best[0], "in process",
                best[0] / in_process)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
