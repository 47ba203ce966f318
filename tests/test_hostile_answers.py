"""Legal but awkward text in the free-text answers renders files whose own parsers give the text
back exactly as typed: TOML (and cargo itself), YAML, Markdown and rustdoc.

Quotes, backslashes, Jinja braces, Markdown punctuation, tabs and non-ASCII are all legal in
project_name, description and author; the template escapes them per target format with the
filters of extensions/escaping.py. A line break is not legal (the questions take one line), and
is refused.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import copier
import pytest
import yaml
from copier import Settings
from markdown_it import MarkdownIt

HOSTILE = {
    "quotes": {
        "project_name": 'The "Quoted" API',
        "description": 'An "opinionated" API, isn\'t it? \'\'\'triple\'\'\' """quotes"""',
        "author": 'Zoë O\'Brien "zo" <zoe@example.com>',
    },
    "backslashes": {
        "project_name": "Back\\slash API \\",
        "description": 'C:\\path\\to\\api and \\n is not a newline, nor \\" a quote',
        "author": "Dom\\Admin <admin@example.com>",
    },
    "jinja-braces": {
        "project_name": "{{ project_name }} API",
        "description": "{% raw %}{% if x %}{{ 7 * 7 }}{% endif %}{# comment #} ${HOME} $(id)",
        "author": "{{ author }} <a@example.com>",
    },
    "markdown": {
        "project_name": "# *Not* a _heading_ #",
        "description": "1. [link](http://x) <b>bold</b> `code` ~~gone~~ | a | &amp; \\* !",
        "author": "<script>alert(1)</script> <s@example.com>",
    },
    "tabs-and-edges": {
        "project_name": "\tTabbed\tAPI ",
        "description": "    indented like code, then\ta tab ",
        "author": "Tab\tAuthor <t@example.com>",
    },
    "non-ascii": {
        "project_name": "Über Café API — ünïcödé 🚀",
        "description": "Ελληνικά, 日本語, עברית and emoji 🦀; zero\u200bwidth",
        "author": "Łukasz Żółć <łukasz@example.com>",
    },
    "toml-and-yaml-syntax": {
        "project_name": "key: value # not a comment",
        "description": 'x = "y" [table] ]] {a = 1} - item: &anchor *alias !tag %YAML',
        "author": "- [a, b] {c: d} | > <e@example.com>",
    },
}
TEXT_QUESTIONS = ("project_name", "description", "author")


def render(template: Path, dst: Path, answers: dict[str, str]) -> Path:
    copier.run_copy(
        str(template),
        dst,
        data=answers,
        settings=Settings(),
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    return dst


@pytest.fixture(scope="module", params=sorted(HOSTILE))
def case(
    request: pytest.FixtureRequest,
    template_snapshot: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, str], Path]:
    answers = HOSTILE[request.param]
    project = render(template_snapshot, tmp_path_factory.mktemp(request.param) / "p", answers)
    return answers, project


def markdown_text(source: str) -> str:
    """What a Markdown reader sees: the rendered HTML with the tags taken out."""
    rendered = MarkdownIt("commonmark").enable("strikethrough").enable("table").render(source)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip("\n")


def test_every_toml_file_parses(case: tuple[dict[str, str], Path]) -> None:
    _, project = case
    for path in project.rglob("*.toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))


def test_cargo_toml_holds_the_text_exactly(case: tuple[dict[str, str], Path]) -> None:
    answers, project = case
    package = tomllib.loads((project / "Cargo.toml").read_text(encoding="utf-8"))["package"]
    assert package["description"] == answers["description"]
    assert package["authors"] == [answers["author"]]


def test_cargo_accepts_the_manifest_with_the_text_intact(
    case: tuple[dict[str, str], Path],
) -> None:
    answers, project = case
    cargo = shutil.which("cargo")
    assert cargo is not None, "cargo is not on PATH"
    result = subprocess.run(
        [cargo, "metadata", "--no-deps", "--offline", "--format-version", "1"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (package,) = json.loads(result.stdout)["packages"]
    assert package["description"] == answers["description"]
    assert package["authors"] == [answers["author"]]


def test_every_yaml_file_parses_and_the_answers_file_keeps_the_text(
    case: tuple[dict[str, str], Path],
) -> None:
    answers, project = case
    for path in [*project.rglob("*.yaml"), *project.rglob("*.yml")]:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert {key: recorded[key] for key in TEXT_QUESTIONS} == answers


def test_the_readme_shows_the_name_and_description_exactly(
    case: tuple[dict[str, str], Path],
) -> None:
    answers, project = case
    heading, blank, description = (
        (project / "README.md").read_text(encoding="utf-8").splitlines()[:3]
    )
    assert heading.startswith("# ")
    assert blank == ""
    assert markdown_text(heading) == answers["project_name"]
    assert markdown_text(description) == answers["description"]


def test_the_crate_docs_show_the_name_and_description_exactly(
    case: tuple[dict[str, str], Path],
) -> None:
    answers, project = case
    first = (project / "src" / "lib.rs").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("//! ")
    assert "\t" not in first, "clippy refuses tabs in doc comments"
    assert markdown_text(first.removeprefix("//! ")) == (
        f"{answers['project_name']}: {answers['description']}"
    )


def test_lib_rs_is_rustfmt_clean(case: tuple[dict[str, str], Path]) -> None:
    _, project = case
    rustfmt = shutil.which("rustfmt")
    assert rustfmt is not None, "rustfmt is not on PATH"
    result = subprocess.run(
        [rustfmt, "--check", "--edition", "2024", str(project / "src" / "lib.rs")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_license_names_the_author_as_typed(case: tuple[dict[str, str], Path]) -> None:
    answers, project = case
    assert f"Copyright (c) {answers['author']}" in (project / "LICENSE-MIT").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("question", TEXT_QUESTIONS)
@pytest.mark.parametrize("breaking", ["two\nlines", "carriage\rreturn", "escape\x1b[31m"])
def test_a_line_break_or_control_character_is_refused(
    template_snapshot: Path, tmp_path: Path, question: str, breaking: str
) -> None:
    dst = tmp_path / "project"
    with pytest.raises(ValueError, match=f"{question} must be one line of text") as refused:
        render(template_snapshot, dst, {question: breaking})
    assert "control character U+00" in str(refused.value)
    assert not dst.exists() or not any(dst.iterdir())
