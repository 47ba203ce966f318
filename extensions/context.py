"""Derived context: every compound condition the template needs, computed once, by name."""

from __future__ import annotations

import tomllib
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


def derived(answers: dict[str, Any]) -> dict[str, Any]:
    """Flags derived from the answers. Pure: the same answers give the same flags."""
    auth_jwt = answers["auth"] == "jwt"
    return {
        "crate_ident": answers["crate_name"].replace("-", "_"),
        "auth_jwt": auth_jwt,
        "auth_none": not auth_jwt,
        "is_axum": answers["framework"] == "axum",
        "is_sqlite": answers["database"] == "sqlite",
        "is_sqlx": answers["db_library"] == "sqlx",
        "has_license": answers["license"] != "none",
        "ci_github": answers["ci"] == "github",
    }


class ContextUpdater(ContextHook):
    """Adds `versions`, `toolchain` and the derived flags to every template's context."""

    def hook(self, context: dict[str, Any]) -> None:
        table = versions()
        context["versions"] = table["crates"]
        context["toolchain"] = table["toolchain"]
        if all(key in context for key in ("auth", "crate_name", "framework", "ci")):
            context.update(derived(context))
