"""The compile checks of every distinct variant, started in the background at session start.

`rust-api verify`'s engine renders each variant into its stable directory (beside the shared
cargo target dir) and runs fmt, clippy and test in it, `$RUST_API_JOBS` variants at a time
(default 3). Starting when the session starts lets the compilations overlap the fast tests;
running several variants at once lets one variant's tests (and its wait on the database) run
while the next one compiles, since cargo's target-dir lock lets only one compile at a time.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from copier_rust_api import checks
from copier_rust_api.checks import CargoStep, StepResult
from copier_rust_api.matrix import Variant
from copier_rust_api.verify import VariantReport, Verifier

JOBS_ENV = "RUST_API_JOBS"
DEFAULT_JOBS = 3


def jobs() -> int:
    """How many variants are checked at once: `$RUST_API_JOBS`, else 3."""
    return max(1, int(os.environ.get(JOBS_ENV) or DEFAULT_JOBS))


@dataclass
class CompileChecks:
    """The background checks: a future report per variant slug."""

    futures: dict[str, Future[VariantReport]]
    started: float = field(default_factory=time.monotonic)
    finished: float = 0.0

    def __post_init__(self) -> None:
        for future in self.futures.values():
            future.add_done_callback(self._done)

    def _done(self, _: Future[VariantReport]) -> None:
        self.finished = max(self.finished, time.monotonic())

    @classmethod
    def start(cls, template: Path, variants: list[Variant]) -> CompileChecks:
        started = time.monotonic()
        # The environment is taken now, once: the checks run in threads while other tests
        # monkeypatch os.environ (a PATH without cargo, to test `rust-api doctor`), and a step
        # started during one of those would not find cargo.
        env = checks.cargo_env()
        # The real step runner, likewise: tests of the CLI replace `checks.run_step` with a
        # fake that records its calls, and a step started meanwhile would be faked (reported
        # passing without running) and recorded in the fake's calls.
        run_cargo = checks.run_step

        def run_step(project: Path, step: CargoStep) -> StepResult:
            return run_cargo(project, step, env=env)

        verifier = Verifier(checks.projects_dir(), keep=True, template=template, runner=run_step)
        return cls(verifier.start(variants, jobs()), started)

    def report(self, variant: Variant) -> VariantReport:
        return self.futures[variant.slug].result()

    def wait(self) -> list[VariantReport]:
        """Every report, once all are done (the session's end waits for stragglers)."""
        return [future.result() for future in self.futures.values()]

    def summary(self) -> str:
        """Wall time, and the seconds spent in each step over all variants (for the log)."""
        reports = self.wait()
        by_step: dict[str, float] = {}
        for report in reports:
            for result in report.results:
                by_step[result.step.name] = by_step.get(result.step.name, 0.0) + result.seconds
        steps = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in by_step.items())
        return (
            f"compile checks: {len(reports)} variants, {jobs()} at a time, done "
            f"{self.finished - self.started:.0f} s after the session started; summed over "
            f"the variants (lock waits included): {steps}"
        )
