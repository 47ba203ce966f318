"""The cargo-step runner builds one environment for every variant and reports failures usefully."""

from __future__ import annotations

from pathlib import Path

import pytest

from copier_rust_api import checks
from copier_rust_api.checks import CARGO_STEPS, CargoStep, StepResult


def test_the_steps_are_fmt_then_clippy_then_test() -> None:
    assert [step.name for step in CARGO_STEPS] == ["fmt", "clippy", "test"]
    assert [step.command for step in CARGO_STEPS] == [
        ("cargo", "fmt", "--check"),
        ("cargo", "test", "--no-run"),
        ("cargo", "test"),
    ]


def test_clippy_lints_the_test_build_as_cargo_clippy_would_with_warnings_denied() -> None:
    env = dict(checks.CLIPPY.env)
    assert env["RUSTC_WORKSPACE_WRAPPER"] == "clippy-driver"
    assert env["CLIPPY_ARGS"].split("__CLIPPY_HACKERY__")[:-1] == ["-D", "warnings"]
    assert checks.CLIPPY.describe().startswith("cargo clippy --all-targets -- -D warnings")


def test_after_clippy_the_tests_run_on_the_build_clippy_linted() -> None:
    fmt, clippy, test = checks.sequence(CARGO_STEPS)
    assert test.env == clippy.env
    assert fmt.env == ()
    (alone,) = checks.sequence([checks.TEST])
    assert alone.env == ()
    assert test == alone == checks.TEST


def test_the_target_dir_is_shared_and_outside_the_repo_by_default() -> None:
    assert checks.target_dir({}) == Path.home() / ".cache" / "copier-rust-api" / "target"


def test_the_target_dir_can_be_moved() -> None:
    assert checks.target_dir({"RUST_API_TARGET_DIR": "/scratch/t"}) == Path("/scratch/t")


def test_rendered_projects_live_beside_the_target_dir() -> None:
    env = {"RUST_API_TARGET_DIR": "/scratch/t"}
    assert checks.projects_dir(env) == Path("/scratch/projects")


def test_cargo_env_sets_target_dir_and_no_colour_and_keeps_the_rest() -> None:
    env = checks.cargo_env(
        {"PATH": "/usr/bin:/bin", "HOME": "/home/dev", "RUST_API_NO_SCCACHE": "1"}
    )
    assert env["CARGO_TARGET_DIR"].endswith("/.cache/copier-rust-api/target")
    assert env["CARGO_TERM_COLOR"] == "never"
    assert env["PATH"] == "/usr/bin:/bin"


def test_sccache_wraps_rustc_when_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "sccache_on_path", lambda: True)
    assert checks.cargo_env({})["RUSTC_WRAPPER"] == "sccache"


def test_sccache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "sccache_on_path", lambda: True)
    assert "RUSTC_WRAPPER" not in checks.cargo_env({"RUST_API_NO_SCCACHE": "1"})


def test_without_sccache_rustc_is_not_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "sccache_on_path", lambda: False)
    assert "RUSTC_WRAPPER" not in checks.cargo_env({})


def test_a_failure_summary_names_the_command_and_ends_with_the_output_tail() -> None:
    output = "\n".join(f"line {n}" for n in range(100))
    result = StepResult(CARGO_STEPS[2], Path("/p"), 101, output)
    assert not result.ok
    summary = result.summary(lines=3)
    assert summary.startswith("`cargo test` exited 101 in /p")
    assert summary.endswith("line 97\nline 98\nline 99")
    assert "line 96" not in summary


def test_run_steps_stops_at_the_first_failing_step(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def fake_run_step(project: Path, step: CargoStep, **_: object) -> StepResult:
        ran.append(step.name)
        return StepResult(step, project, 1 if step.name == "clippy" else 0, "")

    monkeypatch.setattr(checks, "run_step", fake_run_step)
    results = checks.run_steps(Path("/p"))
    assert ran == ["fmt", "clippy"]
    assert [r.ok for r in results] == [True, False]
