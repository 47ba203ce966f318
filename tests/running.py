"""Build a rendered variant's binary and run it as a server, with a fresh database of its own.

Used by the tests that talk to real servers (test_openapi.py). Builds go through the shared
cargo target dir and hold /work/.cargo.lock-style locks when one is configured, so a variant
the cargo test modules already compiled is only linked, not compiled again.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copier_rust_api import checks

# A lock file every compiling process on the machine takes (see `flock(1)`); none by default.
CARGO_LOCK_ENV = "RUST_API_CARGO_LOCK"
POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_USER = "postgres"
JWT_SECRET = "schemathesis-run-secret-of-at-least-32-bytes"
PASSWORD = "correct horse battery staple"


def _locked(command: list[str]) -> list[str]:
    lock = os.environ.get(CARGO_LOCK_ENV)
    return ["flock", lock, *command] if lock and shutil.which("flock") else command


def build_binary(project: Path, crate_name: str, dst: Path) -> Path:
    """`cargo build` the project's binary and copy it to `dst` (variants share a target dir
    and a binary name, so the copy is taken while the build still holds the lock)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    built = checks.target_dir() / "debug" / crate_name
    # `--all-targets` resolves features as `cargo test` does (dev-dependencies included), and
    # the linted build's environment is the one `test_generated_builds` built in (cargo
    # fingerprints the workspace wrapper): its build is reused, nothing is compiled again.
    script = f'cargo build --all-targets && cp "{built}" "{dst}"'
    completed = subprocess.run(
        _locked(["sh", "-c", script]),
        cwd=project,
        env={**checks.cargo_env(), **dict(checks.LINTED_BUILD_ENV)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    if completed.returncode != 0:
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-40:])
        raise RuntimeError(f"cargo build failed in {project}:\n{tail}")
    return dst


def openapi_of(binary: Path) -> dict[str, object]:
    """The document `<binary> openapi` prints."""
    printed = subprocess.run(
        [str(binary), "openapi"], capture_output=True, text=True, check=True, timeout=60
    )
    document: dict[str, object] = json.loads(printed.stdout)
    return document


def canonical(value: object) -> object:
    """`value` with every list sorted, so two documents compare regardless of order."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", POSTGRES_HOST, "-p", str(POSTGRES_PORT), "-U", POSTGRES_USER, "-c", sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )


@contextlib.contextmanager
def database(kind: str, scratch: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file in `scratch`, or a new PostgreSQL database
    (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite://{scratch / 'app.db'}"
        return
    name = f"schemathesis_{uuid.uuid4().hex[:12]}"
    _psql(f"CREATE DATABASE {name}")
    try:
        yield f"postgres://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and its log file."""

    url: str
    log: Path

    def request(
        self, method: str, path: str, body: Mapping[str, object] | None = None
    ) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer

    def token(self) -> str:
        """Registers a user and returns a bearer token for them (auth = jwt)."""
        email = f"fuzzer-{uuid.uuid4().hex[:8]}@example.com"
        self.request(
            "POST",
            "/api/v1/auth/register",
            {"email": email, "name": "Fuzzer", "password": PASSWORD},
        )
        login = self.request("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
        return str(login["access_token"])


@contextlib.contextmanager
def serve(
    binary: Path,
    project: Path,
    database_url: str,
    scratch: Path,
    settings: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """Runs `binary serve` with the project's configuration on a free port until ready; the
    environment's `settings` override the defaults below (logs at warn, readable)."""
    port = free_port()
    env = {
        **os.environ,
        "APP_CONFIG_DIR": str(project / "config"),
        "APP__SERVER__PORT": str(port),
        "APP__DATABASE__URL": database_url,
        "APP__AUTH__JWT_SECRET": JWT_SECRET,
        "APP__TELEMETRY__FILTER": "warn",
        "RUST_LOG": "warn",
        # The fuzzer checks the contract, not the attempt limits (the generated tests do): with
        # the shipped limits most of its registrations and logins would only ever see 429.
        **{
            f"APP__AUTH__RATE_LIMITS__{limit}": "1000000"
            for limit in (
                "LOGIN_PER_ACCOUNT_AND_CLIENT",
                "LOGIN_PER_ACCOUNT",
                "LOGIN_PER_CLIENT",
                "REGISTRATIONS_PER_CLIENT",
            )
        },
        **(settings or {}),
    }
    log = scratch / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(binary), "serve"], cwd=scratch, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_ready(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(
    server: Server, process: subprocess.Popen[bytes], timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.log.read_text()}")
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            server.request("GET", "/health/ready")
            return
        time.sleep(0.2)
    raise RuntimeError(f"the server was not ready within {timeout} s:\n{server.log.read_text()}")
