"""CPU instructions per request, counted by valgrind: the generated API against the bare server.

    python bench/instructions.py                          # axum and actix-web, SQLite
    python bench/instructions.py --framework axum --keep  # keep callgrind's files to annotate

wrk's requests per second move by about 10 % from run to run on a shared 2-core machine, as
much as the gap it is meant to show. An instruction count does not: valgrind counts what the
server executes, whatever else the machine is doing. For each server (the variant with the
production JSON log line, the variant with logs off, the bare server of bench/run.py) this
runs it under `valgrind --tool=callgrind`, sends a fixed number of keep-alive requests to
`/health/live` from one connection, --warm-up first and then --requests counted (callgrind
counts only those: start-up and shutdown are left out), and divides by --requests.
The servers are the release builds bench/run.py makes; valgrind must be installed.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # bench/run.py: builds, environment, databases

from copier_rust_api.checks import target_dir

TOTALS = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


@dataclass
class Count:
    framework: str
    name: str
    scenario: str
    instructions_per_request: float


def request(connection: socket.socket, host: str, path: str) -> None:
    """One keep-alive GET, read to the end of its body (the answer has a content-length)."""
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += receive(connection)
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0]
    if b" 200 " not in status + b" ":
        raise RuntimeError(f"{path} answered {status.decode()}")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    if length is None:
        raise RuntimeError(f"{path} answered without a content-length")
    while len(body) < int(length[1]):
        body += receive(connection)


def receive(connection: socket.socket) -> bytes:
    chunk = connection.recv(65536)
    if not chunk:
        raise RuntimeError("the server closed the connection")
    return chunk


def per_request(
    binary: Path,
    env_for: Callable[[int], Mapping[str, str]],
    cwd: Path,
    warm_up: int,
    requests: int,
    keep: Path | None,
    *,
    label: str,
) -> float:
    """Instructions the server executed per request, over `requests` requests after `warm_up`.

    Counting starts after the warm-up (`callgrind_control --zero`) and ends with a dump before
    the shutdown, so start-up (connection pools, migrations) and shutdown do not count.
    """
    port = run.free_port()
    env = env_for(port)
    with tempfile.TemporaryDirectory() as scratch:
        out = (keep or Path(scratch)) / f"callgrind.{binary.name}.{label}"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--dump-instr=no",
            str(binary),
        ]
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            run.wait_until_up(f"http://127.0.0.1:{port}/health/live", process, seconds=180)
            host = f"127.0.0.1:{port}"
            with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
                for _ in range(warm_up):
                    request(connection, host, "/health/live")
                control(process.pid, "--zero")
                for _ in range(requests):
                    request(connection, host, "/health/live")
                control(process.pid, "--dump=measured")
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)
        dumps = [path for path in out.parent.glob(f"{out.name}*") if path != out]
        if len(dumps) != 1:
            raise RuntimeError(f"expected one dump beside {out}, found {dumps}")
        totals = TOTALS.search(dumps[0].read_text())
        if totals is None:
            raise RuntimeError(f"no totals in {dumps[0]}")
        return int(totals[1]) / requests


def control(pid: int, action: str) -> None:
    subprocess.run(
        ["callgrind_control", action, str(pid)], check=True, capture_output=True, timeout=60
    )


def measure(
    framework: str, db: str, library: str, warm_up: int, requests: int, keep: Path | None
) -> list[Count]:
    workdir = target_dir().parent / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    project, binary = run.build_variant(framework, db, library, workdir)
    bare, bare_binary = run.build_bare(framework, workdir)
    name = run.variant_name(framework, db, library)
    counts = []
    for logs, label in run.LOGS.items():
        with run.database(db, workdir, f"{framework}-{db}-callgrind-{logs}") as url:
            figure = per_request(
                binary,
                partial(run.variant_env, url, logs=logs),
                project,
                warm_up,
                requests,
                keep,
                label=logs,
            )
            counts.append(Count(framework, name, f"/health/live, {label}", figure))
    figure = per_request(bare_binary, run.bare_env, bare, warm_up, requests, keep, label="bare")
    counts.append(Count(framework, run.bare_name(framework), "/health/live", figure))
    figure = per_request(
        bare_binary, run.contract_bare_env, bare, warm_up, requests, keep, label="contract"
    )
    counts.append(Count(framework, run.contract_name(framework), "/health/live", figure))
    return counts


def report(counts: list[Count]) -> str:
    lines = [
        "| server | scenario | instructions per request | bare / this |",
        "|---|---|---:|---:|",
    ]
    for count in counts:
        bare = next(c for c in counts if c.name == run.bare_name(count.framework))
        ratio = bare.instructions_per_request / count.instructions_per_request
        lines.append(
            f"| {count.name} | {count.scenario} | {count.instructions_per_request:,.0f} "
            f"| {ratio:.2f}x |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--framework", action="append", choices=["axum", "actix-web"])
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--library", default="sqlx", choices=["sqlx", "diesel"])
    parser.add_argument("--warm-up", type=int, default=200, help="requests before counting")
    parser.add_argument("--requests", type=int, default=2000, help="requests counted")
    parser.add_argument("--keep", type=Path, help="keep callgrind's output files in this folder")
    args = parser.parse_args()
    if subprocess.run(["valgrind", "--version"], capture_output=True).returncode != 0:
        print("valgrind is not installed: apt-get install valgrind", file=sys.stderr)
        return 2
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    counts: list[Count] = []
    started = time.monotonic()
    for framework in args.framework or ["axum", "actix-web"]:
        print(f"counting {framework} ...", file=sys.stderr, flush=True)
        counts += measure(
            framework, args.database, args.library, args.warm_up, args.requests, args.keep
        )
    print(report(counts))
    print(f"({time.monotonic() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
