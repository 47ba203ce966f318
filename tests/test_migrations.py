"""The answers migration copier.yml runs before an update: old answer names become today's.

Run the way copier runs it, `python extensions/migrations/rename_answers.py ANSWERS_FILE` in the
project; tests/test_update.py covers it end to end through `copier update`.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

HEADER = "# Changes here will be overwritten by Copier; do not edit by hand.\n"


@pytest.fixture(scope="module")
def script(template_root: Path) -> Path:
    return template_root / "extensions" / "migrations" / "rename_answers.py"


def migrate(script: Path, answers_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), answers_file.name],
        cwd=answers_file.parent,
        capture_output=True,
        text=True,
        check=False,
    )


def write(path: Path, body: str) -> Path:
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_copier_yml_runs_the_migration_before_the_update(template_root: Path) -> None:
    config = yaml.safe_load((template_root / "copier.yml").read_text(encoding="utf-8"))
    (migration,) = [
        step for step in config["_migrations"] if step["command"][1].endswith("/rename_answers.py")
    ]
    assert migration["version"] == "0.2.0"
    assert migration["when"] == "{{ _stage == 'before' }}"
    assert migration["command"][0] == "{{ _copier_python }}"
    assert migration["command"][1].endswith("/extensions/migrations/rename_answers.py")


def test_use_metrics_becomes_metrics_with_its_value(script: Path, tmp_path: Path) -> None:
    answers_file = write(
        tmp_path / ".copier-answers.yml",
        "_commit: v0.1.0\n_src_path: gh:example/template\nauth: jwt\nuse_metrics: false\n",
    )
    result = migrate(script, answers_file)
    assert result.returncode == 0, result.stderr
    text = answers_file.read_text(encoding="utf-8")
    assert text.startswith(HEADER), "the header comment was dropped"
    assert yaml.safe_load(text) == {
        "_commit": "v0.1.0",
        "_src_path": "gh:example/template",
        "auth": "jwt",
        "metrics": False,
    }
    assert "use_metrics -> metrics" in result.stderr


def test_an_answers_file_using_todays_names_is_left_byte_for_byte(
    script: Path, tmp_path: Path
) -> None:
    body = "_commit: v0.2.0\nauth: none  # kept as written\nmetrics: true\n"
    answers_file = write(tmp_path / ".copier-answers.yml", body)
    assert migrate(script, answers_file).returncode == 0
    assert answers_file.read_text(encoding="utf-8") == HEADER + body


def test_when_both_names_are_recorded_todays_wins(script: Path, tmp_path: Path) -> None:
    answers_file = write(
        tmp_path / ".copier-answers.yml", "metrics: true\nuse_metrics: false\nport: 8080\n"
    )
    assert migrate(script, answers_file).returncode == 0
    assert yaml.safe_load(answers_file.read_text(encoding="utf-8")) == {
        "metrics": True,
        "port": 8080,
    }


def test_a_missing_answers_file_is_nothing_to_migrate(script: Path, tmp_path: Path) -> None:
    result = migrate(script, tmp_path / ".copier-answers.yml")
    assert result.returncode == 0
    assert not (tmp_path / ".copier-answers.yml").exists()


def test_an_answers_file_that_is_not_a_mapping_is_refused(script: Path, tmp_path: Path) -> None:
    answers_file = write(tmp_path / ".copier-answers.yml", "- just\n- a list\n")
    result = migrate(script, answers_file)
    assert result.returncode != 0
    assert "expected a mapping" in result.stderr


def load_script(script: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("rename_answers", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def test_a_rename_can_map_the_old_answers_values_too(script: Path) -> None:
    module = load_script(script)
    bool_to_choice = module.Rename("docker", "deployment", values={True: "compose", False: "none"})
    renames = (*module.RENAMES, bool_to_choice)
    assert module.migrate({"docker": False, "auth": "jwt"}, renames) == {
        "deployment": "none",
        "auth": "jwt",
    }
    assert module.migrate({"docker": True, "use_metrics": False}, renames) == {
        "deployment": "compose",
        "metrics": False,
    }


def test_a_value_the_mapping_does_not_know_stops_the_migration(script: Path) -> None:
    module = load_script(script)
    bool_to_choice = module.Rename("docker", "deployment", values={True: "compose", False: "none"})
    with pytest.raises(SystemExit, match="cannot migrate docker: 'maybe'"):
        module.migrate({"docker": "maybe"}, (bool_to_choice,))


# --- 0.2.0: the `docker` yes/no became the `deployment` choice --------------------------------
# tests/test_update.py covers it end to end, from a real 0.1.0 release that asked `docker`.


@pytest.mark.parametrize(("docker", "deployment"), [("true", "compose"), ("false", "none")])
def test_docker_becomes_the_deployment_that_renders_the_same_files(
    script: Path, tmp_path: Path, docker: str, deployment: str
) -> None:
    answers_file = write(
        tmp_path / ".copier-answers.yml",
        "_commit: 0.1.0\n_src_path: gh:example/template\nauth: jwt\n"
        f"docker: {docker}\nci: github\n",
    )
    result = migrate(script, answers_file)
    assert result.returncode == 0, result.stderr
    text = answers_file.read_text(encoding="utf-8")
    assert text.startswith(HEADER), "the header comment was dropped"
    assert yaml.safe_load(text) == {
        "_commit": "0.1.0",
        "_src_path": "gh:example/template",
        "auth": "jwt",
        "deployment": deployment,
        "ci": "github",
    }
    assert list(yaml.safe_load(text)) == ["_commit", "_src_path", "auth", "deployment", "ci"]
    assert "docker -> deployment" in result.stderr


def test_an_answers_file_without_docker_is_left_byte_for_byte(script: Path, tmp_path: Path) -> None:
    body = "_commit: 0.2.0\ndeployment: kubernetes  # kept as written\n"
    answers_file = write(tmp_path / ".copier-answers.yml", body)
    assert migrate(script, answers_file).returncode == 0
    assert answers_file.read_text(encoding="utf-8") == HEADER + body


def test_when_both_are_recorded_deployment_wins(script: Path, tmp_path: Path) -> None:
    answers_file = write(
        tmp_path / ".copier-answers.yml", "docker: true\ndeployment: kubernetes\nport: 8080\n"
    )
    assert migrate(script, answers_file).returncode == 0
    assert yaml.safe_load(answers_file.read_text(encoding="utf-8")) == {
        "deployment": "kubernetes",
        "port": 8080,
    }


def test_a_docker_answer_that_is_not_a_bool_is_refused_and_nothing_is_written(
    script: Path, tmp_path: Path
) -> None:
    answers_file = write(tmp_path / ".copier-answers.yml", "docker: maybe\nport: 8080\n")
    result = migrate(script, answers_file)
    assert result.returncode != 0
    assert "cannot migrate docker: 'maybe' to deployment" in result.stderr
    assert answers_file.read_text(encoding="utf-8") == HEADER + "docker: maybe\nport: 8080\n"
