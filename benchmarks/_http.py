"""The real server as a subprocess, and a keep-alive HTTP client that times each request.

Only 127.0.0.1 is ever contacted. The standard library's http.client is enough (and is
always installed); one connection per client thread, reused for every request.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks._runner import stop_process

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Client:
    """One keep-alive connection with a bearer token; `call` returns (status, body, ms)."""

    def __init__(self, port: int, token: str, timeout: float = 60.0) -> None:
        self.port = port
        self.timeout = timeout
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
            except (http.client.HTTPException, ConnectionError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
                continue
            return response.status, payload, (time.perf_counter() - start) * 1000
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the server: every live process of the session
    that `pid` leads (the server runs several worker processes); NaN where /proc is missing.

    On a busy host wall-clock figures include waiting for a CPU; this does not.
    """
    total, found = 0.0, False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == pid:  # the session id: the server is started in a new session
            found = True
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total if found else float("nan")


@contextlib.contextmanager
def server(
    env: dict[str, str], log_path: Path, *, startup_s: float = 90.0
) -> Iterator[tuple[int, int]]:
    """Run `reservoir serve` on a free port of 127.0.0.1; yield (port, pid); always stop it."""
    port = free_port()
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reservoir.cli", "serve", "--host", HOST, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_ready(proc, port, startup_s, log_path)
        yield port, proc.pid
    finally:
        stop_process(proc, grace_s=15)


def _wait_ready(proc: subprocess.Popen[bytes], port: int, startup_s: float, log: Path) -> None:
    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}); see {log}")
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            conn.request("GET", "/api/v1/identify?phone=1")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise RuntimeError(f"the server did not answer within {startup_s:.0f} s; see {log}")
