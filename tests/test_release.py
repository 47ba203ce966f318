"""Releases: the version is written once, the CHANGELOG has a section per release, and every
`_migrations` entry names a real release."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.version import Version

import copier_rust_api
from copier_rust_api import release


def changelog_releases(template_root: Path) -> list[str]:
    text = (template_root / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"(?m)^## (\d+\.\d+\.\d+)$", text)


def test_the_version_is_written_once_in_pyproject(template_root: Path) -> None:
    with (template_root / "pyproject.toml").open("rb") as handle:
        written = tomllib.load(handle)["project"]["version"]
    assert release.version() == copier_rust_api.__version__ == written
    assert release.tag() == f"v{written}"
    for path in (template_root / "src").rglob("*.py"):
        assert f'"{written}"' not in path.read_text(encoding="utf-8"), f"{path} repeats it"


def test_the_changelog_has_a_section_per_release_newest_first(template_root: Path) -> None:
    releases = changelog_releases(template_root)
    assert releases[0] == release.version(), "the CHANGELOG has no section for this version"
    assert releases == sorted(releases, key=Version, reverse=True)
    assert "0.1.0" in releases


def test_every_migration_names_a_release_of_the_changelog(template_root: Path) -> None:
    config = yaml.safe_load((template_root / "copier.yml").read_text(encoding="utf-8"))
    releases = changelog_releases(template_root)
    for migration in config["_migrations"]:
        assert migration["version"] in releases, migration["version"]
        assert Version(migration["version"]) <= Version(release.version())


def test_the_changelog_names_every_renamed_answer(template_root: Path) -> None:
    text = (template_root / "CHANGELOG.md").read_text(encoding="utf-8")
    script = (template_root / "extensions/migrations/rename_answers.py").read_text(encoding="utf-8")
    for old, new in re.findall(r'Rename\("(\w+)", "(\w+)"', script):
        assert f"`{old}` -> `{new}`" in text, (old, new)
