"""The `rust-api new` options, built from copier.yml: one option per question.

copier.yml is the one source of the questions. Each question becomes an option named after it
(`db_library` -> `--db-library`): a question with choices takes one of them (the help lists
them, and any other value is refused before anything is rendered), a bool question is a
`--x/--no-x` flag, an int question takes a number. Every option defaults to "not given", so
copier asks the question (or takes its default with `--defaults`); the help shows that default.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated

import typer
from rich.markup import escape

from copier_rust_api.matrix import Question


def option_name(question: str) -> str:
    """`db_library` -> `--db-library`."""
    return "--" + question.replace("_", "-")


@dataclass(frozen=True)
class QuestionOption:
    """One question of copier.yml as a command-line option."""

    question: Question
    parameter: inspect.Parameter

    def answer(self, given: object) -> object:
        """The answer for copier from what the option parsed (a choice arrives as an enum)."""
        if isinstance(given, enum.Enum):
            by_text = {str(choice): choice for choice in self.question.choices}
            return by_text[given.value]
        return given


def _shown_default(question: Question, others: Iterable[str]) -> str | None:
    """The default as `--help` shows it: a value, a flag, or what it is derived from."""
    if question.derived:
        used = set(re.findall(r"\w+", str(question.default)))
        sources = [option_name(name) for name in others if name in used]
        return f"derived from {', '.join(sources)}" if sources else "derived"
    if question.default is None:
        return None
    if question.type == "bool":
        return (
            option_name(question.name)
            if question.default
            else f"--no-{option_name(question.name)[2:]}"
        )
    return str(question.default)


def _annotation(question: Question, show_default: str | None) -> object:
    help_text = escape(question.help)
    shown: bool | str = show_default if show_default is not None else False
    if question.choices:
        values = {str(value): str(value) for value in question.choices}
        choice = enum.Enum(f"{question.name}_choice", values)  # type: ignore[misc]
        option = typer.Option(help=help_text, show_default=shown, case_sensitive=True)
        return Annotated[choice | None, option]
    if question.type == "bool":
        flag = option_name(question.name)
        option = typer.Option(f"{flag}/--no-{flag[2:]}", help=help_text, show_default=shown)
        return Annotated[bool | None, option]
    kind: type = int if question.type == "int" else float if question.type == "float" else str
    return Annotated[kind | None, typer.Option(help=help_text, show_default=shown)]


def question_options(
    questions: Iterable[Question], reserved: Iterable[str] = ()
) -> tuple[QuestionOption, ...]:
    """An option per question; `reserved` names the command's own parameters."""
    questions = tuple(questions)
    taken = set(reserved)
    names = [question.name for question in questions]
    made = []
    for question in questions:
        if question.name in taken:
            raise ValueError(f"copier.yml question {question.name!r} clashes with an option")
        others = [name for name in names if name != question.name]
        parameter = inspect.Parameter(
            question.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=_annotation(question, _shown_default(question, others)),
        )
        made.append(QuestionOption(question, parameter))
    return tuple(made)


def with_question_options(
    command: Callable[..., None], options: Iterable[QuestionOption]
) -> Callable[..., None]:
    """`command` (whose last parameter is `**answers`) with one keyword parameter per option.

    typer reads a command's parameters from its signature, so the options appear in `--help`
    and arrive in `**answers` under the question's name.
    """
    signature = inspect.signature(command, eval_str=True)
    fixed = [
        parameter
        for parameter in signature.parameters.values()
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*fixed, *(option.parameter for option in options)]
    )
    return command


def answers_given(
    options: Iterable[QuestionOption], given: Mapping[str, object]
) -> dict[str, object]:
    """The answers the user gave on the command line, ready for copier."""
    return {
        option.question.name: option.answer(given[option.question.name])
        for option in options
        if given.get(option.question.name) is not None
    }
