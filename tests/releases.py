"""The template as a git repository with releases, the way `copier update` needs it.

Copier updates a project from one tagged version of a git template to another. These helpers
build such a repository from the working tree, so the update tests exercise today's template:
release v0.1.0 is the template as it is (or as release 0.1.0 shaped it), v0.2.0 what follows.
Tags are the package version with a `v`, as the real releases are tagged.
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

OLD = "v0.1.0"
NEW = "v0.2.0"

# What the newer release of `with_new_release` changes in the template.
REWORDED_CONFIG_HEADER = "# Settings every environment shares (reworded in a newer release)."
ADDED_FILE = "docs/operations.md"


def commit_all(repo: Path, message: str) -> None:
    """Commit every file of `repo`, making it a git repository first if it is not one."""
    if not (repo / ".git").exists():
        git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "--no-gpg-sign", "--no-verify", "-m", message)


@dataclass(frozen=True)
class TemplateRepo:
    """A git repository of the template, tagged with an older and a newer release."""

    path: Path
    old: str = OLD
    new: str = NEW

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
    """Today's template as a repository: tag `tags[0]` after `old(path)`, `tags[1]` after
    `new(path)`.

    `old` edits today's template into an older one (it may only change files); the newer
    release starts again from today's template.
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
    return TemplateRepo(path, old_tag, new_tag)


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
    """v0.1.0 is today's template; v0.2.0 rewords config/base.yaml's first line, adds a file."""
    return _build(template_root, path, new=_reword_config_header_and_add_a_file)


def next_release(tag: str) -> str:
    """The patch release after `tag`: `v0.2.0` -> `v0.2.1`."""
    major, minor, patch = tag.removeprefix("v").split(".")
    return f"v{major}.{minor}.{int(patch) + 1}"


def upstream_of_this_release(template_root: Path, path: Path, tag: str) -> TemplateRepo:
    """The template's upstream as `rust-api new` records it: today's template tagged `tag` (the
    installed package's release), then the next patch release changing it a little."""
    return _build(
        template_root, path, new=_reword_config_header_and_add_a_file, tags=(tag, next_release(tag))
    )


def _ask_use_metrics_instead_of_metrics(root: Path) -> None:
    """Release 0.1.0 called the metrics question `use_metrics` (the migration's premise).

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
    """v0.1.0 records the metrics answer as `use_metrics`; v0.2.0 is today's template."""
    return _build(template_root, path, old=_ask_use_metrics_instead_of_metrics)


# Release 0.2.0 replaced the `docker` yes/no with the `deployment` question.
BEFORE_DEPLOYMENT = OLD
WITH_DEPLOYMENT = NEW


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
