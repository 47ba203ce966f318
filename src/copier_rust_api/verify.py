"""Render template variants and run each generated project's own checks (fmt, clippy, test).

The variants come from the matrix engine (`matrix.compile_variants()`, one per distinct Rust
project), the steps from `checks.CARGO_STEPS`, and every project builds into the one shared
cargo target directory of `checks`, exactly as the template's own test suite does.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from copier_rust_api import checks
from copier_rust_api.checks import CARGO_STEPS, CargoStep, StepResult
from copier_rust_api.matrix import Variant
from copier_rust_api.paths import template_root
from copier_rust_api.render import render, snapshot

Runner = Callable[[Path, CargoStep], StepResult]
# Called once per step of every variant: with its result, or None when the step did not run
# (rendering failed, or an earlier step did).
OnStep = Callable[[Variant, CargoStep, StepResult | None], None]

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


# --- choosing variants ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """`key=value` matches one answer; anything else is a substring of the variant's slug."""

    text: str

    @property
    def key(self) -> str | None:
        return self.text.split("=", 1)[0].strip() if "=" in self.text else None

    @property
    def value(self) -> str:
        return self.text.split("=", 1)[1].strip() if "=" in self.text else self.text

    def matches(self, variant: Variant) -> bool:
        if self.key is None:
            return self.text in variant.slug
        return _same(variant.answers.get(self.key), self.value)


def _same(answer: object, wanted: str) -> bool:
    if isinstance(answer, bool):
        return wanted.lower() in (_TRUE if answer else _FALSE)
    return str(answer).lower() == wanted.lower()


def parse_filters(texts: Iterable[str], known_keys: Iterable[str]) -> list[Filter]:
    """`--filter` values as filters; a `key=value` naming no question raises ValueError."""
    keys = set(known_keys)
    filters = [Filter(text) for text in texts if text.strip()]
    for item in filters:
        if item.key is not None and item.key not in keys:
            raise ValueError(
                f"--filter {item.text!r}: there is no question {item.key!r}; "
                f"one of: {', '.join(sorted(keys))}"
            )
    return filters


def select(variants: Iterable[Variant], filters: Sequence[Filter]) -> list[Variant]:
    """The variants every filter group accepts.

    Filters on the same question are alternatives (`auth=jwt` or `auth=none`); filters on
    different questions, and slug substrings, must all match.
    """
    by_key: dict[str | None, list[Filter]] = defaultdict(list)
    for item in filters:
        by_key[item.key].append(item)
    substrings = by_key.pop(None, [])

    def accepted(variant: Variant) -> bool:
        return all(item.matches(variant) for item in substrings) and all(
            any(item.matches(variant) for item in group) for group in by_key.values()
        )

    return [variant for variant in variants if accepted(variant)]


def parse_steps(text: str) -> tuple[CargoStep, ...]:
    """`fmt,clippy,test` as cargo steps, in the order given; unknown names raise ValueError."""
    known = {step.name: step for step in CARGO_STEPS}
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise ValueError(f"--steps {text!r}: expected a comma-separated list of {', '.join(known)}")
    return tuple(dict.fromkeys(known[name] for name in names))


# --- running them -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantReport:
    """How one variant did: each step that ran, the time it all took, or why it did not render."""

    variant: Variant
    project: Path
    results: tuple[StepResult, ...]
    seconds: float
    render_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.render_error is None and all(result.ok for result in self.results)

    def result_of(self, step: CargoStep) -> StepResult | None:
        return next((result for result in self.results if result.step == step), None)

    @property
    def failure(self) -> str | None:
        """What went wrong, for a human: the render error or the failed step's output tail."""
        if self.render_error is not None:
            return f"rendering {self.variant.slug} failed: {self.render_error}"
        failed = next((result for result in self.results if not result.ok), None)
        return None if failed is None else failed.summary()


@dataclass
class Verifier:
    """Renders variants into `workdir/<slug>` and runs `steps` in each.

    With `keep`, each project is rendered into its stable directory, rewriting only the files
    whose text changed: cargo then finds an unchanged project already built in the shared target
    dir, so a second run only runs the tests. Without it, projects are rendered fresh and
    removed afterwards.
    """

    workdir: Path
    steps: Sequence[CargoStep] = CARGO_STEPS
    keep: bool = False
    template: Path | None = None
    runner: Runner | None = None
    on_step: OnStep | None = None

    def __post_init__(self) -> None:
        # copier renders through process-wide state (the working directory, Jinja extension
        # loading): one render at a time, while the cargo steps run in parallel.
        self._render_lock = threading.Lock()

    def run(self, variants: Sequence[Variant], jobs: int = 1) -> list[VariantReport]:
        """Verify `variants`, `jobs` at a time; the reports come back in the given order."""
        with tempfile.TemporaryDirectory(prefix="rust-api-template-") as scratch:
            # A plain copy of the template renders without a git clone per variant, and every
            # variant sees the same template even if it is edited meanwhile.
            source = snapshot(self.template or template_root(), Path(scratch) / "template")
            if jobs <= 1:
                return [self._verify(variant, source) for variant in variants]
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                return list(pool.map(lambda variant: self._verify(variant, source), variants))

    def start(self, variants: Sequence[Variant], jobs: int) -> dict[str, Future[VariantReport]]:
        """Render every variant now (in `jobs` processes), then check them in the background.

        Returns at once with a future per variant slug. Rendering finishes before this returns,
        so the caller may render other projects meanwhile; the cargo steps run `jobs` variants
        at a time: cargo's target-dir lock serialises their compilations, and one variant's
        tests run while the next one compiles. Needs `keep` (the projects must outlive it).
        """
        if not self.keep:
            raise ValueError("Verifier.start renders into stable directories: set keep=True")
        with tempfile.TemporaryDirectory(prefix="rust-api-template-") as scratch:
            source = snapshot(self.template or template_root(), Path(scratch) / "template")
            with ProcessPoolExecutor(max_workers=jobs) as renderers:
                rendered = {
                    variant.slug: renderers.submit(
                        checks.render_for_compiling,
                        self.workdir / variant.slug,
                        variant.answers,
                        template=source,
                    )
                    for variant in variants
                }
                errors = {slug: job.exception() for slug, job in rendered.items()}
        pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="verify")
        futures = {
            variant.slug: pool.submit(self._check_rendered, variant, errors[variant.slug])
            for variant in variants
        }
        pool.shutdown(wait=False)
        return futures

    def _check_rendered(
        self, variant: Variant, render_error: BaseException | None
    ) -> VariantReport:
        project = self.workdir / variant.slug
        started = time.monotonic()
        if render_error is not None:
            for step in self.steps:
                self._notify(variant, step, None)
            error = f"{type(render_error).__name__}: {render_error}"
            return VariantReport(variant, project, (), time.monotonic() - started, error)
        results = self._run_steps(variant, project)
        return VariantReport(variant, project, tuple(results), time.monotonic() - started)

    def _verify(self, variant: Variant, source: Path) -> VariantReport:
        project = self.workdir / variant.slug
        started = time.monotonic()
        try:
            self._render(variant, source, project)
        except Exception as error:  # any render failure is this variant's result, not a crash
            for step in self.steps:
                self._notify(variant, step, None)
            seconds = time.monotonic() - started
            return VariantReport(variant, project, (), seconds, f"{type(error).__name__}: {error}")
        try:
            results = self._run_steps(variant, project)
        finally:
            if not self.keep:
                shutil.rmtree(project, ignore_errors=True)
        return VariantReport(variant, project, tuple(results), time.monotonic() - started)

    def _render(self, variant: Variant, source: Path, project: Path) -> None:
        with self._render_lock:
            if self.keep:
                checks.render_for_compiling(project, variant.answers, template=source)
            else:
                shutil.rmtree(project, ignore_errors=True)
                render(project, variant.answers, template=source)

    def _run_steps(self, variant: Variant, project: Path) -> list[StepResult]:
        # Looked up at call time, so a replaced `checks.run_step` is the one used.
        runner = self.runner or checks.run_step
        results: list[StepResult] = []
        for step in checks.sequence(self.steps):
            if results and not results[-1].ok:
                self._notify(variant, step, None)
                continue
            result = runner(project, step)
            results.append(result)
            self._notify(variant, step, result)
        return results

    def _notify(self, variant: Variant, step: CargoStep, result: StepResult | None) -> None:
        if self.on_step is not None:
            self.on_step(variant, step, result)
