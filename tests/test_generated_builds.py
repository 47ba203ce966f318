"""Every distinct Rust project the template can produce passes its own fmt, clippy and tests.

Slow: compiles each variant. Deselect with `-m "not cargo"`. All variants share one cargo target
directory outside the repository ($RUST_API_TARGET_DIR, default ~/.cache/copier-rust-api/target)
and sccache when it is installed (unless $RUST_API_NO_SCCACHE is set).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from copier_rust_api import checks, matrix
from copier_rust_api.checks import CARGO_STEPS, CargoStep
from copier_rust_api.matrix import Variant

COMPILE_VARIANTS = list(matrix.compile_variants())

# No skip when cargo is missing: a machine that cannot compile the variants must fail loudly.
pytestmark = pytest.mark.cargo


@pytest.fixture(scope="module")
def projects(template_root: Path) -> dict[str, Path]:
    """Each variant rendered into its stable directory under checks.projects_dir().

    Files whose text did not change keep their mtime, so a variant another test module already
    built (test_openapi.py starts the same builds' servers) is not compiled again.
    """
    base = checks.projects_dir()
    return {
        variant.slug: checks.render_for_compiling(
            base / variant.slug, variant.answers, template=template_root
        )
        for variant in COMPILE_VARIANTS
    }


@pytest.mark.parametrize("variant", COMPILE_VARIANTS, ids=[v.slug for v in COMPILE_VARIANTS])
@pytest.mark.parametrize("step", CARGO_STEPS, ids=[step.name for step in CARGO_STEPS])
def test_the_generated_project_passes_its_own_checks(
    projects: dict[str, Path], variant: Variant, step: CargoStep
) -> None:
    result = checks.run_step(projects[variant.slug], step)
    assert result.ok, result.summary()
