"""`rust-api doctor`'s checks: versions against the MSRV, PostgreSQL, and the optional tools.

The machine is replaced by fake probes; tests/test_cli.py drives the command with a fake PATH.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path

import pytest

from copier_rust_api import doctor
from copier_rust_api.doctor import Probes, Status


def machine(
    outputs: dict[str, str], *, postgres_port_open: bool = False, with_pg_isready: bool = False
) -> Probes:
    """A fake machine: `outputs` maps a command line to its first line of output."""
    tools = {command.split()[0] for command in outputs}
    if with_pg_isready:
        tools.add("pg_isready")

    def output(command: Sequence[str]) -> str | None:
        if command[0] == "pg_isready":
            return "accepting connections" if postgres_port_open else None
        return outputs.get(" ".join(command))

    return Probes(
        which=lambda name: f"/usr/bin/{name}" if name in tools else None,
        output=output,
        port_open=lambda host, port: postgres_port_open,
    )


RUST_OK = {
    "cargo --version": "cargo 1.95.0 (f2d3ce0bd 2026-03-21)",
    "rustc --version": "rustc 1.95.0 (59807616e 2026-04-14)",
}


def by_name(probes: Probes) -> dict[str, doctor.Check]:
    return {check.name: check for check in doctor.run_checks(probes)}


def test_the_msrv_is_read_from_the_version_table(template_root: Path) -> None:
    with (template_root / "extensions" / "versions.toml").open("rb") as handle:
        expected = tomllib.load(handle)["toolchain"]["msrv"]
    assert doctor.msrv(template_root) == expected


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("rustc 1.95.0 (59807616e 2026-04-14)", (1, 95, 0)),
        ("1.94", (1, 94)),
        ("cargo 1.96.0-nightly (abc 2026-05-01)", (1, 96, 0)),
        ("no version here", None),
    ],
)
def test_versions_are_read_from_tool_output(text: str, version: tuple[int, ...] | None) -> None:
    assert doctor.parse_version(text) == version


def test_a_rustc_at_the_msrv_or_newer_is_ok() -> None:
    check = doctor.check_rustc(machine({"rustc --version": "rustc 1.94.0 (x)"}), "1.94")
    assert check.status is Status.OK
    assert not check.blocking


def test_a_rustc_older_than_the_msrv_blocks_and_says_to_update() -> None:
    check = doctor.check_rustc(machine({"rustc --version": "rustc 1.93.1 (x)"}), "1.94")
    assert check.blocking
    assert "older than the MSRV 1.94" in check.found
    assert "rustup update" in check.fix


def test_missing_cargo_and_rustc_block() -> None:
    checks = by_name(machine({}))
    assert checks["cargo"].blocking
    assert checks["rustc"].blocking
    assert "rustup" in checks["cargo"].fix


def test_optional_tools_only_warn_and_say_how_to_install_them() -> None:
    checks = by_name(machine(RUST_OK))
    for name in ("sqlx-cli", "hadolint", "actionlint", "sccache", "rustfmt", "clippy", "git"):
        assert checks[name].status is Status.WARNING, name
        assert not checks[name].blocking, name
        assert checks[name].fix, name
    assert not any(check.blocking for check in checks.values())


def test_a_tool_found_reports_its_version() -> None:
    checks = by_name(machine({**RUST_OK, "sccache --version": "sccache 0.16.0"}))
    assert checks["sccache"].status is Status.OK
    assert checks["sccache"].found == "sccache 0.16.0"


def test_postgres_is_probed_with_pg_isready_when_installed() -> None:
    ready = doctor.check_postgres(machine({}, postgres_port_open=True, with_pg_isready=True))
    assert ready.status is Status.OK


def test_postgres_is_probed_over_tcp_without_pg_isready() -> None:
    assert doctor.check_postgres(machine({}, postgres_port_open=True)).status is Status.OK
    down = doctor.check_postgres(machine({}, postgres_port_open=False))
    assert down.status is Status.WARNING
    assert "127.0.0.1:5432" in down.found
    assert "postgres" in down.fix


def test_the_tcp_probe_sees_a_closed_port() -> None:
    assert doctor.port_open("127.0.0.1", 1) is False
