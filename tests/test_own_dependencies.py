"""A generated project builds with its own dependencies alone, as its Dockerfile builds it.

`cargo test` and the linted test build resolve the dependencies' features together with the
dev-dependencies' (reqwest brings hyper-util's `http1`, for one), so a feature the project
uses but only a dev-dependency enables passes every other check and fails
`cargo build --release` in the image. `cargo check --lib --bins` resolves features as that
build does, without the dev-dependencies. Each framework, database and data library together
once, half of them with every optional part on and half with none: the largest dependency
sets and the smallest, where a feature that JWT's or the metrics' crates enable is missing.
Every variant would be complete; each costs 20 to 75 s with its dependencies unchecked (a few
seconds warm), and eight hold the suite's budget.
"""

from __future__ import annotations

import pytest

from compiling import CompileChecks
from copier_rust_api import checks, matrix
from copier_rust_api.matrix import Variant

SLUGS = (
    "axum-sqlite-sqlx-jwt-metrics",
    "axum-postgres-diesel-jwt-metrics",
    "axum-postgres-sqlx-none-nometrics",
    "axum-sqlite-diesel-none-nometrics",
    "actix-web-postgres-sqlx-jwt-metrics",
    "actix-web-sqlite-diesel-jwt-metrics",
    "actix-web-sqlite-sqlx-none-nometrics",
    "actix-web-postgres-diesel-none-nometrics",
)
VARIANTS = [variant for variant in matrix.compile_variants() if variant.slug in SLUGS]
# Features resolved as `cargo build --release` resolves them, without the dev-dependencies.
OWN_BUILD = checks.CargoStep("build without dev-dependencies", ("check", "--lib", "--bins"))

pytestmark = pytest.mark.cargo


def test_the_chosen_variants_exist() -> None:
    assert sorted(variant.slug for variant in VARIANTS) == sorted(SLUGS)


def stack(variant: Variant) -> tuple[str, str, str]:
    return (
        variant.answers["framework"],
        variant.answers["database"],
        variant.answers["db_library"],
    )


def test_they_take_each_framework_database_and_library_once_half_with_every_part() -> None:
    assert sorted(map(stack, VARIANTS)) == sorted({stack(v) for v in matrix.compile_variants()})
    parts = sorted((variant.answers["auth"], variant.answers["metrics"]) for variant in VARIANTS)
    assert parts == sorted([("jwt", True), ("none", False)] * (len(VARIANTS) // 2))


@pytest.mark.parametrize("variant", VARIANTS, ids=[variant.slug for variant in VARIANTS])
def test_the_project_builds_without_its_dev_dependencies(
    compile_checks: CompileChecks, variant: Variant
) -> None:
    # After the variant's own checks: its project is rendered, and the two builds do not
    # queue for the target dir's lock against each other.
    report = compile_checks.report(variant)
    assert report.render_error is None, report.render_error
    result = checks.run_step(checks.projects_dir() / variant.slug, OWN_BUILD)
    assert result.returncode == 0, result.summary()
