"""`copier update` as a team lives it: a project generated from release v0.1.0, edited and
committed, is updated to v0.2.0.

The team loses nothing it wrote, the template's changes arrive, and where both changed the
same lines the file keeps both versions between conflict markers: never a silent choice. An
untouched project updated equals a fresh copy, also when answers change on the way.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from copier_rust_api import checks, vcs
from copier_rust_api.update import UpdateReport, update_project
from releases import (
    ADDED_FILE,
    BEFORE_DEPLOYMENT,
    NEW,
    REWORDED_CONFIG_HEADER,
    WITH_DEPLOYMENT,
    TemplateRepo,
    commit_all,
    with_legacy_docker_answer,
    with_legacy_metrics_answer,
)

# --- helpers --------------------------------------------------------------------------------


def update(project: Path, **answers: object) -> UpdateReport:
    """`copier update --defaults` to v0.2.0, the way the CLI runs it; `answers` change answers."""
    return update_project(project, vcs_ref=NEW, data=answers, defaults=True)


def edit(path: Path, pattern: str, replacement: str) -> None:
    """Replace the one match of `pattern` (a regex, multiline) in `path`."""
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    assert count == 1, f"{path.name}: expected one match of {pattern!r}, found {count}"
    path.write_text(edited, encoding="utf-8")


def tree(project: Path) -> dict[str, bytes]:
    """Every file of `project` but .git, with the answers file's `_commit` line left out."""
    files = {}
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if relative.parts[0] == ".git" or not path.is_file():
            continue
        content = path.read_bytes()
        if relative.as_posix() == ".copier-answers.yml":
            content = re.sub(rb"(?m)^_commit: .*\n", b"", content)
        files[relative.as_posix()] = content
    return files


def assert_same_tree(actual: Path, expected: Path) -> None:
    mine, theirs = tree(actual), tree(expected)
    assert sorted(mine) == sorted(theirs), "the two trees hold different files"
    differing = [path for path in mine if mine[path] != theirs[path]]
    assert not differing, f"files whose content differs: {differing}"


def answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def conflict_free(project: Path) -> bool:
    text_files = [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts]
    markers = [p for p in text_files if b"<<<<<<< " in p.read_bytes()]
    unmerged = [change.path for change in vcs.status(project) if change.unmerged]
    return not markers and not unmerged


# --- what a team does to its project ---------------------------------------------------------

HEALTH = "src/routes/health.rs"
EXTRA_ROUTE = "src/routes/extra.rs"
LIVE_BODY = "/// The process is up.\n"
TEAM_LIVE_BODY = "/// The process is up: our load balancer asks every second.\n"
TEAM_ROUTE = """use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/ping", get(|| async { "pong" }))
}
"""
TEAM_SERDE_JSON = 'serde_json = { version = "1", features = ["preserve_order"] }'


def make_team_edits(project: Path) -> None:
    """Reword a handler's doc comment, add a route, retune the pool, change a dependency; commit."""
    edit(project / HEALTH, re.escape(LIVE_BODY), TEAM_LIVE_BODY)
    (project / EXTRA_ROUTE).write_text(TEAM_ROUTE, encoding="utf-8")
    edit(project / "src/routes/mod.rs", r"^mod health;$", "mod extra;\nmod health;")
    edit(project / "config/base.yaml", r"^  max_connections: \d+$", "  max_connections: 32")
    edit(project / "Cargo.toml", r'^serde_json = "[^"]+"$', TEAM_SERDE_JSON)
    commit_all(project, "Team changes")


@pytest.fixture(scope="module")
def edited_project(template_repo: TemplateRepo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated from v0.1.0 with the team's edits committed, updated to v0.2.0."""
    project = template_repo.generate(tmp_path_factory.mktemp("edited") / "project")
    make_team_edits(project)
    update(project)
    return project


# --- an edited project ----------------------------------------------------------------------


def test_the_team_edits_survive_the_update(edited_project: Path) -> None:
    assert TEAM_LIVE_BODY in (edited_project / HEALTH).read_text(encoding="utf-8")
    assert LIVE_BODY not in (edited_project / HEALTH).read_text(encoding="utf-8")
    assert (edited_project / EXTRA_ROUTE).read_text(encoding="utf-8") == TEAM_ROUTE
    assert "mod extra;" in (edited_project / "src/routes/mod.rs").read_text(encoding="utf-8")
    config = yaml.safe_load((edited_project / "config/base.yaml").read_text(encoding="utf-8"))
    assert config["database"]["max_connections"] == 32
    assert TEAM_SERDE_JSON in (edited_project / "Cargo.toml").read_text(encoding="utf-8")


def test_the_template_changes_arrive(edited_project: Path) -> None:
    config = (edited_project / "config/base.yaml").read_text(encoding="utf-8")
    assert config.splitlines()[0] == REWORDED_CONFIG_HEADER
    assert (edited_project / ADDED_FILE).is_file()
    assert answers(edited_project)["_commit"] == NEW


def test_edits_away_from_the_template_changes_merge_without_conflict(
    edited_project: Path,
) -> None:
    assert conflict_free(edited_project)


def test_the_update_is_left_uncommitted_for_review(edited_project: Path) -> None:
    changed = {change.path for change in vcs.status(edited_project)}
    assert {"config/base.yaml", ADDED_FILE, ".copier-answers.yml"} <= changed
    assert HEALTH not in changed, "the team's own file was rewritten"


# --- the same lines changed on both sides ----------------------------------------------------

TEAM_CONFIG_HEADER = "# Our settings: owned by the platform team, see docs/config.md."


@pytest.fixture(scope="module")
def conflicting_update(
    template_repo: TemplateRepo, tmp_path_factory: pytest.TempPathFactory
) -> UpdateReport:
    """The team rewrote config/base.yaml's first line; so did release v0.2.0."""
    project = template_repo.generate(tmp_path_factory.mktemp("conflicting") / "project")
    edit(project / "config/base.yaml", r"\A#.*$", TEAM_CONFIG_HEADER)
    commit_all(project, "Our header")
    return update(project)


@pytest.fixture(scope="module")
def conflicting_project(conflicting_update: UpdateReport) -> Path:
    return conflicting_update.project


def test_a_real_conflict_is_marked_inline_with_both_sides(conflicting_project: Path) -> None:
    lines = (conflicting_project / "config/base.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[:5] == [
        "<<<<<<< before updating",
        TEAM_CONFIG_HEADER,
        "=======",
        REWORDED_CONFIG_HEADER,
        ">>>>>>> after updating",
    ]


def test_git_records_the_conflict_as_unmerged(conflicting_project: Path) -> None:
    unmerged = [change.path for change in vcs.status(conflicting_project) if change.unmerged]
    assert unmerged == ["config/base.yaml"]


def test_the_rest_of_the_update_still_arrives_beside_a_conflict(
    conflicting_project: Path,
) -> None:
    assert (conflicting_project / ADDED_FILE).is_file()
    assert answers(conflicting_project)["_commit"] == NEW


def test_the_update_report_names_the_conflicted_file(conflicting_update: UpdateReport) -> None:
    assert conflicting_update.conflicts == ("config/base.yaml",)
    assert "config/base.yaml" in conflicting_update.diff_stat


# --- an untouched project --------------------------------------------------------------------


def test_an_untouched_project_updated_equals_a_fresh_copy(
    template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project")
    update(project)
    assert_same_tree(project, template_repo.copy(tmp_path / "fresh", NEW))


# --- answers changed during the update --------------------------------------------------------

JWT_FILES = ("src/auth", "src/routes/auth.rs", "src/middleware/auth.rs", "tests/api/auth.rs")
METRICS_FILES = ("src/metrics.rs", "src/routes/metrics.rs", "tests/api/metrics.rs")
OPEN_NO_METRICS = {"auth": "none", "metrics": False}
JWT_WITH_METRICS = {"auth": "jwt", "metrics": True}


def test_turning_on_auth_and_metrics_during_an_update_adds_their_files(
    template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project", **OPEN_NO_METRICS)
    assert not any((project / path).exists() for path in (*JWT_FILES, *METRICS_FILES))
    update(project, **JWT_WITH_METRICS)
    missing = [path for path in (*JWT_FILES, *METRICS_FILES) if not (project / path).exists()]
    assert not missing, f"missing after the update: {missing}"
    assert {key: answers(project)[key] for key in JWT_WITH_METRICS} == JWT_WITH_METRICS
    assert_same_tree(project, template_repo.copy(tmp_path / "fresh", NEW, **JWT_WITH_METRICS))


def test_turning_off_auth_and_metrics_during_an_update_removes_their_files(
    template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project", **JWT_WITH_METRICS)
    update(project, **OPEN_NO_METRICS)
    left = [path for path in (*JWT_FILES, *METRICS_FILES) if (project / path).exists()]
    assert not left, f"still there after the update: {left}"
    assert_same_tree(project, template_repo.copy(tmp_path / "fresh", NEW, **OPEN_NO_METRICS))


SQLX_FILES = (".sqlx", ".cargo/config.toml", "migrations/20250101000000_create_users.sql")
DIESEL_FILES = (
    "diesel.toml",
    "src/repositories/schema.rs",
    "tests/api/schema.rs",
    "migrations/20250101000000_create_users/up.sql",
)


def test_switching_to_diesel_during_an_update_equals_a_fresh_diesel_copy(
    template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project")
    assert answers(project)["db_library"] == "sqlx"
    update(project, db_library="diesel")
    left = [path for path in SQLX_FILES if (project / path).exists()]
    assert not left, f"SQLx files still there after the update: {left}"
    missing = [path for path in DIESEL_FILES if not (project / path).exists()]
    assert not missing, f"missing after the update: {missing}"
    assert "sqlx" not in (project / "Cargo.toml").read_text(encoding="utf-8")
    assert_same_tree(project, template_repo.copy(tmp_path / "fresh", NEW, db_library="diesel"))


@pytest.mark.cargo
def test_a_project_updated_to_auth_and_metrics_passes_its_own_checks(
    template_repo: TemplateRepo,
) -> None:
    project = checks.projects_dir() / "updated-none-nometrics-to-jwt-metrics"
    shutil.rmtree(project, ignore_errors=True)
    project.parent.mkdir(parents=True, exist_ok=True)
    template_repo.generate(project, **OPEN_NO_METRICS)
    update(project, **JWT_WITH_METRICS)
    for result in checks.run_steps(project):
        assert result.ok, result.summary()


# --- answers recorded by older template versions (copier.yml `_migrations`) -------------------


@pytest.fixture(scope="module")
def legacy_repo(template_root: Path, tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    """Release 0.1.0 recorded the metrics answer as `use_metrics`; v0.2.0 is today's template."""
    return with_legacy_metrics_answer(template_root, tmp_path_factory.mktemp("legacy-repo"))


def test_an_old_answer_name_is_migrated_and_its_value_kept(
    legacy_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = legacy_repo.generate(tmp_path / "project", use_metrics=False)
    assert answers(project)["use_metrics"] is False
    assert "metrics" not in answers(project)

    update(project)

    assert answers(project)["metrics"] is False
    assert "use_metrics" not in answers(project)
    assert not (project / "src/routes/metrics.rs").exists(), "metrics came back on"
    assert_same_tree(project, legacy_repo.copy(tmp_path / "fresh", NEW, metrics=False))


def test_the_migration_leaves_answers_recorded_under_todays_name_alone(
    template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project", metrics=False)
    update(project)
    assert answers(project)["metrics"] is False
    assert answers(project)["_commit"] == NEW


# --- 0.2.0: the `docker` yes/no became the `deployment` question ------------------------------

DOCKER_FILES = ("Dockerfile", ".dockerignore", "compose.yaml")
TEAM_DOCKERFILE_LINE = 'LABEL org.opencontainers.image.vendor="Our team"'


@pytest.fixture(scope="module")
def docker_repo(template_root: Path, tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    """Release 0.1.0 asked `docker: bool`; 0.2.0 is today's template, asking `deployment`."""
    return with_legacy_docker_answer(template_root, tmp_path_factory.mktemp("docker-repo"))


def update_to_deployment(project: Path) -> UpdateReport:
    return update_project(project, vcs_ref=WITH_DEPLOYMENT, data={}, defaults=True)


def test_a_project_that_chose_docker_updates_to_compose_keeping_its_edits(
    docker_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = docker_repo.generate(tmp_path / "project", ref=BEFORE_DEPLOYMENT, docker=True)
    assert answers(project)["docker"] is True
    assert "deployment" not in answers(project)
    edit(project / "Dockerfile", r"^(EXPOSE .*)$", rf"\1\n{TEAM_DOCKERFILE_LINE}")
    make_team_edits(project)

    report = update_to_deployment(project)

    assert answers(project)["deployment"] == "compose"
    assert "docker" not in answers(project)
    assert answers(project)["_commit"] == WITH_DEPLOYMENT
    assert all((project / path).is_file() for path in DOCKER_FILES)
    assert TEAM_DOCKERFILE_LINE in (project / "Dockerfile").read_text(encoding="utf-8")
    assert TEAM_LIVE_BODY in (project / HEALTH).read_text(encoding="utf-8")
    assert (project / EXTRA_ROUTE).read_text(encoding="utf-8") == TEAM_ROUTE
    assert report.conflicts == ()
    assert conflict_free(project)


def test_an_untouched_docker_project_updated_equals_a_fresh_compose_copy(
    docker_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = docker_repo.generate(tmp_path / "project", ref=BEFORE_DEPLOYMENT, docker=True)
    update_to_deployment(project)
    fresh = docker_repo.copy(tmp_path / "fresh", WITH_DEPLOYMENT, deployment="compose")
    assert_same_tree(project, fresh)


def test_a_project_without_docker_updates_to_no_deployment_and_gets_no_container_files(
    docker_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = docker_repo.generate(tmp_path / "project", ref=BEFORE_DEPLOYMENT, docker=False)
    update_to_deployment(project)
    assert answers(project)["deployment"] == "none"
    assert not any((project / path).exists() for path in DOCKER_FILES), "compose came back"
    assert_same_tree(
        project, docker_repo.copy(tmp_path / "fresh", WITH_DEPLOYMENT, deployment="none")
    )
