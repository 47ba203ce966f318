"""The `rust-api` command line: new, update, matrix, verify and doctor.

Each command is a thin shell: the work is done in render, update, matrix, verify and doctor,
and views turns the results into rich tables.
"""

from __future__ import annotations

import shlex
import warnings
from functools import partial
from pathlib import Path
from typing import Annotated, Any, NoReturn

import jinja2
import typer
import yaml
from copier.errors import (
    CopierAnswersInterrupt,
    CopierError,
    DirtyLocalWarning,
    InteractiveSessionError,
)
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from copier_rust_api import checks, doctor, matrix, views
from copier_rust_api.checks import CargoStep, StepResult
from copier_rust_api.render import render
from copier_rust_api.update import ANSWERS_FILE, NotUpdatable, UpdateReport, update_project
from copier_rust_api.verify import Verifier, parse_filters, parse_steps, select

app = typer.Typer(
    name="rust-api",
    help="Render, update and verify Rust API projects made from the copier-rust-api template.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


def _questions() -> dict[str, matrix.Question]:
    try:
        return {q.name: q for q in matrix.load_questions()}
    except OSError:  # template missing: options still work, without the help text
        return {}


QUESTIONS = _questions()


def _help(name: str) -> str:
    """Option help from copier.yml: the question's help, its choices and default."""
    question = QUESTIONS.get(name)
    if question is None:
        return ""
    text = question.help
    if question.choices:
        text += f" [one of: {', '.join(str(choice) for choice in question.choices)}]"
    if question.default is not None and not question.derived and question.type != "bool":
        text += f" [default: {question.default}]"
    return text


@app.callback()
def main() -> None:
    """Render, update and verify Rust API projects made from the copier-rust-api template."""


@app.command()
def new(
    path: Annotated[Path, typer.Argument(help="Directory to create the project in.")],
    defaults: Annotated[
        bool,
        typer.Option("--defaults", help="Take the default for every question not given below."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Render into PATH even if it is not empty.")
    ] = False,
    project_name: Annotated[str | None, typer.Option(help=_help("project_name"))] = None,
    crate_name: Annotated[str | None, typer.Option(help=_help("crate_name"))] = None,
    description: Annotated[str | None, typer.Option(help=_help("description"))] = None,
    author: Annotated[str | None, typer.Option(help=_help("author"))] = None,
    license: Annotated[str | None, typer.Option(help=_help("license"))] = None,
    port: Annotated[int | None, typer.Option(help=_help("port"))] = None,
    framework: Annotated[str | None, typer.Option(help=_help("framework"))] = None,
    database: Annotated[str | None, typer.Option(help=_help("database"))] = None,
    db_library: Annotated[str | None, typer.Option(help=_help("db_library"))] = None,
    auth: Annotated[str | None, typer.Option(help=_help("auth"))] = None,
    metrics: Annotated[
        bool | None, typer.Option("--metrics/--no-metrics", help=_help("metrics"))
    ] = None,
    deployment: Annotated[str | None, typer.Option(help=_help("deployment"))] = None,
    ci: Annotated[str | None, typer.Option(help=_help("ci"))] = None,
) -> None:
    """Create a new Rust API project in PATH.

    Questions not answered by an option are asked interactively, unless --defaults is given.
    """
    given = {
        "project_name": project_name,
        "crate_name": crate_name,
        "description": description,
        "author": author,
        "license": license,
        "port": port,
        "framework": framework,
        "database": database,
        "db_library": db_library,
        "auth": auth,
        "metrics": metrics,
        "deployment": deployment,
        "ci": ci,
    }
    answers = {key: value for key, value in given.items() if value is not None}
    if path.exists() and not path.is_dir():
        _fail(f"{path} exists and is not a directory.")
    was_empty = not _has_files(path)
    if not was_empty and not force:
        _fail(f"{path} exists and is not empty; pick a new directory or pass --force.")
    written = partial(_what_was_written, path, was_empty=was_empty)
    try:
        with warnings.catch_warnings():
            # A dev checkout renders its working tree on purpose, uncommitted edits included.
            warnings.simplefilter("ignore", DirtyLocalWarning)
            render(path, answers, defaults=defaults)
    except CopierAnswersInterrupt:
        _fail(f"Aborted. {written()}")
    except InteractiveSessionError:
        _fail(
            "No terminal to ask the remaining questions on: pass --defaults, and options such "
            f"as --crate-name for the answers you want to set. {written()}"
        )
    except (ValueError, CopierError) as error:
        _fail(f"{error}\n{written()}")
    except jinja2.TemplateError as error:
        _fail(
            f"The template failed to render ({type(error).__name__}: {error}); this is a bug "
            f"in the template, please report it. {written()}"
        )
    _print_next_steps(path)


def _has_files(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def _what_was_written(path: Path, *, was_empty: bool) -> str:
    if not _has_files(path):
        return "Nothing was written."
    if was_empty:
        return f"{path} may hold a partial project."
    return f"Files in {path} may have been overwritten."


def _fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code=1)


def _recorded_answers(project: Path) -> dict[str, Any]:
    answers_file = project / ".copier-answers.yml"
    try:
        loaded = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _print_next_steps(project: Path) -> None:
    answers = _recorded_answers(project)
    name = answers.get("project_name", project.name)
    port = answers.get("port")
    steps = [
        (f"cd {shlex.quote(str(project))}", ""),
        ("cargo run", f"serves http://127.0.0.1:{port}" if port else "starts the server"),
        ("cargo test", "the project's own test suite"),
    ]
    width = max(len(command) for command, _ in steps)
    out.print(f"[bold green]Created[/] {escape(str(name))} in {escape(str(project))}\n")
    out.print("Next steps:")
    for command, note in steps:
        line = f"  {command:<{width}}  # {note}" if note else f"  {command}"
        out.print(escape(line), soft_wrap=True, highlight=False)


# --- rust-api update --------------------------------------------------------------------------


def _parse_data(items: list[str]) -> dict[str, str]:
    data = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            _fail(f"--data {item!r}: expected KEY=VALUE, e.g. --data auth=jwt")
        data[key.strip()] = value
    return data


@app.command()
def update(
    path: Annotated[
        Path, typer.Argument(help="The generated project to update (a clean git repository).")
    ] = Path("."),
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            "--vcs-ref", help="Template version (tag, branch or commit); default: the newest tag."
        ),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            metavar="KEY=VALUE",
            help="Change an answer, e.g. --data auth=jwt --data metrics=true (repeatable).",
        ),
    ] = None,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults",
            help="Do not ask: keep every recorded answer, take defaults for new questions.",
        ),
    ] = False,
    skip_answered: Annotated[
        bool,
        typer.Option("--skip-answered", help="Ask only the questions with no recorded answer."),
    ] = False,
) -> None:
    """Update a generated project to a newer template version (wraps `copier update`).

    Merges the template's changes into your commits and lists conflicts; commits nothing.
    """
    changes = _parse_data(data or [])
    before = _recorded_answers(path)
    try:
        report = update_project(
            path,
            vcs_ref=vcs_ref,
            data=changes,
            defaults=defaults,
            skip_answered=skip_answered,
        )
    except NotUpdatable as error:
        _fail(str(error))
    except CopierAnswersInterrupt:
        _fail("Aborted; the project was not changed.")
    except InteractiveSessionError:
        _fail(
            "No terminal to ask the questions on: pass --defaults to keep the recorded answers "
            "(and --data KEY=VALUE for the ones to change)."
        )
    except CopierError as error:
        source = f"{before.get('_src_path', '?')} at {before.get('_commit', '?')}"
        _fail(
            f"copier update failed: {error}\nThe project records its template as {source} "
            f"({ANSWERS_FILE}); updating needs that to be a git repository holding that "
            "commit and a newer version tag."
        )
    except ValueError as error:  # an answer the template refuses
        _fail(f"copier update failed: {error}")
    except jinja2.TemplateError as error:
        _fail(f"The template failed to render ({type(error).__name__}: {error}).")
    _print_update_report(report, before, _recorded_answers(path), changes)


def _print_update_report(
    report: UpdateReport,
    before: dict[str, Any],
    after: dict[str, Any],
    changes: dict[str, str],
) -> None:
    old, new = before.get("_commit", "?"), after.get("_commit", "?")
    version = f"template {new}" if old == new else f"template {old} -> {new}"
    for key in changes:
        if key not in after:
            err.print(
                f"[yellow]warning:[/] --data {escape(key)}: the template has no question "
                "of that name; it was ignored.",
                soft_wrap=True,
            )
    if not report.changed:
        out.print(f"[bold green]Up to date[/] ({escape(version)}): nothing changed.")
        return
    out.print(f"[bold green]Updated[/] {escape(str(report.project))} ({escape(version)}).\n")
    out.print("Changed files (not committed):")
    for line in views.change_lines(report):
        out.print(line, soft_wrap=True, highlight=False)
    if report.diff_stat:
        out.print()
        out.print(escape(report.diff_stat), soft_wrap=True, highlight=False)
    out.print()
    if report.conflicts:
        out.print(
            f"[bold red]{len(report.conflicts)} file(s) with conflicts[/]: you and the template "
            "changed the same lines. Resolve the <<<<<<< / >>>>>>> markers in:",
            soft_wrap=True,
        )
        for conflict in report.conflicts:
            out.print(f"  [bold red]{escape(conflict)}[/]", soft_wrap=True, highlight=False)
        out.print("then `git add` them, review everything with `git diff HEAD` and commit.")
    else:
        out.print("No conflicts. Review with `git diff`, then commit.")


# --- rust-api matrix --------------------------------------------------------------------------


@app.command(name="matrix")
def matrix_command(
    all_: Annotated[
        bool, typer.Option("--all", help="List every combination, not just the distinct builds.")
    ] = False,
) -> None:
    """Show the answer matrix: every combination, and the distinct Rust projects to compile."""
    axes = matrix.axes()
    every = list(matrix.variants())
    compile_variants = list(matrix.compile_variants())
    out.print(views.axes_summary(axes, len(every), len(compile_variants)), soft_wrap=True)
    out.print()
    if all_:
        keys = [key for key in (*matrix.RUST_AFFECTING, *axes) if key in axes]
        title = f"Every combination ({len(every)})"
        out.print(views.variants_table(title, every, list(dict.fromkeys(keys))))
    else:
        title = f"Distinct Rust projects ({len(compile_variants)}), what `rust-api verify` builds"
        out.print(views.variants_table(title, compile_variants, matrix.RUST_AFFECTING))
        out.print("[dim]rust-api matrix --all lists every combination.[/]")


# --- rust-api verify --------------------------------------------------------------------------


@app.command()
def verify(
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            "-f",
            metavar="TEXT|KEY=VALUE",
            help=(
                "Only the variants whose slug contains TEXT, or whose answer KEY is VALUE "
                "(repeatable: values of one KEY are alternatives, everything else must match)."
            ),
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help=(
                "Variants verified at once. They share one cargo target directory, whose lock "
                "serialises their compilations; more than 1 mostly overlaps rendering and tests."
            ),
        ),
    ] = 1,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the rendered projects (removed by default).")
    ] = False,
    steps: Annotated[
        str, typer.Option("--steps", help="Comma-separated steps to run, in order.")
    ] = ",".join(step.name for step in checks.CARGO_STEPS),
    workdir: Annotated[
        Path | None,
        typer.Option(
            "--workdir",
            help="Where to render the projects (default: beside the shared cargo target dir).",
        ),
    ] = None,
) -> None:
    """Render the distinct Rust projects and run cargo fmt, clippy and test in each."""
    try:
        chosen_steps = parse_steps(steps)
        all_variants = list(matrix.compile_variants())
        known = all_variants[0].answers if all_variants else {}
        chosen = select(all_variants, parse_filters(filters or [], known))
    except ValueError as error:
        _fail(str(error))
    if not chosen:
        slugs = ", ".join(variant.slug for variant in all_variants)
        _fail(f"No variant matches {' '.join(filters or [])!r}. The variants: {slugs}")
    directory = (workdir or checks.projects_dir()).expanduser().resolve()
    out.print(
        f"Verifying {len(chosen)} variant(s) in {escape(str(directory))} "
        f"({', '.join(step.name for step in chosen_steps)}; "
        f"cargo target dir {escape(str(checks.target_dir()))})",
        soft_wrap=True,
    )
    with _progress() as progress:
        task = progress.add_task("starting", total=len(chosen) * len(chosen_steps))

        def advance(variant: matrix.Variant, step: CargoStep, result: StepResult | None) -> None:
            outcome = "skipped" if result is None else ("ok" if result.ok else "FAILED")
            progress.update(task, advance=1, description=f"{variant.slug} {step.name}: {outcome}")

        verifier = Verifier(directory, chosen_steps, keep=keep, on_step=advance)
        reports = verifier.run(chosen, jobs=jobs)
    out.print(views.verify_table(reports, chosen_steps))
    for report in reports:
        if report.failure is not None:
            out.rule(f"[bold red]{escape(report.variant.slug)}[/]")
            out.print(escape(report.failure), soft_wrap=True, highlight=False)
    out.print(views.verify_totals(reports))
    if keep:
        out.print(f"Rendered projects kept in {escape(str(directory))}", soft_wrap=True)
    if not all(report.ok for report in reports):
        raise typer.Exit(code=1)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out,
    )


# --- rust-api doctor --------------------------------------------------------------------------


@app.command(name="doctor")
def doctor_command() -> None:
    """Check this machine for what generated projects and `rust-api verify` need."""
    results = doctor.run_checks()
    out.print(views.doctor_table(results))
    blocking = [check.name for check in results if check.blocking]
    if blocking:
        err.print(
            f"[bold red]error:[/] missing what every generated project needs: "
            f"{', '.join(blocking)}. See 'what to do' above.",
            soft_wrap=True,
        )
        raise typer.Exit(code=1)
    warnings_ = [check.name for check in results if check.status is doctor.Status.WARNING]
    if warnings_:
        out.print(
            f"[green]Ready to build generated projects.[/] Optional, for some variants or "
            f"workflows: {', '.join(warnings_)}.",
            soft_wrap=True,
        )
    else:
        out.print("[green]Everything is in place.[/]")
