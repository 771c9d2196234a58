"""Start servers for benchmarks (loopback only) and drive them with wrk."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_for(content: Path, cache: Path, **extra: str) -> dict[str, str]:
    """KIOSK_* settings of a benchmark server: this content and cache, no prebuild or
    reload running behind the figures; ``extra`` adds or overrides settings."""
    return {
        "KIOSK_CONTENT_DIR": str(content),
        "KIOSK_CACHE_DIR": str(cache),
        "KIOSK_SPEECH_PREBUILD": "0",
        "KIOSK_RELOAD_INTERVAL": "0",
        **extra,
    }


def print_table(rows: Sequence[tuple[str, str]]) -> None:
    """The rows as a Markdown table, for a closing note."""
    print("\n| benchmark | result |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")


@dataclass
class Running:
    url: str
    process: subprocess.Popen[bytes]
    started_in: float  # seconds from spawn to the first served request


@contextmanager
def serve(
    app: str, env: dict[str, str] | None = None, workers: int = 1, factory: bool = True
) -> Iterator[Running]:
    """uvicorn APP on a free loopback port; yields once /-/health (or /) answers."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if factory:
        cmd.append("--factory")
    start = time.perf_counter()
    process = subprocess.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/-/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.perf_counter() - start > 120:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.02)
        yield Running(url, process, time.perf_counter() - start)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a process and its children (uvicorn workers), in MB."""
    total = 0
    pids = [pid] + [int(p) for p in _children(pid)]
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        total += int(found.group(1)) if found else 0
    return total / 1024


def _children(pid: int) -> Sequence[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def wrk(
    url: str,
    connections: int = 50,
    seconds: int = 10,
    threads: int = 2,
    headers: Sequence[str] = (),
) -> WrkResult:
    exe = shutil.which("wrk")
    if exe is None:
        raise RuntimeError("wrk is not installed (make bench installs it)")
    extra = [arg for header in headers for arg in ("-H", header)]
    out = subprocess.run(
        [exe, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return WrkResult(rps, _latency(out, "50%"), _latency(out, "99%"), errors, requests)


def _latency(out: str, pct: str) -> float:
    found = re.search(rf"{re.escape(pct)}\s+([\d.]+)(us|ms|s)", out)
    if not found:
        return float("nan")
    value, unit = float(found.group(1)), found.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
