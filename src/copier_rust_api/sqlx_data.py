"""SQLx offline query data: the sets `template/.sqlx/` ships, and how they are regenerated.

The generated repositories use SQLx's checked macros, so a project compiles without a database
only with the query data of its exact SQL. That SQL depends on the database and on the auth
answer; each (database, auth) pair is one *query set*. A set is produced the way
`cargo sqlx prepare` does it: render the variant, build an empty database from the variant's
own migrations, and compile the crate with live checking and `SQLX_OFFLINE_DIR` set.

In the template each file is named `{% if sqlx_query_set == 'SET' %}query-HASH.json{% endif %}`,
so a project receives exactly its set (`sqlx_query_set` is derived in extensions/context.py).

Regenerate after changing a query or a migration:  python -m copier_rust_api.sqlx_data
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from copier_rust_api import matrix
from copier_rust_api.checks import target_dir
from copier_rust_api.paths import template_root
from copier_rust_api.render import render

QuerySet = dict[str, str]  # file name -> JSON text

SET_AXES = ("database", "auth")
POSTGRES_URL_ENV = "RUST_API_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
FILE_NAME = re.compile(
    r"^\{% if sqlx_query_set == '(?P<set>[a-z0-9-]+)' %\}"
    r"(?P<file>query-[0-9a-f]+\.json)"
    r"\{% endif %\}$"
)


def set_name(answers: Mapping[str, object]) -> str:
    """The query set a variant uses; the same rule as `sqlx_query_set` in extensions/context.py."""
    return f"{answers['database']}-{answers['auth']}"


def query_set_answers() -> Iterator[dict[str, object]]:
    """One answers dict per query set, read from copier.yml through the matrix engine."""
    base = matrix.defaults()
    axes = matrix.axes()
    for database in axes["database"]:
        for auth in axes["auth"]:
            yield {**base, "database": database, "auth": auth, "db_library": "sqlx"}


def sqlx_dir(root: Path | None = None) -> Path:
    return (root or template_root()) / "template" / "{% if use_sqlx %}.sqlx{% endif %}"


def shipped(root: Path | None = None) -> dict[str, QuerySet]:
    """The query sets in the template, by set name."""
    sets: dict[str, QuerySet] = {}
    directory = sqlx_dir(root)
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        match = FILE_NAME.match(path.name)
        if match is None:
            raise ValueError(f"unexpected file in {directory}: {path.name}")
        sets.setdefault(match["set"], {})[match["file"]] = path.read_text(encoding="utf-8")
    return sets


def write(sets: Mapping[str, QuerySet], root: Path | None = None) -> None:
    """Replace the template's query data with `sets`."""
    directory = sqlx_dir(root)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    for name, files in sorted(sets.items()):
        for file, text in sorted(files.items()):
            target = directory / f"{{% if sqlx_query_set == '{name}' %}}{file}{{% endif %}}"
            target.write_text(text, encoding="utf-8")


@contextmanager
def _sqlite_database(project: Path, workdir: Path) -> Iterator[str]:
    path = workdir / "prepare.db"
    with sqlite3.connect(path) as connection:
        for migration in sorted((project / "migrations").glob("*.sql")):
            connection.executescript(migration.read_text(encoding="utf-8"))
    yield f"sqlite://{path}"


def _psql(url: str, *args: str) -> None:
    subprocess.run(
        ["psql", "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", url, *args],
        check=True,
        capture_output=True,
        text=True,
    )


@contextmanager
def _postgres_database(project: Path, _workdir: Path) -> Iterator[str]:
    server = os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL).rstrip("/")
    name = f"sqlx_prepare_{uuid.uuid4().hex}"
    _psql(f"{server}/postgres", "-c", f'CREATE DATABASE "{name}"')
    try:
        for migration in sorted((project / "migrations").glob("*.sql")):
            _psql(f"{server}/{name}", "-f", str(migration))
        yield f"{server}/{name}"
    finally:
        _psql(f"{server}/postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


DATABASES = {"sqlite": _sqlite_database, "postgres": _postgres_database}


def prepare(answers: Mapping[str, object], workdir: Path) -> QuerySet:
    """Compile the variant of `answers` against a live database and return its query data."""
    project = render(workdir / "project", answers)
    out = workdir / "sqlx"
    out.mkdir()
    with DATABASES[str(answers["database"])](project, workdir) as url:
        env = {
            **os.environ,
            "SQLX_OFFLINE": "false",
            "DATABASE_URL": url,
            "SQLX_OFFLINE_DIR": str(out),
            "CARGO_TARGET_DIR": str(target_dir()),
        }
        result = subprocess.run(
            ["cargo", "check", "--lib", "--quiet"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"cargo check failed for {set_name(answers)}:\n{result.stderr}")
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(out.glob("*.json"))}


def regenerate() -> dict[str, QuerySet]:
    """Every query set, freshly prepared (each in a new directory, so cargo recompiles)."""
    sets: dict[str, QuerySet] = {}
    for answers in query_set_answers():
        with tempfile.TemporaryDirectory(prefix="sqlx-prepare-") as workdir:
            sets[set_name(answers)] = prepare(answers, Path(workdir))
    return sets


def main() -> int:
    sets = regenerate()
    write(sets)
    for name, files in sorted(sets.items()):
        print(f"{name}: {len(files)} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
