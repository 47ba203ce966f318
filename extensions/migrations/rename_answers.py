"""Copier migration: rename answers that older template releases recorded under other names.

copier.yml's `_migrations` runs this before an update replays the recorded answers, in the
project being updated:

    python extensions/migrations/rename_answers.py .copier-answers.yml

Each entry of `RENAMES` is one question that changed its name, and optionally the shape of its
answer: `values` maps each old answer to today's (a bool question that became a choice, say).
Release 0.1.0 called the Prometheus question `use_metrics`; since 0.2.0 it is `metrics` (and
the `docker` yes/no became the `deployment` choice: true is `compose`, false is `none`). A
project generated then records `use_metrics: false`, which today's template would not recognise:
the update would silently turn metrics back on (the default). Renaming the key first keeps the
answer. The script is idempotent: a file already using today's names is left byte for byte.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # copier depends on PyYAML, so the Python running copier has it


@dataclass(frozen=True)
class Rename:
    """Answer `old` is recorded as `new` now; `values` maps old answers to new ones (if given)."""

    old: str
    new: str
    values: Mapping[object, object] = field(default_factory=dict)

    def value(self, answer: object) -> object:
        """Today's answer for an `answer` recorded under the old name."""
        if not self.values:
            return answer
        if answer not in self.values:
            known = ", ".join(repr(key) for key in self.values)
            raise SystemExit(
                f"rename_answers.py: cannot migrate {self.old}: {answer!r} to {self.new}: "
                f"expected one of {known}"
            )
        return self.values[answer]


# Every question renamed since the first release, oldest first.
RENAMES: tuple[Rename, ...] = (
    Rename("use_metrics", "metrics"),
    # The `docker` yes/no became the `deployment` choice; each answer keeps its files.
    Rename("docker", "deployment", values={True: "compose", False: "none"}),
)


def migrate(answers: dict[str, Any], renames: Sequence[Rename] = RENAMES) -> dict[str, Any]:
    """`answers` with every old key renamed in place; where both exist, today's key wins."""
    by_old = {rename.old: rename for rename in renames}
    migrated: dict[str, Any] = {}
    for key, answer in answers.items():
        rename = by_old.get(key)
        if rename is None:
            migrated.setdefault(key, answer)
        elif rename.new not in answers:
            migrated[rename.new] = rename.value(answer)
    return migrated


def applied(answers: Mapping[str, Any], renames: Sequence[Rename] = RENAMES) -> list[Rename]:
    """The renames `answers` needs (their old key is recorded)."""
    return [rename for rename in renames if rename.old in answers]


def _header(text: str) -> str:
    """The comment lines copier writes above the answers (`# Changes here will be ...`)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def rewrite(path: Path, renames: Sequence[Rename] = RENAMES) -> list[Rename]:
    """Migrate the answers file at `path` in place; return the renames it applied."""
    text = path.read_text(encoding="utf-8")
    answers = yaml.safe_load(text) or {}
    if not isinstance(answers, dict):
        raise SystemExit(f"{path}: expected a mapping of answers, found {type(answers).__name__}")
    done = applied(answers, renames)
    if not done:
        return []
    migrated = migrate(answers, renames)
    body = yaml.safe_dump(migrated, sort_keys=False, allow_unicode=True, default_flow_style=False)
    path.write_text(_header(text) + body, encoding="utf-8")
    return done


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: rename_answers.py ANSWERS_FILE", file=sys.stderr)
        return 2
    path = Path(argv[0])
    if not path.is_file():
        print(f"rename_answers.py: {path} does not exist; nothing to migrate", file=sys.stderr)
        return 0
    done = rewrite(path)
    if done:
        renamed = ", ".join(f"{rename.old} -> {rename.new}" for rename in done)
        print(f"rename_answers.py: renamed answers in {path} ({renamed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
