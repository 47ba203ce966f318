"""`rust-api new` renders a project, or refuses bad answers cleanly and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from copier_rust_api import paths
from copier_rust_api.cli import app


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def test_new_with_defaults_renders_a_project_and_prints_next_steps(
    cli: CliRunner, tmp_path: Path
) -> None:
    dst = tmp_path / "my-api"
    result = cli.invoke(app, ["new", str(dst), "--defaults"])
    assert result.exit_code == 0, result.output
    assert (dst / "Cargo.toml").is_file()
    assert "Next steps" in result.stdout
    assert f"cd {dst}" in result.stdout
    assert "cargo run" in result.stdout
    assert "cargo test" in result.stdout


def test_options_become_answers(cli: CliRunner, tmp_path: Path) -> None:
    dst = tmp_path / "orders"
    result = cli.invoke(
        app,
        [
            "new",
            str(dst),
            "--defaults",
            "--project-name",
            "Orders",
            "--crate-name",
            "orders_api",
            "--port",
            "9090",
            "--auth",
            "none",
            "--no-metrics",
            "--no-docker",
            "--ci",
            "none",
            "--license",
            "none",
        ],
    )
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((dst / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_name"] == "Orders"
    assert answers["crate_name"] == "orders_api"
    assert answers["port"] == 9090
    assert answers["auth"] == "none"
    assert answers["metrics"] is False
    assert answers["docker"] is False
    assert not (dst / "Dockerfile").exists()
    assert "http://127.0.0.1:9090" in result.stdout


@pytest.mark.parametrize(
    ("option", "message"),
    [
        pytest.param(["--crate-name", "fn"], "is a Rust keyword", id="keyword-crate-name"),
        pytest.param(["--port", "70000"], "port must be between 1 and 65535", id="port-70000"),
        pytest.param(["--auth", "oauth"], "Invalid choice for 'auth'", id="unknown-auth"),
    ],
)
def test_a_refused_answer_exits_non_zero_with_a_message_and_writes_nothing(
    cli: CliRunner, tmp_path: Path, option: list[str], message: str
) -> None:
    dst = tmp_path / "bad"
    result = cli.invoke(app, ["new", str(dst), "--defaults", *option])
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert not dst.exists()


def test_new_refuses_a_directory_that_is_not_empty(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = cli.invoke(app, ["new", str(tmp_path), "--defaults"])
    assert result.exit_code != 0
    assert "not empty" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_without_defaults_and_without_a_terminal_new_says_to_pass_defaults(
    cli: CliRunner, tmp_path: Path
) -> None:
    dst = tmp_path / "asked"
    result = cli.invoke(app, ["new", str(dst)], input="")
    assert result.exit_code != 0
    assert "pass --defaults" in result.stderr
    assert "Traceback" not in result.output
    assert not dst.exists()


def test_help_lists_every_question_as_an_option(cli: CliRunner) -> None:
    result = cli.invoke(app, ["new", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for flag in (
        "--defaults",
        "--project-name",
        "--crate-name",
        "--description",
        "--author",
        "--license",
        "--port",
        "--framework",
        "--database",
        "--db-library",
        "--auth",
        "--metrics",
        "--docker",
        "--ci",
    ):
        assert flag in result.stdout, flag


def test_the_template_root_holds_the_questionnaire() -> None:
    root = paths.template_root()
    assert (root / "copier.yml").is_file()
    assert (root / "extensions").is_dir()
    assert (root / "template").is_dir()
