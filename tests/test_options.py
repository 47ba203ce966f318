"""`rust-api new`'s options come from copier.yml: a question added or changed there reaches the
command line with no CLI change. Shown here with questions copier.yml does not have (yet)."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from copier_rust_api import options
from copier_rust_api.matrix import Question

DEPLOYMENT = Question(
    name="deployment",
    type="str",
    default="compose",
    choices=("none", "compose", "kubernetes"),
    help="How the service is deployed",
)
CI = Question(name="ci", type="str", default="github", choices=("github", "gitlab", "none"))
REPLICAS = Question(name="replicas", type="int", default=2, help="Pods [per zone]")
TRACING = Question(name="tracing", type="bool", default=False, help="OpenTelemetry traces?")
QUESTIONS = (DEPLOYMENT, CI, REPLICAS, TRACING)


def command_app(received: dict[str, object]) -> typer.Typer:
    """A one-command app whose options are built from QUESTIONS, recording the answers."""
    built = options.question_options(QUESTIONS, reserved=("path",))

    def new(path: str, **given: object) -> None:
        received.update(options.answers_given(built, given))

    app = typer.Typer()
    app.command()(options.with_question_options(new, built))
    return app


def test_each_question_becomes_an_option_whose_answers_reach_copier() -> None:
    received: dict[str, object] = {}
    args = ["x", "--deployment", "kubernetes", "--ci", "gitlab", "--replicas", "3", "--tracing"]
    result = CliRunner().invoke(command_app(received), args)
    assert result.exit_code == 0, result.output
    assert received == {"deployment": "kubernetes", "ci": "gitlab", "replicas": 3, "tracing": True}


def test_an_option_not_given_is_left_for_copier_to_ask() -> None:
    received: dict[str, object] = {}
    result = CliRunner().invoke(command_app(received), ["x", "--no-tracing"])
    assert result.exit_code == 0, result.output
    assert received == {"tracing": False}


def test_a_value_outside_the_choices_is_refused_with_the_choices() -> None:
    received: dict[str, object] = {}
    result = CliRunner().invoke(
        command_app(received), ["x", "--deployment", "helm"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 2
    assert "'helm' is not one of 'none', 'compose', 'kubernetes'" in result.output
    assert received == {}


def test_the_help_shows_choices_defaults_and_help_text_with_brackets() -> None:
    result = CliRunner().invoke(command_app({}), ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "none|compose|kubernetes" in result.stdout
    assert "github|gitlab|none" in result.stdout
    assert "[default: (compose)]" in result.stdout
    assert "Pods [per zone]" in result.stdout, "rich ate the brackets as markup"
    assert "[default: (--no-tracing)]" in result.stdout


def test_a_question_named_like_a_parameter_of_the_command_is_refused() -> None:
    clash = Question(name="path", type="str", default="")
    with pytest.raises(ValueError, match="'path' clashes with an option"):
        options.question_options([clash], reserved=("path",))
