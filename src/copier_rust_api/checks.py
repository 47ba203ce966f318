"""Run a generated project's own checks (cargo fmt, clippy, test) the same way everywhere.

Every variant shares one cargo target directory outside the repository, and sccache when it is
installed, so compiling many variants costs little more than compiling one.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from copier_rust_api.render import render

TARGET_DIR_ENV = "RUST_API_TARGET_DIR"
NO_SCCACHE_ENV = "RUST_API_NO_SCCACHE"
DEFAULT_TARGET_DIR = Path("~/.cache/copier-rust-api/target")
DEFAULT_TIMEOUT_S = 3600.0


@dataclass(frozen=True)
class CargoStep:
    """One cargo invocation a generated project must pass.

    `env` is how the step runs, not what it checks, so it is not part of the step's identity:
    the test step is the same step whether or not its build is also linted.
    """

    name: str
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # What a developer would type for the same check, when `args` is not that.
    shown: str | None = field(default=None, compare=False)

    @property
    def command(self) -> tuple[str, ...]:
        return ("cargo", *self.args)

    def describe(self) -> str:
        return self.shown or " ".join(self.command)


# clippy as `cargo clippy` runs it: clippy-driver wraps rustc for the project's own crates, with
# the arguments after `--` in CLIPPY_ARGS. Run around the *test build* rather than a separate
# `cargo check`, the lints see the same targets (lib, bin, their tests, tests/) while the
# dependencies are compiled once, in the mode the tests need, instead of twice.
CLIPPY_ARGS = ("-D", "warnings")
LINTED_BUILD_ENV: tuple[tuple[str, str], ...] = (
    ("RUSTC_WORKSPACE_WRAPPER", "clippy-driver"),
    ("CLIPPY_ARGS", "".join(f"{arg}__CLIPPY_HACKERY__" for arg in CLIPPY_ARGS)),
)

FMT = CargoStep("fmt", ("fmt", "--check"))
CLIPPY = CargoStep(
    "clippy",
    ("test", "--no-run"),
    env=LINTED_BUILD_ENV,
    shown="cargo clippy --all-targets -- -D warnings (as the linted test build)",
)
TEST = CargoStep("test", ("test",))

# In the order a developer runs them: cheapest first.
CARGO_STEPS: tuple[CargoStep, ...] = (FMT, CLIPPY, TEST)


def sequence(steps: Sequence[CargoStep]) -> tuple[CargoStep, ...]:
    """`steps` as they run: after clippy, the tests run on the build clippy linted (built with
    the same environment, so cargo finds it fresh instead of compiling the crate again)."""
    linted = CLIPPY in steps
    return tuple(
        replace(step, env=LINTED_BUILD_ENV) if linted and step == TEST else step for step in steps
    )


@dataclass(frozen=True)
class StepResult:
    """The outcome of one step: exit code and combined stdout/stderr."""

    step: CargoStep
    project: Path
    returncode: int
    output: str
    # Wall-clock seconds the step took (waiting for cargo's target-dir lock included).
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 60) -> str:
        """The last `lines` lines of output: where cargo puts the error that matters."""
        return "\n".join(self.output.splitlines()[-lines:])

    def summary(self, lines: int = 60) -> str:
        """A failure message: the command, where it ran, its exit code and the output's tail."""
        return (
            f"`{self.step.describe()}` exited {self.returncode} in {self.project}\n"
            f"--- last {lines} lines of output ---\n{self.tail(lines)}"
        )


def target_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The shared CARGO_TARGET_DIR: `$RUST_API_TARGET_DIR`, else ~/.cache/copier-rust-api/target."""
    environ = os.environ if environ is None else environ
    return Path(environ.get(TARGET_DIR_ENV) or DEFAULT_TARGET_DIR).expanduser()


def projects_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where variants are rendered for compiling: `projects/` beside the shared target dir.

    A stable path per variant keeps cargo's fingerprints, and so the artifacts in the shared
    target dir, the same from one run to the next instead of piling up one copy per temp dir.
    """
    return target_dir(environ).parent / "projects"


def sync_tree(source: Path, dst: Path) -> None:
    """Make `dst` hold exactly the files of `source`, rewriting only those that differ.

    Unchanged files keep their modification time, so cargo, which fingerprints local sources
    by mtime, does not rebuild a project that was rendered again to the same text.
    """
    dst.mkdir(parents=True, exist_ok=True)
    keep = {"target", ".git", "Cargo.lock"}  # build output and resolution, not rendered text
    for existing in sorted(dst.rglob("*"), reverse=True):
        relative = existing.relative_to(dst)
        if relative.parts[0] in keep or (source / relative).exists():
            continue
        if existing.is_dir() and not existing.is_symlink():
            shutil.rmtree(existing)
        else:
            existing.unlink()
    for item in source.rglob("*"):
        target = dst / item.relative_to(source)
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif not target.exists() or not filecmp.cmp(item, target, shallow=False):
            shutil.copy2(item, target)


def render_for_compiling(
    dst: Path, answers: Mapping[str, Any], *, template: Path | None = None
) -> Path:
    """Render `answers` into `dst` (a stable directory), touching only the files that change."""
    with tempfile.TemporaryDirectory(prefix="rust-api-render-") as scratch:
        fresh = render(Path(scratch) / "project", answers, template=template)
        sync_tree(fresh, dst)
    return dst


def use_sccache(environ: Mapping[str, str] | None = None) -> bool:
    """Whether to wrap rustc in sccache: it is on PATH and `$RUST_API_NO_SCCACHE` is unset."""
    environ = os.environ if environ is None else environ
    return NO_SCCACHE_ENV not in environ and sccache_on_path()


def sccache_on_path() -> bool:
    """Whether `sccache` is on PATH (its own function, so tests replace it rather than
    `shutil.which`, which the compile checks running in the background also use)."""
    return shutil.which("sccache") is not None


def cargo_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for cargo steps: shared target dir, sccache if available, no colour."""
    env = dict(os.environ if environ is None else environ)
    env["CARGO_TARGET_DIR"] = str(target_dir(env))
    env["CARGO_TERM_COLOR"] = "never"
    # Every build here starts from scratch or finds its crate unchanged: incremental state
    # would only be written, never used. Line tables keep file:line in panics and backtraces
    # at a fraction of full debug info's compile and link time.
    env.setdefault("CARGO_INCREMENTAL", "0")
    env.setdefault("CARGO_PROFILE_DEV_DEBUG", "line-tables-only")
    if use_sccache(env):
        env["RUSTC_WRAPPER"] = "sccache"
    return env


def run_step(
    project: Path,
    step: CargoStep,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> StepResult:
    """Run `step` in `project`; never raises for a failing step, only reports it."""
    environment = cargo_env() if env is None else dict(env)
    environment.update(step.env)
    started = time.monotonic()
    try:
        completed = subprocess.run(
            step.command,
            cwd=project,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.output
        text = output.decode(errors="replace") if isinstance(output, bytes) else output or ""
        return StepResult(step, project, -1, f"{text}\n[timed out after {timeout:.0f}s]", timeout)
    seconds = time.monotonic() - started
    return StepResult(step, project, completed.returncode, completed.stdout, seconds)


def run_steps(
    project: Path,
    steps: Sequence[CargoStep] = CARGO_STEPS,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> list[StepResult]:
    """Run `steps` in order, stopping at the first that fails; return the results so far."""
    results: list[StepResult] = []
    for step in sequence(steps):
        result = run_step(project, step, env=env, timeout=timeout)
        results.append(result)
        if not result.ok:
            break
    return results
