"""The template as a git repository with releases, the way `copier update` needs it.

Copier updates a project from one tagged version of a git template to another. These helpers
build such a repository from the working tree, so the update tests exercise today's template:
release 1.0.0 is the template as it is (or as an older version shaped it), 1.1.0 what follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import copier
import yaml
from copier import Settings

from copier_rust_api.render import snapshot
from copier_rust_api.vcs import git

OLD = "1.0.0"
NEW = "1.1.0"

# What release 1.1.0 of `with_new_release` changes in the template.
REWORDED_CONFIG_HEADER = "# Settings every environment shares (reworded in template 1.1.0)."
ADDED_FILE = "docs/operations.md"


def commit_all(repo: Path, message: str) -> None:
    """Commit every file of `repo`, making it a git repository first if it is not one."""
    if not (repo / ".git").exists():
        git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "--no-gpg-sign", "--no-verify", "-m", message)


@dataclass(frozen=True)
class TemplateRepo:
    """A git repository of the template, tagged 1.0.0 and 1.1.0."""

    path: Path

    def copy(self, dst: Path, ref: str, **answers: object) -> Path:
        """Render release `ref` into `dst` with `answers` (defaults for the rest)."""
        copier.run_copy(
            str(self.path),
            dst,
            data=answers,
            vcs_ref=ref,
            settings=Settings(),
            defaults=True,
            unsafe=True,
            quiet=True,
        )
        return dst

    def generate(self, dst: Path, ref: str = OLD, **answers: object) -> Path:
        """What a team starts from: release `ref` rendered into `dst` and committed to git."""
        self.copy(dst, ref, **answers)
        commit_all(dst, "Generated from the template")
        return dst


def _build(
    template_root: Path,
    path: Path,
    *,
    old: Callable[[Path], None] | None = None,
    new: Callable[[Path], None] | None = None,
    tags: tuple[str, str] = (OLD, NEW),
) -> TemplateRepo:
    """Today's template as a repository: tag 1.0.0 after `old(path)`, 1.1.0 after `new(path)`.

    `old` edits today's template into an older one (it may only change files); 1.1.0 starts
    again from today's template. `tags` names the two releases otherwise.
    """
    old_tag, new_tag = tags
    snapshot(template_root, path)
    commit_all(path, "The template today")
    today = git(path, "rev-parse", "HEAD").strip()
    if old is not None:
        old(path)
        commit_all(path, f"Template {old_tag}")
    git(path, "tag", old_tag)
    git(path, "checkout", "--quiet", today, "--", ".")
    if new is not None:
        new(path)
    commit_all(path, f"Template {new_tag}")
    git(path, "tag", new_tag)
    return TemplateRepo(path)


def _reword_config_header_and_add_a_file(root: Path) -> None:
    config = root / "template" / "config" / "base.yaml.jinja"
    first, rest = config.read_text(encoding="utf-8").split("\n", 1)
    assert first.startswith("#"), "base.yaml.jinja no longer starts with a comment line"
    config.write_text(f"{REWORDED_CONFIG_HEADER}\n{rest}", encoding="utf-8")
    added = root / "template" / ADDED_FILE
    assert not added.exists(), f"the template already has {ADDED_FILE}"
    added.parent.mkdir(parents=True, exist_ok=True)
    added.write_text("# Operations\n\nRunning the service in production.\n", encoding="utf-8")


def with_new_release(template_root: Path, path: Path) -> TemplateRepo:
    """1.0.0 is today's template; 1.1.0 rewords config/base.yaml's first line and adds a file."""
    return _build(template_root, path, new=_reword_config_header_and_add_a_file)


def _ask_use_metrics_instead_of_metrics(root: Path) -> None:
    """Before 1.1.0 the metrics question was called `use_metrics` (the migration's premise).

    The old questionnaire asks `use_metrics` and derives `metrics` from it as a computed value
    (`when: false`: never asked, never recorded), so the old templates render unchanged.
    """
    copier_yml = root / "copier.yml"
    config = yaml.safe_load(copier_yml.read_text(encoding="utf-8"))
    older: dict[str, object] = {}
    for key, spec in config.items():
        if key == "metrics":
            older["use_metrics"] = spec
            older["metrics"] = {"type": "bool", "default": "{{ use_metrics }}", "when": False}
        else:
            older[key] = spec
    copier_yml.write_text(yaml.safe_dump(older, sort_keys=False), encoding="utf-8")


def with_legacy_metrics_answer(template_root: Path, path: Path) -> TemplateRepo:
    """1.0.0 records the metrics answer as `use_metrics`; 1.1.0 is today's template."""
    return _build(template_root, path, old=_ask_use_metrics_instead_of_metrics)


# Release 0.2.0 replaced the `docker` yes/no with the `deployment` question.
BEFORE_DEPLOYMENT = "0.1.0"
WITH_DEPLOYMENT = "0.2.0"


def _ask_docker_instead_of_deployment(root: Path) -> None:
    """Before 0.2.0 the template asked `docker: bool` (a Dockerfile, .dockerignore, compose.yaml).

    The old questionnaire asks `docker` and derives `deployment` from it as a computed value
    (`when: false`: never asked, never recorded), so the old templates render unchanged.
    """
    copier_yml = root / "copier.yml"
    config = yaml.safe_load(copier_yml.read_text(encoding="utf-8"))
    older: dict[str, object] = {}
    for key, spec in config.items():
        if key == "deployment":
            older["docker"] = {
                "type": "bool",
                "help": "Generate a Dockerfile, .dockerignore and compose.yaml?",
                "default": True,
            }
            older["deployment"] = {
                "type": "str",
                "default": "{{ 'compose' if docker else 'none' }}",
                "when": False,
            }
        else:
            older[key] = spec
    copier_yml.write_text(yaml.safe_dump(older, sort_keys=False), encoding="utf-8")


def with_legacy_docker_answer(template_root: Path, path: Path) -> TemplateRepo:
    """0.1.0 records `docker: true/false`; 0.2.0 is today's template, asking `deployment`."""
    return _build(
        template_root,
        path,
        old=_ask_docker_instead_of_deployment,
        tags=(BEFORE_DEPLOYMENT, WITH_DEPLOYMENT),
    )
