"""Derived context: every compound condition the template needs, computed once, by name."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from copier_template_extensions import ContextHook

VERSIONS_FILE = Path(__file__).with_name("versions.toml")


@cache
def versions() -> dict[str, dict[str, str]]:
    """The crate version table, read once per process."""
    with VERSIONS_FILE.open("rb") as handle:
        return tomllib.load(handle)


# Each derived flag, by name, with the answer it reads and how.
FLAGS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "crate_ident": ("crate_name", lambda name: str(name).replace("-", "_")),
    "auth_jwt": ("auth", lambda auth: auth == "jwt"),
    "auth_none": ("auth", lambda auth: auth == "none"),
    "is_axum": ("framework", lambda framework: framework == "axum"),
    "is_sqlite": ("database", lambda database: database == "sqlite"),
    "is_sqlx": ("db_library", lambda library: library == "sqlx"),
    "has_license": ("license", lambda license_: license_ != "none"),
    "dual_license": ("license", lambda license_: license_ == "MIT OR Apache-2.0"),
    "ci_github": ("ci", lambda ci: ci == "github"),
}


def derived(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The flags whose answers are known. Pure: the same answers give the same flags.

    Copier also renders while it is still asking questions, when only some answers exist; a
    flag appears as soon as the answer it reads does.
    """
    return {
        flag: compute(answers[answer])
        for flag, (answer, compute) in FLAGS.items()
        if answer in answers
    }


class ContextUpdater(ContextHook):
    """Adds `versions`, `toolchain` and the derived flags to every template's context."""

    def hook(self, context: dict[str, Any]) -> None:
        table = versions()
        context["versions"] = table["crates"]
        context["toolchain"] = table["toolchain"]
        context.update(derived(context))
