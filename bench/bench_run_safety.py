"""What the run-safety checks cost: the TM's open-time check (quick_check and a rolled-back
write) against a bare open, planning output names for a large folder, and a LibreTranslate
request with its total deadline against urllib's per-read timeout.

`python -m bench.bench_run_safety` (also in `python -m bench.run run_safety`)."""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.common import best_of, report


def _tm_figures(root: Path, units: int) -> None:
    from bilingual.tm import TranslationMemory

    path = root / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.add_mt(((f"第{i}句话，用于测量打开时的检查。", f"Sentence {i} for the open check.")
                   for i in range(units)), "argos", "m", "g")

    def bare() -> None:
        db = sqlite3.connect(path)
        db.execute("SELECT COUNT(*) FROM units").fetchone()
        db.close()

    def checked() -> None:
        TranslationMemory(path).close()

    plain, guarded = best_of(bare, 3), best_of(checked, 3)
    report(f"TM open, bare ({units:,} units)", plain * 1000, "ms")
    report(f"TM open with quick_check + write probe ({units:,} units)", guarded * 1000, "ms")
    report("  ratio checked / bare", guarded / plain, "x")


def _plan_figures(count: int) -> None:
    from bilingual.run.inputs import plan

    paths = [Path(f"inbox/{i % 3}/article-{i // 3}.txt") for i in range(count)]
    seconds = best_of(lambda: plan(paths), 3)
    report(f"plan output names for {count:,} inputs (each name in 3 folders)", seconds * 1000,
           "ms")
    report("  per input", seconds / count * 1e6, "µs")


class _Answer(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = b'[{"code": "zh", "targets": ["en"]}]'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _request_figures(requests: int) -> None:
    from bilingual.engines.libretranslate import LibreTranslateEngine

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    engine = LibreTranslateEngine(url)

    def ours() -> None:
        for _ in range(requests):
            engine._request("/languages")

    def urllib_only() -> None:
        for _ in range(requests):
            with urllib.request.urlopen(url + "/languages", timeout=120) as response:
                response.read()

    with_deadline, per_read = best_of(ours, 3), best_of(urllib_only, 3)
    httpd.shutdown()
    httpd.server_close()
    report(f"{requests} requests, total deadline (timer + http.client)",
           with_deadline / requests * 1000, "ms each")
    report(f"{requests} requests, urllib per-read timeout", per_read / requests * 1000,
           "ms each")
    report("  ratio deadline / per-read", with_deadline / per_read, "x")


def main() -> None:
    print("run safety: the cost of the checks")
    with tempfile.TemporaryDirectory() as tmp:
        _tm_figures(Path(tmp), 100_000)
    _plan_figures(30_000)
    _request_figures(200)


if __name__ == "__main__":
    main()
