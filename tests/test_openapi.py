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
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
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
# Runs at once: one per core of a 2-core CI machine.
FUZZ_JOBS = 2


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


@dataclass(frozen=True)
class Fuzzed:
    """What one schemathesis run printed and how it ended, with the server's log."""

    returncode: int
    report: str
    server_log: str


def fuzz(variant: Variant, binary: Path, scratch: Path) -> Fuzzed:
    """Start `binary` on a fresh database and run schemathesis against its document."""
    scratch.mkdir(parents=True)
    project = checks.projects_dir() / variant.slug
    jwt = variant.answers["auth"] == "jwt"
    with (
        database(variant.answers["database"], scratch) as url,
        serve(binary, project, url, scratch) as server,
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
    return Fuzzed(result.returncode, result.stdout + result.stderr, server.log.read_text())


@pytest.fixture(scope="module")
def fuzzing(
    binaries: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Future[Fuzzed]]]:
    """Every served variant's run, FUZZ_JOBS at a time, started in the order the tests read them.

    A run is one schemathesis process and one server, each waiting on the other much of the
    time; by the time these tests run, the compile checks are done and the cores are free.
    """
    scratch = tmp_path_factory.mktemp("fuzz")
    with ThreadPoolExecutor(max_workers=FUZZ_JOBS, thread_name_prefix="schemathesis") as pool:
        yield {v.slug: pool.submit(fuzz, v, binaries[v.slug], scratch / v.slug) for v in SERVED}


@pytest.mark.parametrize("variant", SERVED, ids=[v.slug for v in SERVED])
def test_schemathesis_finds_no_failure(
    fuzzing: dict[str, Future[Fuzzed]], variant: Variant
) -> None:
    fuzzed = fuzzing[variant.slug].result()
    summary = re.search(r"Test cases:\s*\n\s*(.+)", fuzzed.report)
    print(f"{variant.slug}: {summary.group(1) if summary else 'no summary'}")
    assert fuzzed.returncode == 0, f"{fuzzed.report}\n--- server log ---\n{fuzzed.server_log}"
