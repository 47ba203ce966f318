"""Every combination of answers renders a clean project holding exactly the files it calls for.

Each combination is rendered once per session (the `rendered` cache); every check below is its
own test so a failure names both the combination and the property that broke.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from copier_rust_api import matrix
from copier_rust_api.matrix import Variant
from copier_rust_api.render import render

VARIANTS = list(matrix.variants())
Answers = Mapping[str, Any]


def by_slug(variants: list[Variant]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("variant", variants, ids=[v.slug for v in variants])


every_combination = by_slug(VARIANTS)
with_docker = by_slug([v for v in VARIANTS if v.answers["docker"] is True])
with_github_ci = by_slug([v for v in VARIANTS if v.answers["ci"] == "github"])


@pytest.fixture
def project(variant: Variant, rendered: Callable[[Variant], Path]) -> Path:
    return rendered(variant)


def files(project: Path) -> Iterator[Path]:
    """Every file of the rendered project, as paths relative to it."""
    for path in sorted(project.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(project).parts[:1]:
            yield path.relative_to(project)


# --- how the template is rendered ---------------------------------------------------------------


def tree(project: Path) -> dict[str, bytes]:
    """Every file of a project with its content, the answers file excepted (it names the source)."""
    return {
        str(path): (project / path).read_bytes()
        for path in files(project)
        if path.name != ".copier-answers.yml"
    }


def test_the_git_checkout_at_head_renders_the_same_tree_as_the_snapshot(
    template_root: Path,
    template_snapshot: Path,
    vcs_ref: str | None,
    tmp_path: Path,
) -> None:
    defaults = matrix.defaults()
    from_snapshot = render(tmp_path / "snapshot", defaults, template=template_snapshot)
    copier.run_copy(
        str(template_root),
        tmp_path / "checkout",
        data=defaults,
        vcs_ref=vcs_ref,
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    assert tree(tmp_path / "checkout") == tree(from_snapshot)


# --- the files each answer calls for ----------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """All of `paths` exist when `applies(answers)`; otherwise none of `absent` (or `paths`)."""

    name: str
    applies: Callable[[Answers], bool]
    paths: tuple[str, ...]
    absent: tuple[str, ...] = ()

    @property
    def absent_when_off(self) -> tuple[str, ...]:
        return self.absent or self.paths


RULES = (
    Rule(
        "docker",
        lambda a: a["docker"] is True,
        paths=("Dockerfile", ".dockerignore", "compose.yaml"),
    ),
    Rule(
        "ci=github",
        lambda a: a["ci"] == "github",
        paths=(".github/workflows/ci.yml",),
        absent=(".github",),
    ),
    Rule(
        "license",
        lambda a: a["license"] != "none",
        paths=("LICENSE",),
    ),
    Rule(
        "auth=jwt",
        lambda a: a["auth"] == "jwt",
        paths=(
            "src/auth",
            "src/services/auth.rs",
            "src/routes/auth.rs",
            "src/middleware/auth.rs",
            "tests/api/auth.rs",
        ),
    ),
    Rule(
        "metrics",
        lambda a: a["metrics"] is True,
        paths=("src/routes/metrics.rs", "src/middleware/metrics.rs", "tests/api/metrics.rs"),
    ),
)

ALWAYS_PRESENT = (
    "Cargo.toml",
    "src/main.rs",
    "src/lib.rs",
    "src/config.rs",
    "src/error.rs",
    "src/startup.rs",
    "config/base.yaml",
    "config/local.yaml",
    "config/production.yaml",
    "README.md",
    ".gitignore",
    ".env.example",
    ".copier-answers.yml",
    "migrations",
)


@every_combination
def test_the_files_every_project_has_are_there(project: Path) -> None:
    missing = [path for path in ALWAYS_PRESENT if not (project / path).exists()]
    assert not missing, f"missing: {missing}"


@every_combination
@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_conditional_files_follow_the_answers(variant: Variant, project: Path, rule: Rule) -> None:
    if rule.applies(variant.answers):
        missing = [path for path in rule.paths if not (project / path).exists()]
        assert not missing, f"{rule.name} is on, yet these are missing: {missing}"
    else:
        extra = [path for path in rule.absent_when_off if (project / path).exists()]
        assert not extra, f"{rule.name} is off, yet these exist: {extra}"


# --- no template syntax left behind -----------------------------------------------------------

# `${{ ... }}` is GitHub Actions syntax and `{{` / `}}` escape braces in Rust format strings, so
# an opening `{{` counts only when it is not preceded by `$` or `{` and reads like a Jinja
# expression (`{{ name`, `{{- name`). Jinja statements and comments count anywhere.
JINJA_LEFTOVER = re.compile(r"(?<![${])\{\{-?\s*[A-Za-z_]|\{%|\{#|\.jinja\b")
PATH_LEFTOVER = re.compile(r"\{\{|\{%|\{#|\.jinja$")


@every_combination
def test_no_template_syntax_is_left_in_file_names(project: Path) -> None:
    leftovers = [
        str(path)
        for path in project.rglob("*")
        if PATH_LEFTOVER.search(path.name) and ".git" not in path.relative_to(project).parts
    ]
    assert not leftovers, f"unrendered names: {leftovers}"


@every_combination
def test_no_template_syntax_is_left_in_file_contents(project: Path) -> None:
    leftovers = []
    for path in files(project):
        text = (project / path).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if JINJA_LEFTOVER.search(line):
                leftovers.append(f"{path}:{number}: {line.strip()}")
    assert not leftovers, "template syntax left behind:\n" + "\n".join(leftovers)


# --- the files parse ----------------------------------------------------------------------------


@every_combination
def test_every_toml_file_parses(project: Path) -> None:
    for path in files(project):
        if path.suffix == ".toml":
            try:
                tomllib.loads((project / path).read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                pytest.fail(f"{path}: {error}")


@every_combination
def test_every_yaml_file_parses(project: Path) -> None:
    for path in files(project):
        if path.suffix in {".yaml", ".yml"}:
            try:
                list(yaml.safe_load_all((project / path).read_text(encoding="utf-8")))
            except yaml.YAMLError as error:
                pytest.fail(f"{path}: {error}")


def recorded_answers(project: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), ".copier-answers.yml does not hold a mapping"
    return loaded


@every_combination
def test_the_answers_file_records_the_answers(variant: Variant, project: Path) -> None:
    recorded = recorded_answers(project)
    differing = {
        key: (value, recorded.get(key))
        for key, value in variant.answers.items()
        if recorded.get(key) != value
    }
    assert not differing, f"answer: (given, recorded): {differing}"
    assert "_src_path" in recorded
    assert "crate_name" in recorded, "the derived crate_name is recorded too"


@every_combination
def test_the_package_is_named_after_the_crate_name(project: Path) -> None:
    cargo = tomllib.loads((project / "Cargo.toml").read_text(encoding="utf-8"))
    assert cargo["package"]["name"] == recorded_answers(project)["crate_name"]


# --- linters the generated project's own CI would run -----------------------------------------


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"`{tool}` is not on PATH; install the test extra: pip install '.[test]'")
    return found


@every_combination
def test_rust_files_are_rustfmt_clean(project: Path) -> None:
    sources = [
        str(path)
        for path in files(project)
        if path.suffix == ".rs" and path.parts[0] in {"src", "tests"}
    ]
    assert sources, "no Rust sources rendered"
    result = run(
        [require("rustfmt"), "--check", "--color", "never", "--edition", "2024", *sources], project
    )
    assert result.returncode == 0, f"rustfmt --check:\n{result.stdout}{result.stderr}"


@with_docker
def test_the_dockerfile_passes_hadolint(project: Path) -> None:
    result = run([require("hadolint"), "--no-color", "Dockerfile"], project)
    assert result.returncode == 0, f"hadolint Dockerfile:\n{result.stdout}{result.stderr}"


@with_github_ci
def test_the_github_workflow_passes_actionlint(project: Path) -> None:
    workflows = sorted(str(p) for p in files(project) if p.parts[:2] == (".github", "workflows"))
    result = run([require("actionlint"), "-no-color", *workflows], project)
    assert result.returncode == 0, f"actionlint:\n{result.stdout}{result.stderr}"
