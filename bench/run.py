"""Benchmark a rendered variant against a bare server of its framework and a FastAPI service.

    python bench/run.py                      # axum and actix-web on SQLite, 10 s per load
    python bench/run.py --database sqlite --database postgres --duration 10 --rounds 3 --write-docs

For each framework it renders the variant (jwt, metrics on), builds it in release, builds a bare
hello-world of the same framework (versions from extensions/versions.toml), which answers with
the contract's headers too when told to (bench/bare/contract.rs: what the headers cost on their
own), starts each on loopback and drives it with wrk from the same machine, then does the same
with the FastAPI + uvicorn service of bench/fastapi on the same database. It prints requests per
second, p50/p99 latency, the server's CPU time per request, idle RSS, RSS after load, binary
size and the ratios the targets are stated in (docs/benchmarks.md); then /health/live's latency
at a steady rate (bench/paced.lua: each connection pauses between an answer and its next
request, so that together they offer a third of the rate the bare server answered flat out in
the same round), where the p99 target is judged. With --rounds, the variant (with each log
setting) and the two bare servers run at once and take the /health/live loads in turn, round
after round (forward, then backward), and the medians are kept; a ratio is the median of the
rounds' ratios, each of two loads a few seconds apart, so the machine's slow spells fall on both
sides of it. Needs wrk (`apt-get install wrk`) and the `bench` extra (`pip install -e
'.[bench]'`). Every request loop is bounded by --duration.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import tomllib
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from copier_rust_api.checks import target_dir  # noqa: E402
from copier_rust_api.render import render  # noqa: E402

BENCH = ROOT / "bench"
T = TypeVar("T")
SECRET = "benchmark-secret-that-is-at-least-32-bytes-long"
PASSWORD = "correct horse battery staple"
POSTGRES_SERVER = os.environ.get("RUST_API_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
CONNECTIONS = 64
# The steady load the latency target is judged at offers at most this share of what the bare
# server answered flat out in the same round: each connection pauses between an answer and its
# next request. Flat out, 64 connections always wait in a queue: the p99 then measures the
# queue. A fixed pause (1 ms, up to 0.6.5) offered a third of one machine and more than half of
# another half as fast, whose bare servers then missed the target too.
STEADY_SHARE, STEADY_NAME = 1 / 3, "third"


def steady_pause_ms(bare_rate: float) -> float:
    """The pause after each answer at which 64 connections offer at most `STEADY_SHARE` of
    `bare_rate` requests a second (less by the time each request takes)."""
    if bare_rate <= 0:
        raise RuntimeError("the bare server answered nothing flat out: no steady rate to set")
    return CONNECTIONS * 1000 / (STEADY_SHARE * bare_rate)


FRAMEWORK_DEPENDENCIES = {
    "axum": {"axum": None, "tokio": ["macros", "net", "rt-multi-thread"], "serde_json": None},
    "actix-web": {"actix-web": ["macros"], "serde_json": None},
}


@dataclass
class Placement:
    """Where the servers and the load generator run: by default anywhere (they share every core);
    with --pin, the load generator on core 0 and the servers on the others."""

    server: list[str]
    load: list[str]
    load_threads: int

    @classmethod
    def shared(cls) -> Placement:
        return cls(server=[], load=[], load_threads=2)

    @classmethod
    def pinned(cls) -> Placement:
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) < 2:
            raise SystemExit("--pin needs at least 2 cores")
        servers = ",".join(str(core) for core in cores[1:])
        return cls(
            server=["taskset", "-c", servers], load=["taskset", "-c", str(cores[0])], load_threads=1
        )

    def describe(self) -> str:
        if not self.server:
            return f"`wrk -t{self.load_threads}` sharing every core with the server"
        return (
            f"`wrk -t{self.load_threads}` pinned to core {self.load[-1]}, "
            f"the server to cores {self.server[-1]}"
        )


PLACEMENT = Placement.shared()


@dataclass
class Load:
    """What one wrk run measured, and the CPU time the server spent on each request."""

    requests_per_sec: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0
    cpu_us: float | None = None
    # The pause of each connection after an answer, for a load run at a steady rate.
    pause_ms: float | None = None


@dataclass
class Row:
    name: str
    scenario: str
    load: Load
    rss_idle_mb: float
    rss_after_mb: float
    binary_mb: float | None
    # Loaded at a steady rate (a pause after each answer) rather than flat out.
    paced: bool = False
    # Requests per second of each round, in order, where the load was run in rounds.
    rounds: list[float] = field(default_factory=list)


def versions() -> dict[str, str]:
    with (ROOT / "extensions" / "versions.toml").open("rb") as handle:
        table: dict[str, dict[str, str]] = tomllib.load(handle)
    return table["crates"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of the process and of the processes it started (uvicorn's
    workers), all their threads."""
    ticks = 0
    parents = {pid}
    for stat in sorted(Path("/proc").glob("[0-9]*/stat"), key=lambda path: int(path.parent.name)):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has exited since the listing
            continue
        # The split starts at the 3rd field: the parent is the 4th, utime and stime the 14th
        # and 15th. A child has a higher pid than its parent, unless pids wrapped around.
        process, parent = int(stat.parent.name), int(fields[1])
        if process in parents or parent in parents:
            parents.add(process)
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def serving(
    command: list[str], env: Mapping[str, str], port: int, cwd: Path
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [*PLACEMENT.server, *command],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health/live", process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


LATENCY = re.compile(r"^\s*(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: int, token: str | None = None, pause_ms: float | None = None) -> Load:
    """One load of `url`: flat out, or at a steady rate, each connection pausing `pause_ms`
    between an answer and its next request."""
    command = [
        *PLACEMENT.load,
        "wrk",
        f"-t{PLACEMENT.load_threads}",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        "--latency",
    ]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    if pause_ms is not None:
        command += ["--script", str(BENCH / "paced.lua"), url, "--", f"{pause_ms:.3f}"]
    else:
        command.append(url)
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    load = read_wrk(output)
    load.pause_ms = pause_ms
    return load


def load_server(
    pid: int, url: str, duration: int, token: str | None = None, pause_ms: float | None = None
) -> Load:
    """wrk's figures for `url`, with the CPU time the server `pid` spent per request."""
    before = cpu_seconds(pid)
    load = wrk(url, duration, token, pause_ms)
    spent = cpu_seconds(pid) - before
    if load.requests:
        load.cpu_us = spent * 1e6 / load.requests
    return load


def read_wrk(output: str) -> Load:
    """The figures of wrk's `--latency` report."""
    latencies = {
        match[1]: float(match[2]) * UNIT_MS[match[3]] for match in LATENCY.finditer(output)
    }
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    if rate is None or "50" not in latencies or "99" not in latencies:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    errors = int(failed[1]) if failed else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors[0]))
    requests = int(total[1]) if total else 0
    return Load(float(rate[1]), latencies["50"], latencies["99"], errors, requests)


def post_json(url: str, body: Mapping[str, str]) -> dict[str, object]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, object] = json.load(response)
        return answer


def sign_up(base: str) -> tuple[str, str]:
    """Registers a user and logs in: (user id, access token)."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    user = post_json(
        f"{base}/api/v1/auth/register", {"email": email, "name": "Bench", "password": PASSWORD}
    )
    token = post_json(f"{base}/api/v1/auth/login", {"email": email, "password": PASSWORD})
    return str(user["id"]), str(token["access_token"])


def cargo_release(project: Path, binary: str, out: Path) -> Path:
    env = {**os.environ, "CARGO_TARGET_DIR": str(target_dir()), "CARGO_TERM_COLOR": "never"}
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=project, env=env, check=True)
    built = target_dir() / "release" / binary
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(built, out)
    return out


def bare_project(framework: str, workdir: Path) -> Path:
    """A hello-world crate of `framework`, its versions from the one version table."""
    table = versions()
    project = workdir / f"bare-{framework}"
    (project / "src").mkdir(parents=True, exist_ok=True)
    lines = [
        "[package]",
        f'name = "bare-{framework}"',
        'version = "0.1.0"',
        'edition = "2024"',
        "publish = false",
        "",
        "[dependencies]",
    ]
    for crate, features in FRAMEWORK_DEPENDENCIES[framework].items():
        spec = f'version = "{table[crate]}"'
        if features:
            spec += f", features = {json.dumps(features)}"
        lines.append(f"{crate} = {{ {spec} }}")
    lines += ["", "[profile.release]", "lto = true", "codegen-units = 1", "strip = true", ""]
    write_if_changed(project / "Cargo.toml", "\n".join(lines))
    write_if_changed(
        project / "src" / "main.rs", (BENCH / "bare" / framework / "main.rs").read_text()
    )
    write_if_changed(project / "src" / "contract.rs", (BENCH / "bare" / "contract.rs").read_text())
    return project


def bare_name(framework: str) -> str:
    """The bare server of `framework`, as its rows and targets name it."""
    return f"bare {framework}"


def contract_name(framework: str) -> str:
    """The bare server in its second mode, answering with the contract's headers."""
    return f"{bare_name(framework)} + contract headers"


def write_if_changed(path: Path, text: str) -> None:
    """Leaves an identical file untouched, so cargo has nothing to rebuild."""
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


@contextmanager
def database(kind: str, workdir: Path, name: str) -> Iterator[str]:
    if kind == "sqlite":
        path = workdir / f"{name}.db"
        for stale in workdir.glob(f"{name}.db*"):
            stale.unlink()
        yield f"sqlite://{path}"
        return
    database_name = f"bench_{name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["psql", "-q", f"{POSTGRES_SERVER}/postgres", "-c", f'CREATE DATABASE "{database_name}"'],
        check=True,
    )
    try:
        yield f"{POSTGRES_SERVER}/{database_name}"
    finally:
        subprocess.run(
            [
                "psql",
                "-q",
                f"{POSTGRES_SERVER}/postgres",
                "-c",
                f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)',
            ],
            check=False,
        )


def measure(
    name: str,
    scenario: str,
    process: subprocess.Popen[bytes],
    url: str,
    duration: int,
    binary: Path | None,
    token: str | None = None,
) -> Row:
    idle = rss_mb(process.pid)
    load = load_server(process.pid, url, duration, token)
    return Row(
        name=name,
        scenario=scenario,
        load=load,
        rss_idle_mb=idle,
        rss_after_mb=rss_mb(process.pid),
        binary_mb=size_mb(binary),
    )


def size_mb(binary: Path | None) -> float | None:
    """A binary's size in MB; None for a server that is not one (FastAPI)."""
    return binary.stat().st_size / 1e6 if binary else None


def variant_name(framework: str, db: str, library: str) -> str:
    return f"{framework} ({db})" if library == "sqlx" else f"{framework} ({db}, {library})"


# The two log settings a variant is measured with, and how the figures name them.
LOGS = {"production": "logs: info, JSON", "off": "logs: off"}


def variant_env(database_url: str, port: int, logs: str) -> dict[str, str]:
    """A generated server's environment: production settings, `logs` one of LOGS."""
    env = {
        "APP_ENVIRONMENT": "production",
        "APP__SERVER__HOST": "127.0.0.1",
        "APP__SERVER__PORT": str(port),
        "APP__SERVER__SHUTDOWN_READINESS_DELAY_MS": "0",
        "APP__DATABASE__URL": database_url,
        "APP__AUTH__JWT_SECRET": SECRET,
    }
    if logs == "off":
        env["RUST_LOG"] = "off"
    return env


def bare_env(port: int) -> dict[str, str]:
    return {"PORT": str(port)}


def contract_bare_env(port: int) -> dict[str, str]:
    """The bare server answering with the contract's headers (bench/bare/contract.rs)."""
    return {**bare_env(port), "BARE_CONTRACT_HEADERS": "1"}


def build_variant(framework: str, db: str, library: str, workdir: Path) -> tuple[Path, Path]:
    """Renders (identical files stay untouched) and builds the variant: (project, binary)."""
    answers = {
        "framework": framework,
        "database": db,
        "db_library": library,
        "auth": "jwt",
        "metrics": True,
    }
    slug = f"{framework}-{db}-{library}"
    project = render(workdir / f"variant-{slug}", answers)
    crate = tomllib.loads((project / "Cargo.toml").read_text())["package"]["name"]
    return project, cargo_release(project, crate, workdir / "bin" / slug)


def build_bare(framework: str, workdir: Path) -> tuple[Path, Path]:
    bare = bare_project(framework, workdir)
    return bare, cargo_release(bare, f"bare-{framework}", workdir / "bin" / f"bare-{framework}")


@dataclass
class Server:
    """A server under load: its process, where it answers and what it is built from."""

    name: str
    process: subprocess.Popen[bytes]
    base: str
    binary: Path


def bare_scenario(variant: str) -> str:
    """The bare server's scenario: it is measured anew beside each variant."""
    return f"/health/live, in turn with {variant}"


def turns(scenarios: list[T], rounds: int) -> Iterator[list[T]]:
    """The order the servers take their loads in, round after round: forward, then backward.
    A machine that slows down or speeds up over a round then favours none of them."""
    for number in range(rounds):
        yield scenarios if number % 2 == 0 else scenarios[::-1]


@dataclass
class Ratio:
    """How one server's requests per second compare with another's, loaded in the same rounds:
    the median of the rounds' ratios, and the lowest and highest of them."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, row: Row, base: Row) -> Ratio:
        if row.rounds and len(row.rounds) == len(base.rounds):
            each = [mine / theirs for mine, theirs in zip(row.rounds, base.rounds, strict=True)]
        else:
            each = [row.load.requests_per_sec / base.load.requests_per_sec]
        return cls(statistics.median(each), min(each), max(each))

    def __str__(self) -> str:
        if self.low == self.high:
            return f"{self.median:.2f}x"
        return f"{self.median:.2f}x (rounds {self.low:.2f}x to {self.high:.2f}x)"


def median_load(loads: list[Load]) -> Load:
    """The median of each figure over the rounds; errors and requests are summed."""
    cpu = [load.cpu_us for load in loads if load.cpu_us is not None]
    pauses = [load.pause_ms for load in loads if load.pause_ms is not None]
    return Load(
        requests_per_sec=statistics.median(load.requests_per_sec for load in loads),
        p50_ms=statistics.median(load.p50_ms for load in loads),
        p99_ms=statistics.median(load.p99_ms for load in loads),
        errors=sum(load.errors for load in loads),
        requests=sum(load.requests for load in loads),
        cpu_us=statistics.median(cpu) if cpu else None,
        pause_ms=statistics.median(pauses) if pauses else None,
    )


def bench_framework(
    framework: str, db: str, library: str, duration: int, rounds: int, workdir: Path
) -> list[Row]:
    """The variant with each log setting and the two bare servers (plain, and with the
    contract's headers), all running at once and loaded in turn, `rounds` times: a slow spell
    of the machine falls on all of them alike, and the medians leave it out. Then the
    authenticated read, on the production settings."""
    project, binary = build_variant(framework, db, library, workdir)
    bare, bare_binary = build_bare(framework, workdir)
    name = variant_name(framework, db, library)
    beside = bare_scenario(name)
    with ExitStack() as running:
        # Keyed by (server, scenario): the two bare servers share their scenario.
        servers: dict[tuple[str, str], Server] = {}
        for logs, label in LOGS.items():
            url = running.enter_context(database(db, workdir, f"{framework}-{db}-{logs}"))
            port = free_port()
            env = variant_env(url, port, logs)
            process = running.enter_context(serving([str(binary)], env, port, project))
            servers[name, f"/health/live, {label}"] = Server(
                name, process, f"http://127.0.0.1:{port}", binary
            )
        for server_name, env_for in (
            (bare_name(framework), bare_env),
            (contract_name(framework), contract_bare_env),
        ):
            port = free_port()
            process = running.enter_context(serving([str(bare_binary)], env_for(port), port, bare))
            servers[server_name, beside] = Server(
                server_name, process, f"http://127.0.0.1:{port}", bare_binary
            )
        idle = {key: rss_mb(server.process.pid) for key, server in servers.items()}
        loads: dict[tuple[tuple[str, str], bool], list[Load]] = {
            (key, paced): [] for key in servers for paced in (False, True)
        }
        urls = {key: f"{server.base}/health/live" for key, server in servers.items()}
        for turn in turns(list(servers), rounds):
            for key in turn:
                loads[key, False].append(load_server(servers[key].process.pid, urls[key], duration))
            # The steady rate of this round: a share of what the bare server just answered.
            bare_rate = loads[(bare_name(framework), beside), False][-1].requests_per_sec
            pause = steady_pause_ms(bare_rate)
            for key in turn:
                loads[key, True].append(
                    load_server(servers[key].process.pid, urls[key], duration, pause_ms=pause)
                )
        rows = {
            (key, paced): Row(
                name=server.name,
                scenario=key[1],
                load=median_load(loads[key, paced]),
                rss_idle_mb=idle[key],
                rss_after_mb=rss_mb(server.process.pid),
                binary_mb=size_mb(server.binary),
                paced=paced,
                rounds=[load.requests_per_sec for load in loads[key, paced]],
            )
            for key, server in servers.items()
            for paced in (False, True)
        }
        production = servers[name, f"/health/live, {LOGS['production']}"]
        user, token = sign_up(production.base)
        users = measure(
            name,
            "GET /api/v1/users/{id}, authenticated",
            production.process,
            f"{production.base}/api/v1/users/{user}",
            duration * rounds,
            binary,
            token,
        )
    health = [
        (name, f"/health/live, {LOGS['production']}"),
        (name, f"/health/live, {LOGS['off']}"),
        (bare_name(framework), beside),
        (contract_name(framework), beside),
    ]
    return (
        [rows[health[0], False], users]
        + [rows[key, False] for key in health[1:]]
        + [rows[key, True] for key in health]
    )


def bench_fastapi(db: str, duration: int, workdir: Path) -> list[Row]:
    """The authenticated read on the FastAPI service, for as long as a variant's."""
    with database(db, workdir, f"fastapi-{db}") as url:
        if db == "postgres":
            url = url.replace("postgres://", "postgresql://", 1)
        port = free_port()
        workers = str(len(os.sched_getaffinity(0)) - (1 if PLACEMENT.server else 0))
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "app:app",
            "--port",
            str(port),
            "--workers",
            workers,
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        env = {"BENCH_DATABASE_URL": url, "BENCH_JWT_SECRET": SECRET}
        with serving(command, env, port, BENCH / "fastapi") as process:
            base = f"http://127.0.0.1:{port}"
            user, token = sign_up(base)
            return [
                measure(
                    f"FastAPI ({db})",
                    "GET /api/v1/users/{id}, authenticated",
                    process,
                    f"{base}/api/v1/users/{user}",
                    duration,
                    None,
                    token,
                )
            ]


def find(rows: list[Row], name: str, scenario_start: str, paced: bool = False) -> Row:
    return next(
        r
        for r in rows
        if r.name == name and r.scenario.startswith(scenario_start) and r.paced == paced
    )


def cpu_ratio(row: Row, bare: Row) -> str:
    """How the bare server's CPU time per request compares with `row`'s, as a figure."""
    if row.load.cpu_us is None or bare.load.cpu_us is None:
        return ""
    return f"; CPU per request {bare.load.cpu_us / row.load.cpu_us:.2f}x"


def contract_share(rows: list[Row], framework: str, name: str, health: Row, bare: Row) -> str:
    """How much of the gap the contract's headers make on their own, when the bare server
    with them took its turns too: its ratio to the bare server, and the variant's to it."""
    floor = [r for r in rows if r.name == contract_name(framework) and r.scenario == bare.scenario]
    if not floor:
        return ""
    return (
        f"; bare with the contract's headers {Ratio.of(floor[0], bare)}, "
        f"the variant against it {Ratio.of(health, floor[0])}"
    )


def targets(
    rows: list[Row],
    frameworks: list[str],
    databases: list[str],
    libraries: tuple[str, ...] = ("sqlx",),
) -> list[tuple[str, str, bool]]:
    """(target, figure, met) for each target of docs/benchmarks.md."""
    results = []
    for db in databases:
        fastapi = find(rows, f"FastAPI ({db})", "GET")
        for framework, library in ((f, lib) for lib in libraries for f in frameworks):
            name = variant_name(framework, db, library)
            health = find(rows, name, "/health/live, logs: info")
            quiet = find(rows, name, "/health/live, logs: off")
            users = find(rows, name, "GET")
            # The bare server that took its turns with this variant.
            bare = find(rows, bare_name(framework), bare_scenario(name))
            steady = find(rows, name, "/health/live, logs: info", paced=True)
            bare_steady = find(rows, bare_name(framework), bare_scenario(name), paced=True)
            # Each round's ratio, of loads a few seconds apart: the machine's slow spells,
            # which move one server's rounds by 15 % and more, fall on both sides of it.
            ratio = Ratio.of(health, bare)
            without_logs = Ratio.of(quiet, bare)
            results.append(
                (
                    f"{name}: /health/live >= 0.9x bare",
                    f"{ratio}{cpu_ratio(health, bare)}; logs off {without_logs}"
                    + contract_share(rows, framework, name, health, bare),
                    ratio.median >= 0.9,
                )
            )
            cost = 1 - Ratio.of(health, quiet).median
            results.append((f"{name}: JSON logs cost <= 15 %", f"{cost:.0%}", cost <= 0.15))
            faster = users.load.requests_per_sec / fastapi.load.requests_per_sec
            results.append((f"{name}: GET user >= 4x FastAPI", f"{faster:.1f}x", faster >= 4))
            worst = max(r.rss_after_mb for r in (health, users))
            results.append((f"{name}: RSS after load <= 40 MB", f"{worst:.1f} MB", worst <= 40))
            results.append(
                (
                    f"{name}: /health/live p99 < 2 ms at a steady {STEADY_NAME} of bare's rate",
                    f"{steady.load.p99_ms:.2f} ms at {steady.load.requests_per_sec:,.0f} req/s "
                    f"(bare {bare_steady.load.p99_ms:.2f} ms)",
                    steady.load.p99_ms < 2,
                )
            )
    return results


def table(rows: list[Row]) -> str:
    """The figures of the loads run flat out."""
    lines = [
        "| server | scenario | req/s | p50 ms | p99 ms | errors | CPU µs/req "
        "| RSS idle MB | RSS after MB | binary MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.paced:
            continue
        binary = f"{r.binary_mb:.1f}" if r.binary_mb is not None else "-"
        lines.append(f"{load_cells(r)} {r.rss_idle_mb:.1f} | {r.rss_after_mb:.1f} | {binary} |")
    return "\n".join(lines)


def steady_table(rows: list[Row]) -> str:
    """The latency of the loads run at a steady rate."""
    lines = [
        "| server | scenario | req/s | p50 ms | p99 ms | errors | CPU µs/req | pause ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [f"{load_cells(r)} {pause_cell(r.load)} |" for r in rows if r.paced]
    return "\n".join(lines)


def load_cells(row: Row) -> str:
    """The cells both tables give a row: server, scenario, what the load measured."""
    load = row.load
    cpu = f"{load.cpu_us:.1f}" if load.cpu_us is not None else "-"
    return (
        f"| {row.name} | {row.scenario} | {load.requests_per_sec:,.0f} | {load.p50_ms:.2f} | "
        f"{load.p99_ms:.2f} | {load.errors} | {cpu} |"
    )


def pause_cell(load: Load) -> str:
    return f"{load.pause_ms:.2f}" if load.pause_ms is not None else "-"


def chart(rows: list[Row]) -> str:
    """A horizontal bar chart of requests per second, as standalone SVG."""
    bar_height, gap, label_width, width = 18, 6, 420, 900
    rows = [r for r in rows if not r.paced]
    peak = max(r.load.requests_per_sec for r in rows)
    height = len(rows) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">'
    ]
    for i, r in enumerate(rows):
        y = gap + i * (bar_height + gap)
        length = (width - label_width - 90) * r.load.requests_per_sec / peak
        parts.append(f'<text x="0" y="{y + 13}">{r.name}: {r.scenario}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.0f}" '
            f'height="{bar_height}" fill="#4f7cac"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6:.0f}" y="{y + 13}">'
            f"{r.load.requests_per_sec:,.0f}/s</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"
STEADY = (
    f"`/health/live` at a steady rate: each of the {CONNECTIONS} connections pauses after an "
    f"answer (the median pause is shown), so that together they offer at most a {STEADY_NAME} "
    "of the rate the bare server answered flat out in the same round:"
)


def write_docs(rows: list[Row], checks: list[tuple[str, str, bool]], header: str) -> None:
    page = ROOT / "docs" / "benchmarks.md"
    (ROOT / "docs" / "assets").mkdir(exist_ok=True)
    (ROOT / "docs" / "assets" / "benchmarks.svg").write_text(chart(rows))
    verdicts = "\n".join(
        f"| {name} | {figure} | {'met' if ok else 'missed'} |" for name, figure, ok in checks
    )
    block = (
        f"{BEGIN}\n{header}\n\n![Requests per second](assets/benchmarks.svg)\n\n{table(rows)}\n\n"
        f"{STEADY}\n\n{steady_table(rows)}\n\n"
        f"| target | figure | |\n|---|---:|---|\n{verdicts}\n{END}"
    )
    text = page.read_text()
    start, stop = text.index(BEGIN), text.index(END) + len(END)
    page.write_text(text[:start] + block + text[stop:])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--framework", action="append", choices=["axum", "actix-web"])
    parser.add_argument("--database", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--library", action="append", choices=["sqlx", "diesel"])
    parser.add_argument(
        "--pin",
        action="store_true",
        help="wrk on core 0, the servers on the others: neither preempts the other",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per load (default 10)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="load each /health/live server this many times, in turn, and keep the medians",
    )
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--build-only", action="store_true", help="render and build everything, measure nothing"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    frameworks = args.framework or ["axum", "actix-web"]
    databases = args.database or ["sqlite"]
    libraries = tuple(args.library or ["sqlx"])
    global PLACEMENT
    PLACEMENT = Placement.pinned() if args.pin else Placement.shared()
    # A stable place beside the shared target dir, so a second run rebuilds nothing unchanged.
    workdir = target_dir().parent / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    if args.build_only:
        for db in databases:
            for framework in frameworks:
                for library in libraries:
                    build_variant(framework, db, library, workdir)
        for framework in frameworks:
            build_bare(framework, workdir)
        return 0
    rows: list[Row] = []
    for db in databases:
        for library in libraries:
            for framework in frameworks:
                print(f"benchmarking {framework} on {db} with {library} ...", file=sys.stderr)
                rows += bench_framework(framework, db, library, args.duration, args.rounds, workdir)
        print(f"benchmarking FastAPI on {db} ...", file=sys.stderr, flush=True)
        rows += bench_fastapi(db, args.duration * args.rounds, workdir)
    checks = targets(rows, frameworks, databases, libraries)
    header = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores: release builds, "
        f"`-c{CONNECTIONS} -d{args.duration}s` on loopback from the same machine, "
        f"{PLACEMENT.describe()}"
        + (
            f"; `/health/live`: {args.rounds} rounds, the servers loaded in turn (forward, "
            "then backward), medians shown, ratios the median of the rounds' ratios; the "
            f"authenticated reads: one load of {args.duration * args.rounds} s."
            if args.rounds > 1
            else "."
        )
    )
    print(header)
    print(table(rows))
    print()
    print(STEADY)
    print(steady_table(rows))
    print()
    for name, figure, ok in checks:
        print(f"{'met   ' if ok else 'MISSED'} {name}: {figure}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2))
    if args.write_docs:
        write_docs(rows, checks, header)
    return 0


if __name__ == "__main__":
    sys.exit(main())
