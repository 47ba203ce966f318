"""Derived context: every compound condition the template needs, computed once, by name."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from copier.errors import UserMessageError
from copier_template_extensions import ContextHook

VERSIONS_FILE = Path(__file__).with_name("versions.toml")
QUESTIONS_FILE = Path(__file__).resolve().parents[1] / "copier.yml"


@cache
def versions() -> dict[str, dict[str, str]]:
    """The crate version table, read once per process."""
    with VERSIONS_FILE.open("rb") as handle:
        return tomllib.load(handle)


# The SQLx features each database needs, on top of the ones every variant uses.
SQLX_COMMON = ["chrono", "macros", "migrate", "runtime-tokio", "uuid"]
SQLX_FEATURES = {
    "sqlite": sorted([*SQLX_COMMON, "sqlite-bundled"]),
    "postgres": sorted([*SQLX_COMMON, "postgres", "tls-rustls"]),
}

# The Diesel features each database needs: diesel-async talks to PostgreSQL through
# tokio-postgres (`postgres_backend`, no libpq) and to SQLite through diesel's own connection.
DIESEL_FEATURES = {
    "sqlite": ["chrono", "returning_clauses_for_sqlite_3_35", "sqlite"],
    "postgres": ["chrono", "postgres_backend", "uuid"],
}
DIESEL_ASYNC_FEATURES = {
    "sqlite": ["async-connection-wrapper", "bb8", "sqlite"],
    "postgres": ["async-connection-wrapper", "bb8", "postgres"],
}

# Permissive licenses every choice can ship dependencies under, proprietary included. Copyleft
# licenses (GPL, LGPL, AGPL) are refused: they would bind the project's own license.
PERMISSIVE_LICENSES = (
    "0BSD",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSL-1.0",
    "CC0-1.0",
    "CDLA-Permissive-2.0",
    "ISC",
    "MIT",
    "MIT-0",
    "Unicode-3.0",
    "Unlicense",
    "Zlib",
)


def allowed_licenses(license_: str) -> list[str]:
    """The dependency licenses deny.toml allows: the permissive set plus the project's own."""
    own = [] if license_ == "none" else [part.strip() for part in license_.split(" OR ")]
    return sorted({*PERMISSIVE_LICENSES, *own})


# Graceful shutdown: on SIGTERM the server answers readiness 503 for
# server.shutdown_readiness_delay_ms (5 s in config/production.yaml), then closes its listener
# and gives in-flight requests server.shutdown_timeout_secs (20 s in config/base.yaml) before it
# exits regardless. Kubernetes sends SIGTERM after the pre-stop pause (endpoints are removed
# meanwhile), then waits out the grace period before SIGKILL: pause + drain + a margin.
DRAIN_SECONDS = 5 + 20
PRE_STOP_SECONDS = 5
TERMINATION_GRACE_SECONDS = PRE_STOP_SECONDS + DRAIN_SECONDS + 10

DATA_LIBRARIES = ("sqlx", "diesel")


def _library_and(key: str, value: str, library: str) -> tuple[tuple[str, ...], Callable[..., Any]]:
    """A flag that holds when `db_library` is `library` and the answer `key` is `value`."""
    return (("db_library", key), lambda chosen, answer: chosen == library and answer == value)


# Each derived flag, by name: the answers it reads and how it combines them.
FLAGS: dict[str, tuple[tuple[str, ...], Callable[..., Any]]] = {
    "crate_ident": (("crate_name",), lambda name: str(name).replace("-", "_")),
    "auth_jwt": (("auth",), lambda auth: auth == "jwt"),
    "auth_none": (("auth",), lambda auth: auth == "none"),
    "is_axum": (("framework",), lambda framework: framework == "axum"),
    "is_actix": (("framework",), lambda framework: framework == "actix-web"),
    "is_sqlite": (("database",), lambda database: database == "sqlite"),
    "is_postgres": (("database",), lambda database: database == "postgres"),
    "use_sqlx": (("db_library",), lambda library: library == "sqlx"),
    "use_diesel": (("db_library",), lambda library: library == "diesel"),
    # Each repository module is a whole file per data library and database
    # (`sqlx_sqlite`, `diesel_postgres`, ...), and the password migration is in each library's
    # migrations layout (`sqlx_auth_jwt`, `diesel_auth_jwt`).
    **{
        f"{library}_{suffix}": _library_and(key, value, library)
        for library in DATA_LIBRARIES
        for suffix, key, value in (
            ("sqlite", "database", "sqlite"),
            ("postgres", "database", "postgres"),
            ("auth_jwt", "auth", "jwt"),
        )
    },
    # An answer outside the choices gets no features (copier refuses it right after, with
    # the list of valid choices); looking it up must not crash first.
    "sqlx_features": (("database",), lambda database: SQLX_FEATURES.get(database, [])),
    "diesel_features": (("database",), lambda database: DIESEL_FEATURES.get(database, [])),
    "diesel_async_features": (
        ("database",),
        lambda database: DIESEL_ASYNC_FEATURES.get(database, []),
    ),
    # Which shipped set of SQLx offline query data (template/.sqlx) the project gets.
    "sqlx_query_set": (
        ("db_library", "database", "auth"),
        lambda library, database, auth: f"{database}-{auth}" if library == "sqlx" else "",
    ),
    "has_license": (("license",), lambda license_: license_ != "none"),
    "dual_license": (("license",), lambda license_: license_ == "MIT OR Apache-2.0"),
    "ci_github": (("ci",), lambda ci: ci == "github"),
    "ci_gitlab": (("ci",), lambda ci: ci == "gitlab"),
    "has_ci": (("ci",), lambda ci: ci != "none"),
    # The compose file starts the PostgreSQL server the project needs.
    "compose_database": (
        ("database", "deployment"),
        lambda database, deployment: database == "postgres" and deployment == "compose",
    ),
    # Deployment targets: compose and kubernetes both build the image from the Dockerfile.
    "has_dockerfile": (("deployment",), lambda deployment: deployment != "none"),
    "deploy_compose": (("deployment",), lambda deployment: deployment == "compose"),
    "deploy_kubernetes": (("deployment",), lambda deployment: deployment == "kubernetes"),
    # The database is a server (not an embedded file): its URL carries credentials (a secret),
    # and replicas can share it, so they scale out. An SQLite file belongs to one process on
    # one volume: one replica, no autoscaler or disruption budget.
    "database_server": (("database",), lambda database: database != "sqlite"),
    # Kubernetes object names are DNS labels: no `_`, at most 63 characters (room left for
    # the `-dev` namespace and `-secrets`/`-config` suffixes).
    "kube_name": (("crate_name",), lambda name: str(name).replace("_", "-")[:40].strip("-")),
    # A Kubernetes Secret holds the JWT signing key and the database URL of a server database.
    "has_secrets": (("auth", "database"), lambda auth, db: auth == "jwt" or db != "sqlite"),
    # Licenses cargo-deny accepts for dependencies, given the project's own license.
    "deny_licenses": (("license",), lambda license_: allowed_licenses(license_)),
    # Seconds Kubernetes waits between SIGTERM and SIGKILL: see TERMINATION_GRACE_SECONDS.
    "termination_grace_seconds": ((), lambda: TERMINATION_GRACE_SECONDS),
    "pre_stop_seconds": ((), lambda: PRE_STOP_SECONDS),
}


class InvalidChoice(UserMessageError, ValueError):
    """An answer outside its question's choices.

    A `UserMessageError`, so copier's CLI prints the message alone and exits 1 (a plain
    `ValueError` from `--data` ends in a traceback there); a `ValueError`, like copier's own
    choice check, for callers of copier's API.
    """


def _choice_value(choice: object) -> object:
    """The value of one copier choice: `value`, `[label, value]` or `{value: ...}`."""
    if isinstance(choice, Mapping):
        return choice.get("value")
    if isinstance(choice, list | tuple) and len(choice) == 2:
        return choice[1]
    return choice


@cache
def choices() -> dict[str, tuple[Any, ...]]:
    """Each question with fixed choices in copier.yml, with its choice values."""
    with QUESTIONS_FILE.open(encoding="utf-8") as handle:
        config = yaml.safe_load(handle) or {}
    found = {}
    for name, spec in config.items():
        raw = spec.get("choices") if isinstance(spec, Mapping) else None
        values = raw.values() if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
        picked = tuple(_choice_value(choice) for choice in values)
        if picked and not any("{{" in str(value) or "{%" in str(value) for value in picked):
            found[name] = picked
    return found


def check_choices(answers: Mapping[str, Any]) -> None:
    """Refuse an answer outside its question's choices, naming the valid ones.

    Copier renders defaults and validators (running this hook) before it checks the choices of
    answers given with `--data`, so the refusal has to come from here to be a clean one.
    """
    for name, valid in choices().items():
        if name not in answers:
            continue
        answer = answers[name]
        if answer in valid or str(answer) in {str(value) for value in valid}:
            continue
        listed = ", ".join(str(value) for value in valid)
        raise InvalidChoice(f"Invalid choice for '{name}': {answer!r}; choose one of: {listed}")


def derived(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The flags whose answers are known. Pure: the same answers give the same flags.

    Copier also renders while it is still asking questions, when only some answers exist; a
    flag appears as soon as every answer it reads does.
    """
    return {
        flag: compute(*(answers[name] for name in names))
        for flag, (names, compute) in FLAGS.items()
        if all(name in answers for name in names)
    }


def checked_flags(answers: Mapping[str, Any]) -> dict[str, Any]:
    """`check_choices`, then `derived`; remembered per distinct set of the answers they read.

    The hook runs for every string and file copier renders (hundreds per project), always with
    the same answers once the questions are done.
    """
    try:
        key = tuple(answers.get(name, _UNANSWERED) for name in _READ)
        known = _CHECKED.get(key)
    except TypeError:  # an unhashable answer: nothing to remember it by
        check_choices(answers)
        return derived(answers)
    if known is None:
        check_choices(answers)
        known = _CHECKED[key] = derived(answers)
    return known


_UNANSWERED = object()
# Every answer `check_choices` and `derived` read.
_READ = tuple(sorted({*choices(), *(name for names, _ in FLAGS.values() for name in names)}))
_CHECKED: dict[tuple[Any, ...], dict[str, Any]] = {}


class ContextUpdater(ContextHook):
    """Adds `versions`, `toolchain`, `ci_versions` and the derived flags to every context."""

    def hook(self, context: dict[str, Any]) -> None:
        table = versions()
        context["versions"] = table["crates"]
        context["toolchain"] = table["toolchain"]
        context["ci_versions"] = table["ci"]
        context.update(checked_flags(context))
