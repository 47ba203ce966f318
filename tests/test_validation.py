"""copier refuses invalid answers with a message that says what is wrong, and writes nothing."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import copier
import pytest
from copier import Settings


def copy(template: Path, dst: Path, **data: object) -> None:
    copier.run_copy(
        str(template),
        dst,
        data=data,
        settings=Settings(),
        defaults=True,
        unsafe=True,
        quiet=True,
    )


def nothing_written(dst: Path) -> bool:
    return not dst.exists() or not any(dst.iterdir())


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param({"crate_name": "My Crate"}, "not a valid crate name", id="spaces-and-caps"),
        pytest.param({"crate_name": "1abc"}, "starting with a letter", id="leading-digit"),
        pytest.param({"crate_name": "fn"}, "is a Rust keyword", id="keyword-fn"),
        pytest.param({"crate_name": "self"}, "is a Rust keyword", id="keyword-self"),
        pytest.param({"crate_name": "test"}, "reserved by cargo", id="cargo-reserved-test"),
        pytest.param({"port": 0}, "port must be between 1 and 65535, got 0", id="port-0"),
        pytest.param(
            {"port": 70000}, "port must be between 1 and 65535, got 70000", id="port-70000"
        ),
    ],
)
def test_an_invalid_answer_is_refused_and_nothing_is_written(
    template_snapshot: Path,
    tmp_path: Path,
    answers: dict[str, Any],
    message: str,
) -> None:
    dst = tmp_path / "project"
    (question,) = answers
    with pytest.raises(ValueError, match=rf"'{question}'") as refused:
        copy(template_snapshot, dst, **answers)
    assert message in str(refused.value)
    assert nothing_written(dst), f"files were written: {sorted(dst.rglob('*'))}"


@pytest.mark.parametrize(
    ("project_name", "message"),
    [("Fn", "is a Rust keyword"), ("Test", "reserved by cargo")],
)
def test_a_crate_name_derived_from_the_project_name_is_validated_too(
    template_snapshot: Path, tmp_path: Path, project_name: str, message: str
) -> None:
    dst = tmp_path / "project"
    with pytest.raises(ValueError, match="'crate_name'") as refused:
        copy(template_snapshot, dst, project_name=project_name)
    assert message in str(refused.value)
    assert nothing_written(dst)


@pytest.mark.parametrize(
    ("question", "answer", "valid"),
    [
        ("framework", "fastapi", "axum, actix-web"),
        ("database", "mysql", "sqlite, postgres"),
        ("auth", "oauth", "jwt, none"),
        ("license", "GPL-3.0", "MIT, Apache-2.0, MIT OR Apache-2.0, none"),
    ],
)
def test_an_answer_outside_the_choices_is_refused_with_the_valid_ones(
    template_snapshot: Path, tmp_path: Path, question: str, answer: str, valid: str
) -> None:
    dst = tmp_path / "project"
    with pytest.raises(ValueError, match=f"Invalid choice for '{question}'") as refused:
        copy(template_snapshot, dst, **{question: answer})
    assert f"{answer!r}; choose one of: {valid}" in str(refused.value)
    assert nothing_written(dst)


def test_the_copier_cli_refuses_an_answer_outside_the_choices_without_a_traceback(
    template_snapshot: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "project"
    command = ["copy", "--trust", "--defaults", "--data", "database=mysql"]
    result = subprocess.run(
        [sys.executable, "-m", "copier", *command, str(template_snapshot), str(dst)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Invalid choice for 'database': 'mysql'; choose one of: sqlite, postgres" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert nothing_written(dst)


@pytest.mark.parametrize("crate_name", ["my_api2", "my-api", "a"])
def test_a_valid_crate_name_is_accepted_and_becomes_the_package_name(
    template_snapshot: Path, tmp_path: Path, crate_name: str
) -> None:
    dst = tmp_path / "project"
    copy(template_snapshot, dst, crate_name=crate_name)
    cargo = tomllib.loads((dst / "Cargo.toml").read_text(encoding="utf-8"))
    assert cargo["package"]["name"] == crate_name


@pytest.mark.parametrize("port", [1, 65535])
def test_the_ports_at_either_end_of_the_range_are_accepted(
    template_snapshot: Path, tmp_path: Path, port: int
) -> None:
    dst = tmp_path / "project"
    copy(template_snapshot, dst, port=port)
    assert (dst / "Cargo.toml").is_file()


def test_the_crate_name_is_derived_from_the_project_name(
    template_snapshot: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "project"
    copy(template_snapshot, dst, project_name="Billing Service 2")
    cargo = tomllib.loads((dst / "Cargo.toml").read_text(encoding="utf-8"))
    assert cargo["package"]["name"] == "billing-service-2"


@pytest.mark.parametrize(
    ("project_name", "crate_name"),
    [
        ("Über Café API", "uber-cafe-api"),
        ("Straße Øl Łódź Þing Æther", "strasse-ol-lodz-thing-aether"),
        ("Señor Ñandú", "senor-nandu"),
        ("日本 API", "api"),
    ],
)
def test_a_non_ascii_project_name_is_transliterated_into_the_crate_name(
    template_snapshot: Path, tmp_path: Path, project_name: str, crate_name: str
) -> None:
    dst = tmp_path / "project"
    copy(template_snapshot, dst, project_name=project_name)
    cargo = tomllib.loads((dst / "Cargo.toml").read_text(encoding="utf-8"))
    assert cargo["package"]["name"] == crate_name
