"""The OpenAPI contract of every framework x database x auth variant, checked against the server.

Each variant is built (the builds of test_generated_builds.py, reused through the shared target
dir and the stable project directories), started on a fresh database, and fuzzed by schemathesis
with every check, in the examples, coverage, fuzzing and stateful phases: 0 failures. axum and
actix-web must serve the same document for the same answers.

Slow: compiles the variants. Deselect with `-m "not cargo"`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from copier_rust_api import checks, matrix
from copier_rust_api.matrix import Variant
from running import build_binary, canonical, database, openapi_of, serve

pytestmark = pytest.mark.cargo

# Metrics on: the variant whose document has every operation.
SERVED = [v for v in matrix.compile_variants() if v.answers["metrics"]]
# Bounds that keep the 8 runs to a few minutes; the seed makes a failure reproducible.
MAX_EXAMPLES = 40
SEED = 20261129
SCHEMATHESIS_TIMEOUT_S = 600


def schemathesis() -> list[str]:
    """The schemathesis CLI of this interpreter's environment (the `test` extra pins it)."""
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert found, "schemathesis is not installed: pip install -e '.[test]'"
    return [found]


@pytest.fixture(scope="module")
def binaries(template_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each served variant rendered at its stable path, built, and its binary copied aside."""
    scratch = tmp_path_factory.mktemp("binaries")
    built: dict[str, Path] = {}
    for variant in SERVED:
        project = checks.render_for_compiling(
            checks.projects_dir() / variant.slug, variant.answers, template=template_root
        )
        built[variant.slug] = build_binary(project, crate_name(variant), scratch / variant.slug)
    return built


def crate_name(variant: Variant) -> str:
    answers_file = checks.projects_dir() / variant.slug / ".copier-answers.yml"
    found = re.search(r"^crate_name: (\S+)$", answers_file.read_text(), re.MULTILINE)
    assert found, f"no crate_name in {answers_file}"
    return found.group(1)


def counterpart(variant: Variant) -> Variant:
    """The same answers with the other framework."""
    other = "actix-web" if variant.answers["framework"] == "axum" else "axum"
    return next(v for v in SERVED if v.answers == {**variant.answers, "framework": other})


AXUM = [v for v in SERVED if v.answers["framework"] == "axum"]


@pytest.mark.parametrize("variant", AXUM, ids=[v.slug.removeprefix("axum-") for v in AXUM])
def test_axum_and_actix_web_serve_the_same_document(
    binaries: dict[str, Path], variant: Variant
) -> None:
    axum = openapi_of(binaries[variant.slug])
    actix = openapi_of(binaries[counterpart(variant).slug])
    assert str(axum["openapi"]).startswith("3.1.")
    assert canonical(axum) == canonical(actix)


@pytest.mark.parametrize("variant", SERVED, ids=[v.slug for v in SERVED])
def test_schemathesis_finds_no_failure(
    binaries: dict[str, Path], variant: Variant, tmp_path: Path
) -> None:
    project = checks.projects_dir() / variant.slug
    jwt = variant.answers["auth"] == "jwt"
    with (
        database(variant.answers["database"], tmp_path) as url,
        serve(binaries[variant.slug], project, url, tmp_path) as server,
    ):
        headers = ["-H", f"Authorization: Bearer {server.token()}"] if jwt else []
        command = [
            *schemathesis(),
            "run",
            f"{server.url}/openapi.json",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--no-color",
            *headers,
        ]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=SCHEMATHESIS_TIMEOUT_S,
            check=False,
        )
    report = result.stdout + result.stderr
    summary = re.search(r"Test cases:\s*\n\s*(.+)", report)
    print(f"{variant.slug}: {summary.group(1) if summary else 'no summary'}")
    assert result.returncode == 0, f"{report}\n--- server log ---\n{server.log.read_text()}"
