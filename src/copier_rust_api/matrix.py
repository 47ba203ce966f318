"""The answer matrix: every combination of the template's questions, read from copier.yml.

A question with `choices` varies over its choice values, a `type: bool` question over
`[True, False]`; every other question takes its default. Defaults that are Jinja expressions
(such as `crate_name`, derived from `project_name`) are left out so copier derives them.
This module is the one place that enumerates variants: the tests and the CLI both use it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from copier_rust_api.paths import copier_file

Answers = dict[str, Any]

# Questions whose answers change the generated Rust code; the rest only add or drop files.
RUST_AFFECTING: tuple[str, ...] = ("framework", "database", "db_library", "auth", "metrics")


@dataclass(frozen=True)
class Question:
    """One question of copier.yml, reduced to what the matrix needs."""

    name: str
    type: str
    default: Any
    choices: tuple[Any, ...] = ()
    help: str = ""

    @property
    def values(self) -> tuple[Any, ...]:
        """The values the matrix takes for this question (one, when it does not vary)."""
        if self.choices:
            return self.choices
        if self.type == "bool":
            return (True, False)
        return (self.default,)

    @property
    def varies(self) -> bool:
        """Whether the matrix enumerates this question."""
        return bool(self.choices) or self.type == "bool"

    @property
    def derived(self) -> bool:
        """Whether the default is a Jinja expression that copier computes from other answers."""
        return isinstance(self.default, str) and ("{{" in self.default or "{%" in self.default)


def _choice_values(raw: object) -> tuple[Any, ...]:
    """Values of a copier `choices` field: a mapping label -> value, or a list."""
    if isinstance(raw, Mapping):
        items: Sequence[Any] = list(raw.values())
    elif isinstance(raw, list | tuple):
        items = list(raw)
    else:
        return ()
    values = []
    for item in items:
        if isinstance(item, Mapping):  # {value: ..., validator: ...}
            values.append(item["value"])
        elif isinstance(item, list | tuple) and len(item) == 2:  # [label, value]
            values.append(item[1])
        else:
            values.append(item)
    return tuple(values)


def _question(name: str, spec: object) -> Question:
    if not isinstance(spec, Mapping):  # shorthand `name: default`
        return Question(name=name, type="str", default=spec)
    return Question(
        name=name,
        type=str(spec.get("type", "str")),
        default=spec.get("default"),
        choices=_choice_values(spec.get("choices")),
        help=str(spec.get("help", "")),
    )


def load_questions(path: Path | None = None) -> tuple[Question, ...]:
    """The questions of copier.yml (settings, the `_`-prefixed keys, are skipped), in order."""
    with (path or copier_file()).open(encoding="utf-8") as handle:
        config = yaml.safe_load(handle) or {}
    return tuple(_question(name, spec) for name, spec in config.items() if not name.startswith("_"))


def defaults(questions: Sequence[Question] | None = None) -> Answers:
    """Every question's default, except the derived ones copier computes itself."""
    questions = load_questions() if questions is None else questions
    return {q.name: q.default for q in questions if not q.derived}


def axes(questions: Sequence[Question] | None = None) -> dict[str, tuple[Any, ...]]:
    """The questions the matrix varies, each with its values, in copier.yml order."""
    questions = load_questions() if questions is None else questions
    return {q.name: q.values for q in questions if q.varies}


def _product(keys: Sequence[str], questions: Sequence[Question]) -> Iterator[Answers]:
    """Every combination of `keys`' values; all other questions at their defaults."""
    base = defaults(questions)
    values = axes(questions)
    missing = [key for key in keys if key not in values]
    if missing:
        raise KeyError(f"copier.yml has no choice or bool question named {missing}")
    for combo in itertools.product(*(values[key] for key in keys)):
        yield {**base, **dict(zip(keys, combo, strict=True))}


def combinations(path: Path | None = None) -> Iterator[Answers]:
    """Every combination of every choice and bool question (the full product)."""
    for variant in variants(path):
        yield variant.answers


def _slug_part(key: str, value: object) -> str:
    if isinstance(value, bool):
        return key if value else f"no{key}"
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")


def slug(answers: Mapping[str, Any], keys: Sequence[str]) -> str:
    """A short, stable, readable name for `answers` over `keys`: `axum-sqlite-sqlx-jwt-metrics`.

    Booleans read `metrics` / `nometrics`. Outside the Rust-affecting keys a value is prefixed
    with its key (`ci-github`, `license-mit`) so that `none` stays unambiguous.
    """
    parts = []
    for key in keys:
        part = _slug_part(key, answers[key])
        if key not in RUST_AFFECTING and not isinstance(answers[key], bool):
            part = f"{key}-{part}"
        parts.append(part)
    return "-".join(parts)


@dataclass(frozen=True)
class Variant:
    """One set of answers to render, with a stable slug usable as a test id or directory name."""

    answers: Answers = field(hash=False)
    slug: str


def variants(path: Path | None = None) -> Iterator[Variant]:
    """Every combination of `combinations()`, each with a slug over all the varying questions."""
    questions = load_questions(path)
    keys = _ordered(tuple(axes(questions)))
    for answers in _product(keys, questions):
        yield Variant(answers=answers, slug=slug(answers, keys))


def compile_variants(path: Path | None = None) -> Iterator[Variant]:
    """One representative per distinct combination of the Rust-affecting questions.

    The other questions stay at their defaults: they add or drop files but never change the
    Rust code, so compiling these variants compiles every distinct Rust project.
    """
    questions = load_questions(path)
    for answers in _product(RUST_AFFECTING, questions):
        yield Variant(answers=answers, slug=slug(answers, RUST_AFFECTING))


def _ordered(keys: Sequence[str]) -> tuple[str, ...]:
    """Rust-affecting keys first (in their canonical order), then the rest in copier.yml order."""
    rust = [key for key in RUST_AFFECTING if key in keys]
    return (*rust, *(key for key in keys if key not in RUST_AFFECTING))


def job_matrix(variants: Iterable[Variant]) -> dict[str, list[Answers]]:
    """A CI job matrix: `{"include": [{"slug": ..., <answer>: ...}, ...]}`, one job a variant.

    GitHub Actions reads it as `strategy.matrix`; the varying answers and the slug (a job name,
    a `rust-api verify --filter`) are the keys.
    """
    questions = load_questions()
    varying = [question.name for question in questions if question.varies]
    return {
        "include": [
            {"slug": variant.slug, **{key: variant.answers[key] for key in varying}}
            for variant in variants
        ]
    }
