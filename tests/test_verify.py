"""`rust-api verify`'s engine: which variants it picks, which steps it runs, what it reports.

No Rust is compiled here: the cargo steps are replaced by a recording fake runner. The variants
are rendered for real, from a snapshot of the template.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from copier_rust_api import matrix, verify
from copier_rust_api.checks import CARGO_STEPS, CargoStep, StepResult
from copier_rust_api.matrix import Variant
from copier_rust_api.verify import Filter, Verifier, parse_filters, parse_steps, select

FMT, CLIPPY, TEST = CARGO_STEPS
COMPILE_VARIANTS = list(matrix.compile_variants())
KEYS = COMPILE_VARIANTS[0].answers


def variant(**answers: object) -> Variant:
    """The first compile variant with `answers`."""
    return next(
        v for v in COMPILE_VARIANTS if all(v.answers[k] == value for k, value in answers.items())
    )


def slugs(variants: list[Variant]) -> set[str]:
    return {v.slug for v in variants}


# --- --filter --------------------------------------------------------------------------------


def test_a_filter_without_equals_sign_is_a_slug_substring() -> None:
    chosen = select(COMPILE_VARIANTS, [Filter("postgres")])
    assert chosen
    assert all("postgres" in v.slug for v in chosen)
    assert len(chosen) == len([v for v in COMPILE_VARIANTS if v.answers["database"] == "postgres"])


def test_a_key_value_filter_matches_one_answer() -> None:
    chosen = select(COMPILE_VARIANTS, [Filter("auth=none")])
    assert chosen
    assert all(v.answers["auth"] == "none" for v in chosen)


@pytest.mark.parametrize("spelling", ["false", "no", "off", "0", "FALSE"])
def test_a_bool_answer_matches_the_usual_spellings(spelling: str) -> None:
    chosen = select(COMPILE_VARIANTS, [Filter(f"metrics={spelling}")])
    assert chosen
    assert all(v.answers["metrics"] is False for v in chosen)


def test_filters_on_different_questions_must_all_match() -> None:
    chosen = select(COMPILE_VARIANTS, [Filter("database=sqlite"), Filter("auth=jwt")])
    assert chosen
    assert all(v.answers["database"] == "sqlite" and v.answers["auth"] == "jwt" for v in chosen)


def test_filters_on_the_same_question_are_alternatives() -> None:
    chosen = select(COMPILE_VARIANTS, [Filter("auth=jwt"), Filter("auth=none")])
    assert slugs(chosen) == slugs(COMPILE_VARIANTS)


def test_no_filter_selects_every_compile_variant() -> None:
    assert select(COMPILE_VARIANTS, []) == COMPILE_VARIANTS


def test_a_filter_on_an_unknown_question_is_refused() -> None:
    with pytest.raises(ValueError, match="there is no question 'orm'"):
        parse_filters(["orm=diesel"], KEYS)


# --- --steps ---------------------------------------------------------------------------------


def test_steps_are_taken_in_the_order_given() -> None:
    assert parse_steps("test,fmt") == (TEST, FMT)


def test_the_default_steps_are_fmt_clippy_test() -> None:
    assert parse_steps(",".join(step.name for step in CARGO_STEPS)) == CARGO_STEPS


@pytest.mark.parametrize("text", ["build", "fmt,lint", ""])
def test_an_unknown_step_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="comma-separated list of fmt, clippy, test"):
        parse_steps(text)


# --- running ---------------------------------------------------------------------------------


class FakeCargo:
    """Records every step it is asked to run; fails `fail_step` in projects named `fail_in`."""

    def __init__(self, fail_in: str = "", fail_step: str = "") -> None:
        self.fail_in = fail_in
        self.fail_step = fail_step
        self.ran: list[tuple[str, str]] = []

    def __call__(self, project: Path, step: CargoStep) -> StepResult:
        assert (project / "Cargo.toml").is_file(), "a step ran before the project was rendered"
        self.ran.append((project.name, step.name))
        failed = project.name == self.fail_in and step.name == self.fail_step
        output = "error[E0425]: cannot find value `x` in this scope" if failed else "ok"
        return StepResult(step, project, 101 if failed else 0, output)


@pytest.fixture
def two_variants() -> list[Variant]:
    return [variant(database="sqlite", auth="jwt", metrics=True), variant(auth="none")]


def test_every_step_runs_in_every_variant_in_order(
    tmp_path: Path, template_snapshot: Path, two_variants: list[Variant]
) -> None:
    cargo = FakeCargo()
    reports = Verifier(tmp_path, template=template_snapshot, runner=cargo).run(two_variants)
    assert cargo.ran == [(v.slug, step.name) for v in two_variants for step in CARGO_STEPS]
    assert [r.variant for r in reports] == two_variants
    assert all(r.ok for r in reports)


def test_a_failing_step_fails_its_variant_and_skips_the_later_steps(
    tmp_path: Path, template_snapshot: Path, two_variants: list[Variant]
) -> None:
    broken = two_variants[0].slug
    cargo = FakeCargo(fail_in=broken, fail_step="clippy")
    reports = Verifier(tmp_path, template=template_snapshot, runner=cargo).run(two_variants)
    assert (broken, "test") not in cargo.ran
    failed, passed = reports
    assert not failed.ok
    assert failed.result_of(CLIPPY) is not None
    assert failed.result_of(TEST) is None
    assert failed.failure is not None
    assert "error[E0425]" in failed.failure
    assert passed.ok


def test_only_the_chosen_steps_run(
    tmp_path: Path, template_snapshot: Path, two_variants: list[Variant]
) -> None:
    cargo = FakeCargo()
    Verifier(tmp_path, steps=(FMT,), template=template_snapshot, runner=cargo).run(two_variants)
    assert {step for _, step in cargo.ran} == {"fmt"}


def test_projects_are_removed_afterwards_unless_kept(
    tmp_path: Path, template_snapshot: Path, two_variants: list[Variant]
) -> None:
    Verifier(tmp_path / "gone", template=template_snapshot, runner=FakeCargo()).run(two_variants)
    assert not any((tmp_path / "gone" / v.slug).exists() for v in two_variants)
    kept = Verifier(tmp_path / "kept", keep=True, template=template_snapshot, runner=FakeCargo())
    kept.run(two_variants)
    assert all((tmp_path / "kept" / v.slug / "Cargo.toml").is_file() for v in two_variants)


def test_parallel_jobs_report_in_the_order_given(
    tmp_path: Path, template_snapshot: Path, two_variants: list[Variant]
) -> None:
    cargo = FakeCargo()
    reports = Verifier(tmp_path, template=template_snapshot, runner=cargo).run(two_variants, 2)
    assert [r.variant for r in reports] == two_variants
    assert sorted(cargo.ran) == sorted((v.slug, s.name) for v in two_variants for s in CARGO_STEPS)


def test_every_step_is_reported_to_the_progress_callback_even_when_skipped(
    tmp_path: Path, template_snapshot: Path, two_variants: list[Variant]
) -> None:
    seen: list[tuple[str, str, bool | None]] = []
    verifier = Verifier(
        tmp_path,
        template=template_snapshot,
        runner=FakeCargo(fail_in=two_variants[0].slug, fail_step="fmt"),
        on_step=lambda v, step, result: seen.append(
            (v.slug, step.name, None if result is None else result.ok)
        ),
    )
    verifier.run(two_variants)
    assert seen[:3] == [
        (two_variants[0].slug, "fmt", False),
        (two_variants[0].slug, "clippy", None),
        (two_variants[0].slug, "test", None),
    ]
    assert len(seen) == len(two_variants) * len(CARGO_STEPS)


def test_a_variant_that_fails_to_render_is_reported_not_raised(
    tmp_path: Path,
    template_snapshot: Path,
    two_variants: list[Variant],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_render = verify.render

    def render(dst: Path, answers: dict[str, object], *, template: Path | None = None) -> Path:
        if answers["auth"] == "none":
            raise ValueError("Validation error for question 'auth'")
        return real_render(dst, answers, template=template)

    monkeypatch.setattr(verify, "render", render)
    cargo = FakeCargo()
    reports = Verifier(tmp_path, template=template_snapshot, runner=cargo).run(two_variants)
    assert reports[0].ok
    assert not reports[1].ok
    assert reports[1].results == ()
    assert reports[1].failure is not None
    assert "Validation error for question 'auth'" in reports[1].failure
    assert all(slug != two_variants[1].slug for slug, _ in cargo.ran)


def test_started_checks_render_first_then_run_in_the_background(
    tmp_path: Path, template_snapshot: Path, two_variants: list[Variant]
) -> None:
    cargo = FakeCargo(fail_in=two_variants[1].slug, fail_step="fmt")
    verifier = Verifier(tmp_path, keep=True, template=template_snapshot, runner=cargo)
    futures = verifier.start(two_variants, jobs=2)
    # Every project is on disk when start returns, before any step is waited for.
    assert all((tmp_path / v.slug / "Cargo.toml").is_file() for v in two_variants)
    passed, failed = (futures[v.slug].result() for v in two_variants)
    assert passed.ok
    assert [result.step for result in passed.results] == list(CARGO_STEPS)
    assert not failed.ok
    assert failed.result_of(CLIPPY) is None


def test_a_second_start_leaves_unchanged_files_untouched(
    tmp_path: Path, template_snapshot: Path, two_variants: list[Variant]
) -> None:
    verifier = Verifier(tmp_path, keep=True, template=template_snapshot, runner=FakeCargo())
    [future.result() for future in verifier.start(two_variants, jobs=1).values()]
    manifest = tmp_path / two_variants[0].slug / "Cargo.toml"
    before = manifest.stat().st_mtime_ns
    [future.result() for future in verifier.start(two_variants, jobs=1).values()]
    assert manifest.stat().st_mtime_ns == before


def test_started_checks_need_stable_directories(
    tmp_path: Path, template_snapshot: Path, two_variants: list[Variant]
) -> None:
    with pytest.raises(ValueError, match="keep=True"):
        Verifier(tmp_path, template=template_snapshot, runner=FakeCargo()).start(two_variants, 1)
