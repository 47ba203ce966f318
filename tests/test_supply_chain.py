"""The generated deny.toml accepts the generated dependency tree: `cargo deny check bans
licenses sources` passes for every distinct Rust project, and for a proprietary one.

Marked `cargo`: cargo-deny reads `cargo metadata`, which resolves (and may download) the crates.
Advisories are left out: they change with the RustSec database, not with the template (the
generated CI runs them; see docs/ci/supply-chain.md).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytest_copie.plugin import Copie

from copier_rust_api import matrix
from copier_rust_api.matrix import Variant
from test_render import tool

PROPRIETARY = Variant(answers={**matrix.defaults(), "license": "none"}, slug="proprietary")
VARIANTS = [*matrix.compile_variants(), PROPRIETARY]


@pytest.mark.cargo
@pytest.mark.parametrize("variant", VARIANTS, ids=[variant.slug for variant in VARIANTS])
def test_the_dependencies_pass_cargo_deny(
    copie: Copie, template_snapshot: Path, variant: Variant
) -> None:
    result = copie.copy(extra_answers=variant.answers, template_dir=template_snapshot)
    assert result.exception is None, result.exception
    assert result.project_dir is not None
    checked = subprocess.run(
        [tool("cargo-deny"), "check", "bans", "licenses", "sources"],
        cwd=result.project_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr[-4000:]
    assert "bans ok, licenses ok, sources ok" in checked.stdout + checked.stderr
