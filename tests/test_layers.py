"""Layering of the generated code: only the HTTP layer knows the web framework, and only the
repositories know the data library.

Services, models, repositories and the error type import no framework type in any variant, and
they are the same text whichever framework is chosen. Everything but the repositories, the
migrations, Cargo.toml and the library's own files is the same text whichever data library is
chosen, the integration tests included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from copier_rust_api import matrix
from copier_rust_api.matrix import Variant
from copier_rust_api.render import render

RenderCache = Callable[[Variant], Path]

# metrics adds files to the HTTP layer only; every framework x database x auth is covered.
COMPILE_VARIANTS = [v for v in matrix.compile_variants() if v.answers["metrics"]]
AXUM = [v for v in COMPILE_VARIANTS if v.answers["framework"] == "axum"]
SQLX = [v for v in COMPILE_VARIANTS if v.answers["db_library"] == "sqlx"]

# The Rust files that may differ by data library (DESIGN §4), as path prefixes: the repositories,
# and the test binary's module list, which adds the Diesel-only schema.rs drift test. Every other
# source and test file is the same text in both libraries (migrations, Cargo.toml and the
# library's own files such as .sqlx/ or diesel.toml differ too, but hold no Rust).
LIBRARY_OWN = ("src/repositories/", "tests/api/main.rs", "tests/api/schema.rs")
SHARED_BY_LIBRARIES = ("src/", "tests/")

# The layers below the HTTP layer (DESIGN §4), as paths under src/.
FRAMEWORK_FREE = ("models", "services", "repositories", "auth", "error.rs", "openapi.rs")
FRAMEWORK_CRATES = re.compile(
    r"\b(axum|actix_web|actix_cors|tower|tower_http|utoipa_axum|utoipa_actix_web)\b"
)


@pytest.fixture(scope="module")
def rendered(template_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> RenderCache:
    """`rendered(variant)`: the variant rendered from the template snapshot, once per module."""
    base = tmp_path_factory.mktemp("layers")
    done: dict[str, Path] = {}

    def render_once(variant: Variant) -> Path:
        if variant.slug not in done:
            done[variant.slug] = render(
                base / variant.slug, variant.answers, template=template_snapshot
            )
        return done[variant.slug]

    return render_once


def framework_free_files(project: Path) -> list[Path]:
    files: list[Path] = []
    for part in FRAMEWORK_FREE:
        path = project / "src" / part
        files.extend(
            sorted(path.rglob("*.rs")) if path.is_dir() else [path] if path.exists() else []
        )
    return files


@pytest.mark.parametrize("variant", COMPILE_VARIANTS, ids=[v.slug for v in COMPILE_VARIANTS])
def test_only_the_http_layer_names_the_framework(rendered: RenderCache, variant: Variant) -> None:
    project = rendered(variant)
    files = framework_free_files(project)
    assert any(f.parent.name == "services" for f in files)
    offenders = {
        str(f.relative_to(project)): sorted(set(FRAMEWORK_CRATES.findall(f.read_text())))
        for f in files
        if FRAMEWORK_CRATES.search(f.read_text())
    }
    assert offenders == {}


@pytest.mark.parametrize("variant", AXUM, ids=[v.slug.removeprefix("axum-") for v in AXUM])
def test_the_layers_below_http_are_the_same_text_in_both_frameworks(
    rendered: RenderCache, variant: Variant
) -> None:
    actix = next(
        v for v in COMPILE_VARIANTS if v.answers == {**variant.answers, "framework": "actix-web"}
    )
    axum_project, actix_project = rendered(variant), rendered(actix)
    axum_files = {
        f.relative_to(axum_project): f.read_text() for f in framework_free_files(axum_project)
    }
    actix_files = {
        f.relative_to(actix_project): f.read_text() for f in framework_free_files(actix_project)
    }
    assert axum_files == actix_files


def library_shared_files(project: Path) -> dict[str, str]:
    """The Rust sources and tests that must not depend on the data library, by path."""
    files = {}
    for path in sorted(project.rglob("*.rs")):
        relative = path.relative_to(project).as_posix()
        if relative.startswith(SHARED_BY_LIBRARIES) and not relative.startswith(LIBRARY_OWN):
            files[relative] = path.read_text()
    return files


@pytest.mark.parametrize("variant", SQLX, ids=[v.slug for v in SQLX])
def test_only_the_repositories_differ_between_sqlx_and_diesel(
    rendered: RenderCache, variant: Variant
) -> None:
    diesel = next(
        v for v in COMPILE_VARIANTS if v.answers == {**variant.answers, "db_library": "diesel"}
    )
    sqlx_files = library_shared_files(rendered(variant))
    diesel_files = library_shared_files(rendered(diesel))
    assert "tests/api/database.rs" in sqlx_files
    assert sorted(sqlx_files) == sorted(diesel_files)
    differing = [path for path in sqlx_files if sqlx_files[path] != diesel_files[path]]
    assert differing == []


# A path that `env!` bakes into a binary is where the project was when it was compiled. Cargo
# keeps a moved project's build fresh (its fingerprints are relative to the package), so a test
# that opens such a path after `mv my-api elsewhere`, or in a second checkout sharing the target
# dir, opens a directory that is gone. Files are reached from the package root at run time.
BAKED_PATH = re.compile(r'\benv!\(\s*"CARGO_MANIFEST_DIR"\s*\)')


@pytest.mark.parametrize("variant", COMPILE_VARIANTS, ids=[v.slug for v in COMPILE_VARIANTS])
def test_no_code_opens_a_path_baked_in_at_compile_time(
    rendered: RenderCache, variant: Variant
) -> None:
    project = rendered(variant)
    offenders = [
        str(f.relative_to(project))
        for f in sorted(project.rglob("*.rs"))
        if BAKED_PATH.search(f.read_text())
    ]
    assert offenders == []
