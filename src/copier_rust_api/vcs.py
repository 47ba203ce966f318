"""The few git questions the tooling asks of a generated project, answered by the git CLI."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


class GitError(RuntimeError):
    """A git command failed, or git is not installed."""


def git(cwd: Path, *args: str) -> str:
    """Run `git args...` in `cwd` and return its stdout; raise `GitError` if it fails."""
    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        )
    except OSError as error:  # no git on PATH, or cwd is gone
        raise GitError(f"cannot run git: {error}") from error
    if completed.returncode != 0:
        raise GitError(f"`git {' '.join(args)}` failed: {completed.stderr.strip()}")
    return completed.stdout


def work_tree_root(path: Path) -> Path | None:
    """The top of the git work tree holding `path`, or None when `path` is not in one."""
    try:
        return Path(git(path, "rev-parse", "--show-toplevel").strip()).resolve()
    except GitError:
        return None


@dataclass(frozen=True)
class Change:
    """One line of `git status --porcelain`: a two-letter status and a path."""

    status: str
    path: str

    @property
    def unmerged(self) -> bool:
        """Whether git records the path as unmerged (a conflict left to resolve)."""
        return self.status in {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}


def status(path: Path) -> list[Change]:
    """Every change under `path` against HEAD, untracked files included.

    Paths are relative to the top of the work tree, as `git status --porcelain` gives them.
    """
    command = ("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    fields = git(path, *command).split("\0")
    changes = []
    index = 0
    while index < len(fields):
        entry = fields[index]
        index += 1
        if not entry:
            continue
        if entry[0] in "RC":  # a rename or copy: the next field is the path it came from
            index += 1
        changes.append(Change(status=entry[:2], path=entry[3:]))
    return changes


def diff_stat(path: Path) -> str:
    """`git diff --stat` under `path`, work tree and index against HEAD (tracked files only)."""
    return git(path, "diff", "HEAD", "--stat", "--", ".").rstrip()
