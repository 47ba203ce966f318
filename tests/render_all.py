"""Render every combination once, in parallel, and index the rendered files by their content.

The full product of the questions runs to hundreds of projects, but most of their files are the
same bytes in many of them (one Dockerfile serves every combination with the same crate name
and port). Each combination is rendered with pytest-copie's `Copie` in a process pool, and its
cheap facts (file list, content hashes, template syntax left behind) are gathered there; the
tests then run each external validator once per distinct file, in as few invocations as the
tool allows, naming one combination that renders it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import CodeType

import copier._main
import jinja2
from pytest_copie.plugin import Copie

from copier_rust_api.matrix import Variant

# `${{ ... }}` is GitHub Actions syntax and `{{` / `}}` escape braces in Rust format strings, so
# an opening `{{` counts only when it is not preceded by `$` or `{` and reads like a Jinja
# expression (`{{ name`, `{{- name`). Jinja statements and comments count anywhere.
JINJA_LEFTOVER = re.compile(r"(?<![${])\{\{-?\s*[A-Za-z_]|\{%|\{#|\.jinja\b")
PATH_LEFTOVER = re.compile(r"\{\{|\{%|\{#|\.jinja$")


# Validator -> how many distinct files (or trees) it checked this session, for the summary line.
VALIDATED: dict[str, int] = {}


@dataclass(frozen=True)
class Rendered:
    """One combination, rendered: where, or why not, and what it holds."""

    variant: Variant
    project: Path | None = None
    error: str | None = None
    # Relative POSIX path of every file (the `.git` directory excepted) -> SHA-256 of its bytes.
    files: dict[str, str] = field(default_factory=dict)
    # `path:line: text` wherever template syntax was left in a file's content.
    leftovers: tuple[str, ...] = ()
    # Paths (files and directories) whose name still holds template syntax.
    leftover_names: tuple[str, ...] = ()

    def path(self, relative: str) -> Path:
        assert self.project is not None, f"{self.variant.slug} did not render"
        return self.project / relative

    def tree_digest(self, prefix: str) -> str | None:
        """One hash over every file under `prefix` (names and contents), None if there are none."""
        entries = sorted(
            (path, digest) for path, digest in self.files.items() if under(path, prefix)
        )
        if not entries:
            return None
        return hashlib.sha256(repr(entries).encode()).hexdigest()


def under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def _scan(project: Path) -> tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]:
    files: dict[str, str] = {}
    leftovers: list[str] = []
    names: list[str] = []
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if relative.parts[0] == ".git":
            continue
        if PATH_LEFTOVER.search(path.name):
            names.append(relative.as_posix())
        if not path.is_file():
            continue
        content = path.read_bytes()
        files[relative.as_posix()] = hashlib.sha256(content).hexdigest()
        text = content.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if JINJA_LEFTOVER.search(line):
                leftovers.append(f"{relative.as_posix()}:{number}: {line.strip()}")
    return files, tuple(leftovers), tuple(names)


def render_one(copie: Copie, base: Path, variant: Variant) -> Rendered:
    """Render `variant` with pytest-copie into `base/<slug>/` and scan what it wrote."""
    test_dir = base / variant.slug
    test_dir.mkdir(parents=True)
    result = dataclasses.replace(copie, test_dir=test_dir, counter=0).copy(
        extra_answers=dict(variant.answers)
    )
    if result.exception is not None or result.project_dir is None:
        error = f"{type(result.exception).__name__}: {result.exception}"
        return Rendered(variant=variant, error=error)
    files, leftovers, names = _scan(result.project_dir)
    return Rendered(
        variant=variant,
        project=result.project_dir,
        files=files,
        leftovers=leftovers,
        leftover_names=names,
    )


def render_all(copie: Copie, base: Path, variants: Iterable[Variant]) -> dict[str, Rendered]:
    """Every variant rendered once, in a process pool sized to the machine; keyed by slug.

    The workers are forked, so they inherit the test session's environment (git identity,
    empty copier settings) and its imported modules; `_prepare_worker` makes them cheaper.
    """
    todo = list(variants)
    render = partial(render_one, copie, base)
    workers = max(1, min(os.cpu_count() or 1, len(todo)))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_prepare_worker
    ) as pool:
        chunk = max(1, len(todo) // (workers * 8))
        return {r.variant.slug: r for r in pool.map(render, todo, chunksize=chunk)}


def _prepare_worker() -> None:
    """Two costs of copier's that no rendered byte depends on, paid once per worker.

    - Jinja compiles every template and every path for each copier run, because copier builds
      a new environment per run. Every combination's environment has the same settings, so
      the code one run compiles is the code the next would: keep it, keyed on the source and
      on every setting that shapes the compiled code.
    - After writing each file copier runs `git config core.fileMode` in the destination, to
      copy the executable bit into the git index when that setting is off. The destinations
      here are plain directories, not repositories, where the step does nothing.
    Together they were two thirds of a render's time (about 1.4 s of CPU each, before).
    """
    jinja2.Environment.compile = _memoized(jinja2.Environment.compile)  # type: ignore[method-assign,assignment]
    copier._main.is_git_available = lambda: False  # type: ignore[attr-defined]


Compile = Callable[..., "str | CodeType"]


def _memoized(compile_: Compile) -> Compile:
    compiled: dict[tuple[object, ...], str | CodeType] = {}

    def compile(
        self: jinja2.Environment,
        source: str | jinja2.nodes.Template,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> str | CodeType:
        if not isinstance(source, str):
            return compile_(self, source, name, filename, raw, defer_init)
        key = (*_code_settings(self), source, name, filename, raw, defer_init)
        if key not in compiled:
            compiled[key] = compile_(self, source, name, filename, raw, defer_init)
        return compiled[key]

    return compile


def _code_settings(env: jinja2.Environment) -> tuple[object, ...]:
    """Everything of an environment's that the code Jinja compiles for it depends on."""
    return (
        type(env),
        env.code_generator_class,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        env.autoescape,
        env.finalize,
        tuple(sorted(env.extensions)),
    )


@dataclass(frozen=True)
class Distinct:
    """One distinct content (a file, or a tree of files) and one combination that renders it."""

    digest: str
    relative: str
    example: Rendered

    @property
    def path(self) -> Path:
        return self.example.path(self.relative)

    def describe(self) -> str:
        return f"{self.relative} (as rendered by {self.example.variant.slug})"


def distinct_files(rendered: Iterable[Rendered], wanted: Callable[[str], bool]) -> list[Distinct]:
    """Each distinct content among the files whose relative path is `wanted`, once."""
    seen: dict[str, Distinct] = {}
    for project in rendered:
        for relative, digest in project.files.items():
            if wanted(relative) and digest not in seen:
                seen[digest] = Distinct(digest, relative, project)
    return sorted(seen.values(), key=lambda item: (item.relative, item.digest))


def distinct_trees(rendered: Iterable[Rendered], prefix: str) -> list[Distinct]:
    """Each distinct tree under `prefix` (a directory), once."""
    seen: dict[str, Distinct] = {}
    for project in rendered:
        digest = project.tree_digest(prefix)
        if digest is not None and digest not in seen:
            seen[digest] = Distinct(digest, prefix, project)
    return list(seen.values())


def successful(rendered: dict[str, Rendered]) -> Iterator[Rendered]:
    return (project for project in rendered.values() if project.error is None)
