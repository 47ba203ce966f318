"""Where a project's template lives: what `.copier-answers.yml` records, and repairing it.

`copier update` finds the template again through two keys of the answers file: `_src_path`
(a git URL, or an absolute path to a git repository) and `_commit` (the release tag the project
was made from). A project whose keys point nowhere useful cannot be updated; `why_not_updatable`
says why, and `record` (what `rust-api link` and `rust-api new` run) writes the two keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from copier_rust_api import release, vcs

ANSWERS_FILE = ".copier-answers.yml"
SOURCE_KEYS = ("_commit", "_src_path")


class SourceError(ValueError):
    """A template source that a project could not be updated from; the message says why."""


def normalise(source: str, base: Path | None = None) -> str:
    """`source` as a project should record it: a URL as given, a directory as an absolute path."""
    if release.is_url(source):
        return source
    return str(((base or Path.cwd()) / Path(source).expanduser()).resolve())


def check_local(source: str, ref: str) -> None:
    """Refuse a local `source` that is not the top of a git repository holding `ref`.

    Remote sources are not checked: that would need the network.
    """
    if release.is_url(source):
        return
    path = Path(source)
    if not path.is_dir():
        raise SourceError(f"{source} is not a directory.")
    if vcs.work_tree_root(path) != path.resolve():
        raise SourceError(
            f"{source} is not the top of a git repository; copier update needs the template's "
            "git history to find the release a project was made from."
        )
    try:
        vcs.git(path, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except vcs.GitError:
        tags = vcs.git(path, "tag", "--list", "--sort=-v:refname").split()
        known = ", ".join(tags[:5]) if tags else "none"
        raise SourceError(
            f"{source} has no tag or commit {ref!r} (its newest tags: {known})."
        ) from None


def read_answers(project: Path) -> dict[str, Any]:
    """The project's recorded answers; empty when the file is missing or not a mapping."""
    try:
        loaded = yaml.safe_load((project / ANSWERS_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def record(project: Path, source: str, ref: str) -> None:
    """Write `_src_path: source` and `_commit: ref` into the project's answers file.

    Every other line (the header comment, the answers) is kept as it is; the two keys go first,
    where copier writes them.
    """
    answers_file = project / ANSWERS_FILE
    lines = answers_file.read_text(encoding="utf-8").splitlines(keepends=True)
    header = []
    while lines and lines[0].startswith("#"):
        header.append(lines.pop(0))
    kept = [line for line in lines if not line.startswith(tuple(f"{k}:" for k in SOURCE_KEYS))]
    keys = yaml.safe_dump(
        {"_commit": ref, "_src_path": source},
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
    )
    text = "".join([*header, keys, *kept])
    before = read_answers(project)
    after = yaml.safe_load(text)
    expected = {**before, "_commit": ref, "_src_path": source}
    if after != expected:  # a multi-line `_src_path` or the like: never write a broken file
        raise SourceError(f"cannot rewrite {answers_file} safely; edit its _src_path by hand.")
    answers_file.write_text(text, encoding="utf-8")


def link_command(project: Path, ref: object = None, src: str = release.UPSTREAM) -> str:
    """The `rust-api link` command that repairs `project`, for a message."""
    where = "" if project == Path(".") else f" {project}"
    return f"rust-api link{where} --src {src} --ref {ref or release.LAST_RELEASE_WITHOUT_SOURCE}"


def why_not_updatable(answers: Mapping[str, Any]) -> str | None:
    """Why copier update cannot find the template the answers record, or None when it can."""
    source = answers.get("_src_path")
    commit = answers.get("_commit")
    if not source:
        return "it records no template source (_src_path)"
    source = str(source)
    if not release.is_url(source):
        path = Path(source).expanduser()
        if not path.is_absolute():
            return (
                f"it records the template as the relative path {source!r} (plain `copier copy` "
                "of a relative path does that), which only resolves from the directory the "
                "copy was made in"
            )
        if not path.is_dir():
            return f"it records the template as {source}, which does not exist"
        if vcs.work_tree_root(path) != path.resolve():
            return (
                f"it records the template as {source}, a plain directory (the copy of the "
                "template inside an installed package, say), not a git repository with releases"
            )
    if not commit:
        return "it records no template release (_commit)"
    return None


def not_updatable_message(project: Path, answers: Mapping[str, Any], reason: str) -> str:
    """What to tell the user whose project cannot be updated, with the commands that fix it."""
    commit = answers.get("_commit")
    ref = str(commit) if commit else None
    guess = (
        ""
        if ref
        else (
            f" (--ref is the release the project was made from: projects made by `rust-api new` "
            f"before v0.2.0 came from {release.LAST_RELEASE_WITHOUT_SOURCE})"
        )
    )
    return (
        f"{project} cannot be updated: {reason}. Record where the template lives and which "
        f"release the project was made from, commit that, then update:\n"
        f"  {link_command(project, ref)}{guess}\n"
        f"  git -C {project} commit -am 'Record the template source'\n"
        f"  rust-api update {project}\n"
        "(--src also takes your fork's URL or an absolute path to a clone of the template.)"
    )
