"""Copier migration for release 0.2.0: the `docker` yes/no became the `deployment` question.

copier.yml's `_migrations` runs this before an update replays the recorded answers, in the
project being updated:

    python extensions/migrations/docker_to_deployment.py .copier-answers.yml

Before 0.2.0 a project recorded `docker: true` (a Dockerfile, .dockerignore and compose.yaml)
or `docker: false` (none of them). Today's template asks `deployment` instead: `compose` is
what `docker: true` rendered, `none` what `docker: false` rendered. Without this step the
update would drop the unknown `docker` answer and take the default, `compose`, silently adding
container files to a project that chose to have none. The script is idempotent: a file without
`docker` is left byte for byte; where both are recorded, `deployment` wins.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml  # copier depends on PyYAML, so the Python running copier has it

OLD_KEY = "docker"
NEW_KEY = "deployment"
# Recorded `docker` value -> the `deployment` value that renders the same files.
VALUES: dict[bool, str] = {True: "compose", False: "none"}


def migrate(answers: dict[str, Any]) -> dict[str, Any]:
    """`answers` with `docker` replaced, in place, by the equivalent `deployment`."""
    if OLD_KEY not in answers:
        return dict(answers)
    migrated: dict[str, Any] = {}
    for key, value in answers.items():
        if key != OLD_KEY:
            migrated.setdefault(key, value)
        elif NEW_KEY not in answers:
            if not isinstance(value, bool):
                raise SystemExit(
                    f"{OLD_KEY}: expected true or false, found {value!r}; set `{NEW_KEY}` to "
                    "none, compose or kubernetes in the answers file by hand"
                )
            migrated[NEW_KEY] = VALUES[value]
    return migrated


def _header(text: str) -> str:
    """The comment lines copier writes above the answers (`# Changes here will be ...`)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def rewrite(path: Path) -> str | None:
    """Migrate the answers file at `path` in place; return what changed, or None."""
    text = path.read_text(encoding="utf-8")
    answers = yaml.safe_load(text) or {}
    if not isinstance(answers, dict):
        raise SystemExit(f"{path}: expected a mapping of answers, found {type(answers).__name__}")
    if OLD_KEY not in answers:
        return None
    migrated = migrate(answers)
    body = yaml.safe_dump(migrated, sort_keys=False, allow_unicode=True, default_flow_style=False)
    path.write_text(_header(text) + body, encoding="utf-8")
    return f"{OLD_KEY}: {answers[OLD_KEY]!r} -> {NEW_KEY}: {migrated[NEW_KEY]}"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: docker_to_deployment.py ANSWERS_FILE", file=sys.stderr)
        return 2
    path = Path(argv[0])
    if not path.is_file():
        print(f"docker_to_deployment.py: no {path}; nothing to migrate", file=sys.stderr)
        return 0
    change = rewrite(path)
    if change is not None:
        print(f"docker_to_deployment.py: {path}: {change}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
