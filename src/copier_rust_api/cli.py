"""The `rust-api` command line: render a new Rust API project from the bundled template."""

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

from copier_rust_api import matrix
from copier_rust_api.render import render

app = typer.Typer(
    name="rust-api",
    help="Render production-ready Rust API projects from the copier-rust-api template.",
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
    """Render production-ready Rust API projects from the copier-rust-api template."""


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
    docker: Annotated[
        bool | None, typer.Option("--docker/--no-docker", help=_help("docker"))
    ] = None,
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
        "docker": docker,
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
