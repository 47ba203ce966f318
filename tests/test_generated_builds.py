"""Every distinct Rust project the template can produce passes its own fmt, clippy and tests.

Slow: compiles each variant. Deselect with `-m "not cargo"`. All variants share one cargo target
directory outside the repository ($RUST_API_TARGET_DIR, default ~/.cache/copier-rust-api/target)
and sccache when it is installed (unless $RUST_API_NO_SCCACHE is set).

The checks start in the background when the session starts (`conftest.compile_checks`), with the
engine of `rust-api verify`: the projects compile while the fast tests run, and one variant's
tests run while the next one compiles. Each test here waits for its variant and step.
"""

from __future__ import annotations

import pytest

from compiling import CompileChecks
from copier_rust_api import matrix
from copier_rust_api.checks import CARGO_STEPS, CargoStep
from copier_rust_api.matrix import Variant

COMPILE_VARIANTS = list(matrix.compile_variants())

# No skip when cargo is missing: a machine that cannot compile the variants must fail loudly.
pytestmark = pytest.mark.cargo


@pytest.mark.parametrize("variant", COMPILE_VARIANTS, ids=[v.slug for v in COMPILE_VARIANTS])
@pytest.mark.parametrize("step", CARGO_STEPS, ids=[step.name for step in CARGO_STEPS])
def test_the_generated_project_passes_its_own_checks(
    compile_checks: CompileChecks, variant: Variant, step: CargoStep
) -> None:
    report = compile_checks.report(variant)
    assert report.render_error is None, f"rendering {variant.slug} failed: {report.render_error}"
    result = report.result_of(step)
    if result is None:
        failed = next(result for result in report.results if not result.ok)
        pytest.fail(f"{step.name} did not run: {failed.step.name} failed first")
    assert result.ok, result.summary()
