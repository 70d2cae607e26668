"""A real llama.cpp server (llama-cpp-python's OpenAI-compatible server) on 127.0.0.1 serving
the tiny random GGUF model, for the LLM engine's tests and benchmark.

The server lives in its own venv (`.venv-llama` at the repository root, built by `make`);
`missing_server()` says why it cannot run, so callers can skip.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LLAMA_VENV = REPO_ROOT / ".venv-llama"
LLAMA_PYTHON = LLAMA_VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
MODEL_ALIAS = "tiny"


def missing_server() -> str | None:
    """Why the server cannot be started here, or None."""
    if not LLAMA_PYTHON.exists():
        return f"{LLAMA_PYTHON} is absent (`make test` builds it)"
    if not any(LLAMA_VENV.glob("lib*/python*/site-packages/llama_cpp/server/__main__.py")):
        return f"llama-cpp-python[server] is not installed in {LLAMA_VENV}"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/models", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def llama_server(model: Path, log: Path, start_timeout: float = 60.0) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT/v1) of a server running `model` as "tiny"; stopped on
    exit. One thread (`--n_threads 1`): with two, under load, its OpenMP threads wait on each
    other and answers are 10-40 times slower at the tail. The context is the
    model's own (`--n_ctx 0`), so a test model built with a large one takes long requests."""
    port = _free_port()
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [str(LLAMA_PYTHON), "-m", "llama_cpp.server", "--model", str(model),
             "--model_alias", MODEL_ALIAS, "--host", "127.0.0.1", "--port", str(port),
             "--n_threads", "1", "--n_ctx", "0"],
            stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + start_timeout
        while not _up(base):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text("utf-8", "replace")[-3000:]
                raise RuntimeError(f"llama.cpp server did not come up ({proc.poll()}):\n{tail}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
