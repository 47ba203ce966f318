"""The SQLx query data shipped in template/.sqlx is exactly what the current queries and
migrations produce, for every (database, auth) query set; stale data fails here.

Regenerate with `python -m copier_rust_api.sqlx_data` after changing a query or a migration.
Needs cargo and the PostgreSQL server of the postgres variants (RUST_API_POSTGRES_URL).
"""

from __future__ import annotations

import pytest

from copier_rust_api import sqlx_data

pytestmark = pytest.mark.cargo


def test_every_query_set_is_shipped() -> None:
    expected = {sqlx_data.set_name(answers) for answers in sqlx_data.query_set_answers()}
    assert set(sqlx_data.shipped()) == expected


def test_the_shipped_query_data_matches_the_queries() -> None:
    fresh = sqlx_data.regenerate()
    shipped = sqlx_data.shipped()
    for name, files in fresh.items():
        assert shipped[name].keys() == files.keys(), (
            f"{name}: stale query data; run `python -m copier_rust_api.sqlx_data`"
        )
        for file, text in files.items():
            assert shipped[name][file] == text, f"{name}/{file} differs from the live query"
