"""A project made by `rust-api new` takes the next release with copier update, keeping the
team's edits: through the real `copier` command line, and through `rust-api update`.

The upstream is a local git repository of today's template tagged with the package's own
release (`v<version>`, what `rust-api new` records), and a newer patch release after it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from typer.testing import CliRunner

from copier_rust_api import release, vcs
from copier_rust_api.cli import app
from releases import (
    ADDED_FILE,
    REWORDED_CONFIG_HEADER,
    TemplateRepo,
    commit_all,
    upstream_of_this_release,
)

TEAM_POOL_LINE = "  max_connections: 32  # the platform team's pool size"


@pytest.fixture(scope="module")
def upstream(template_root: Path, tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    return upstream_of_this_release(
        template_root, tmp_path_factory.mktemp("upstream") / "copier-rust-api", release.tag()
    )


@pytest.fixture
def cli() -> Iterator[CliRunner]:
    with create_app_session():
        yield CliRunner()


def answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def new_project_with_a_team_edit(cli: CliRunner, upstream: TemplateRepo, project: Path) -> Path:
    """`rust-api new --src <upstream>`, committed, then a team edit, committed."""
    result = cli.invoke(app, ["new", str(project), "--defaults", "--src", str(upstream.path)])
    assert result.exit_code == 0, result.output
    assert answers(project)["_src_path"] == str(upstream.path)
    assert answers(project)["_commit"] == upstream.old == release.tag()
    commit_all(project, "Generated from copier-rust-api")
    config = project / "config" / "base.yaml"
    text, count = re.subn(
        r"(?m)^  max_connections: \d+$", TEAM_POOL_LINE, config.read_text(encoding="utf-8")
    )
    assert count == 1
    config.write_text(text, encoding="utf-8")
    commit_all(project, "Team edit: pool size")
    return project


def assert_updated_keeping_the_edit(project: Path, upstream: TemplateRepo) -> None:
    config = (project / "config" / "base.yaml").read_text(encoding="utf-8")
    assert TEAM_POOL_LINE in config.splitlines(), "the team's edit was lost"
    assert config.splitlines()[0] == REWORDED_CONFIG_HEADER, "the release's change is missing"
    assert (project / ADDED_FILE).is_file()
    assert "<<<<<<<" not in config
    assert answers(project)["_commit"] == upstream.new
    assert answers(project)["_src_path"] == str(upstream.path)
    assert not [change for change in vcs.status(project) if change.unmerged]


def test_copier_update_takes_the_next_release_into_a_rust_api_new_project(
    cli: CliRunner, upstream: TemplateRepo, tmp_path: Path
) -> None:
    project = new_project_with_a_team_edit(cli, upstream, tmp_path / "api")
    # The real copier command line, in the project, as a user runs it (--defaults: keep the
    # recorded answers without asking, as there is no terminal here).
    result = subprocess.run(
        [sys.executable, "-m", "copier", "update", "--trust", "--defaults"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert_updated_keeping_the_edit(project, upstream)


def test_rust_api_update_takes_the_next_release_into_a_rust_api_new_project(
    cli: CliRunner, upstream: TemplateRepo, tmp_path: Path
) -> None:
    project = new_project_with_a_team_edit(cli, upstream, tmp_path / "api")
    result = cli.invoke(app, ["update", str(project), "--defaults"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"template {upstream.old} -> {upstream.new}" in result.stdout
    assert "No conflicts" in result.stdout
    assert_updated_keeping_the_edit(project, upstream)
