"""The matrix engine enumerates exactly the combinations copier.yml allows."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from copier_rust_api import matrix
from copier_rust_api.matrix import RUST_AFFECTING


@pytest.fixture(scope="module")
def copier_yml(template_root: Path) -> Path:
    return template_root / "copier.yml"


@pytest.fixture(scope="module")
def config(copier_yml: Path) -> dict[str, object]:
    loaded = yaml.safe_load(copier_yml.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_every_choice_and_bool_question_is_an_axis(
    copier_yml: Path, config: dict[str, object]
) -> None:
    expected = {
        name
        for name, spec in config.items()
        if not name.startswith("_")
        and isinstance(spec, dict)
        and ("choices" in spec or spec.get("type") == "bool")
    }
    assert set(matrix.axes(matrix.load_questions(copier_yml))) == expected


def test_choice_axes_take_the_values_of_the_choices_mapping(config: dict[str, object]) -> None:
    axes = matrix.axes()
    for name, values in axes.items():
        spec = config[name]
        assert isinstance(spec, dict)
        if "choices" in spec:
            assert values == tuple(spec["choices"].values()), name
        else:
            assert values == (True, False), name


def test_combinations_are_the_full_product_of_the_axes() -> None:
    combos = list(matrix.combinations())
    expected = math.prod(len(values) for values in matrix.axes().values())
    assert len(combos) == expected
    keys = tuple(matrix.axes())
    assert len({tuple(combo[key] for key in keys) for combo in combos}) == expected


def test_free_text_questions_take_their_default() -> None:
    for combo in matrix.combinations():
        assert combo["project_name"] == "My API"
        assert combo["port"] == 8080
        assert combo["description"] == "A production-ready Rust API"


def test_derived_defaults_are_left_for_copier_to_compute() -> None:
    # crate_name defaults to `{{ project_name | crate_name }}`: passing the expression as an
    # answer would make it the literal crate name.
    assert all("crate_name" not in combo for combo in matrix.combinations())


def test_slugs_are_unique_and_stable() -> None:
    slugs = [variant.slug for variant in matrix.variants()]
    assert len(slugs) == len(set(slugs))
    assert slugs == [variant.slug for variant in matrix.variants()]
    assert all(slug == slug.lower() and " " not in slug for slug in slugs)


def test_variants_carry_the_same_answers_as_combinations() -> None:
    assert [v.answers for v in matrix.variants()] == list(matrix.combinations())


def test_compile_variants_vary_only_the_rust_affecting_questions() -> None:
    defaults = matrix.defaults()
    for variant in matrix.compile_variants():
        for key, value in variant.answers.items():
            if key not in RUST_AFFECTING:
                assert value == defaults[key], f"{variant.slug}: {key} is not at its default"


def test_compile_variants_cover_every_rust_affecting_value() -> None:
    variants = list(matrix.compile_variants())
    axes = matrix.axes()
    for key in RUST_AFFECTING:
        assert {v.answers[key] for v in variants} == set(axes[key]), key


def test_compile_variants_are_the_distinct_rust_affecting_combinations() -> None:
    variants = list(matrix.compile_variants())
    assert len(variants) == math.prod(len(matrix.axes()[key]) for key in RUST_AFFECTING)
    distinct = {tuple(v.answers[key] for key in RUST_AFFECTING) for v in variants}
    assert len(distinct) == len(variants)


def test_a_compile_slug_reads_as_the_rust_affecting_answers() -> None:
    answers = {
        "framework": "axum",
        "database": "sqlite",
        "db_library": "sqlx",
        "auth": "none",
        "metrics": False,
    }
    assert matrix.slug(answers, RUST_AFFECTING) == "axum-sqlite-sqlx-none-nometrics"
    assert matrix.slug({**answers, "auth": "jwt", "metrics": True}, RUST_AFFECTING) == (
        "axum-sqlite-sqlx-jwt-metrics"
    )


def test_compile_slugs_are_unique() -> None:
    slugs = [v.slug for v in matrix.compile_variants()]
    assert len(slugs) == len(set(slugs))


def test_full_slugs_prefix_non_rust_values_with_their_question() -> None:
    answers = {"auth": "none", "docker": False, "ci": "none", "license": "MIT OR Apache-2.0"}
    keys = ("auth", "docker", "ci", "license")
    assert matrix.slug(answers, keys) == "none-nodocker-ci-none-license-mit-or-apache-2-0"


def test_settings_keys_are_not_questions(config: dict[str, object]) -> None:
    names = [q.name for q in matrix.load_questions()]
    assert names == [name for name in config if not name.startswith("_")]
