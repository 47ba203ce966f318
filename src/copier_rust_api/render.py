"""Render the template into a directory with copier, the same way for the CLI and the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import copier
from copier import Settings

from copier_rust_api.paths import TEMPLATE_PARTS, template_root

# copier commits uncommitted template edits in a scratch clone (vcs_ref="HEAD"); that commit
# needs an identity even on a machine that has none configured.
GIT_IDENTITY: Mapping[str, str] = {
    "GIT_AUTHOR_NAME": "copier-rust-api",
    "GIT_AUTHOR_EMAIL": "copier-rust-api@localhost",
    "GIT_COMMITTER_NAME": "copier-rust-api",
    "GIT_COMMITTER_EMAIL": "copier-rust-api@localhost",
}


def is_git_repo_root(path: Path) -> bool:
    """Whether `path` is the top level of a git work tree."""
    try:
        result = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:  # no git on PATH
        return False
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == path.resolve()


def vcs_ref_for(root: Path) -> str | None:
    """`HEAD` for a git checkout, so copier renders the working tree rather than the newest tag.

    A bundled (installed) template is a plain directory and takes no ref.
    """
    return "HEAD" if is_git_repo_root(root) else None


def snapshot(root: Path, dst: Path) -> Path:
    """Copy the template at `root` (copier.yml, extensions/, template/) into `dst`; return `dst`.

    The copy is a plain directory, like the one bundled in the wheel: rendering it needs no git
    clone (much faster when rendering many variants) and is immune to edits made meanwhile.
    """
    dst.mkdir(parents=True, exist_ok=True)
    for part in TEMPLATE_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, dst / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dst / part)
    return dst


@contextmanager
def git_identity() -> Iterator[None]:
    """Supply a git identity for copier's scratch commit where the environment has none."""
    added = {key: value for key, value in GIT_IDENTITY.items() if key not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


def render(
    dst: Path,
    answers: Mapping[str, Any],
    *,
    template: Path | None = None,
    defaults: bool = True,
) -> Path:
    """Render the template into `dst` with `answers`; return `dst`.

    With `defaults` (the default) every unanswered question takes its default; without it,
    copier asks for them interactively. User-level copier settings are ignored so a render
    depends on the template and the answers only. Invalid answers raise `ValueError` (or a
    `copier.errors.CopierError`) before anything is written.
    """
    root = (template or template_root()).resolve()
    with git_identity():
        copier.run_copy(
            str(root),
            dst,
            data=dict(answers),
            vcs_ref=vcs_ref_for(root),
            settings=Settings(),
            defaults=defaults,
            unsafe=True,
            quiet=True,
            overwrite=True,
        )
    return dst
