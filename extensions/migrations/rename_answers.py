"""Copier migration: rename answers that older template versions recorded under other names.

copier.yml's `_migrations` runs this before an update replays the recorded answers, in the
project being updated:

    python extensions/migrations/rename_answers.py .copier-answers.yml

Before 1.1.0 the Prometheus question was called `use_metrics`; it is `metrics` now. A project
generated then records `use_metrics: false`, which today's template would not recognise: the
update would silently turn metrics back on (the default). Renaming the key first keeps the
answer. The script is idempotent: a file already using today's names is left byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml  # copier depends on PyYAML, so the Python running copier has it

# Old answer key -> the key today's copier.yml asks for.
RENAMED: dict[str, str] = {"use_metrics": "metrics"}


def migrate(answers: dict[str, Any]) -> dict[str, Any]:
    """`answers` with every old key renamed in place; where both exist, today's key wins."""
    migrated: dict[str, Any] = {}
    for key, value in answers.items():
        new_key = RENAMED.get(key)
        if new_key is None:
            migrated.setdefault(key, value)
        elif new_key not in answers:
            migrated[new_key] = value
    return migrated


def _header(text: str) -> str:
    """The comment lines copier writes above the answers (`# Changes here will be ...`)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def rewrite(path: Path) -> bool:
    """Migrate the answers file at `path` in place; return whether anything changed."""
    text = path.read_text(encoding="utf-8")
    answers = yaml.safe_load(text) or {}
    if not isinstance(answers, dict):
        raise SystemExit(f"{path}: expected a mapping of answers, found {type(answers).__name__}")
    migrated = migrate(answers)
    if migrated == answers and list(migrated) == list(answers):
        return False
    body = yaml.safe_dump(migrated, sort_keys=False, allow_unicode=True, default_flow_style=False)
    path.write_text(_header(text) + body, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: rename_answers.py ANSWERS_FILE", file=sys.stderr)
        return 2
    path = Path(argv[0])
    if not path.is_file():
        print(f"rename_answers.py: {path} does not exist; nothing to migrate", file=sys.stderr)
        return 0
    if rewrite(path):
        renamed = ", ".join(f"{old} -> {new}" for old, new in RENAMED.items())
        print(f"rename_answers.py: renamed answers in {path} ({renamed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
