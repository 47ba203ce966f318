"""Shared fixtures: the template under test, a hermetic environment, and its releases.

Rendering every combination (with pytest-copie) lives in tests/render_all.py and
tests/test_render.py.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiling import CompileChecks
from copier_rust_api.render import snapshot, vcs_ref_for
from releases import TemplateRepo, with_new_release
from render_all import VALIDATED

# The compile checks this session started, for the summary line.
SUMMARIES: list[CompileChecks] = []

# The checkout these tests belong to (not an installed copy of the template).
TEMPLATE_ROOT = Path(__file__).resolve().parents[1]

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "template-tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "template-tests@example.com",
}


@pytest.fixture(scope="session", autouse=True)
def hermetic_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A git identity and empty copier settings, whatever the machine has configured."""
    settings = tmp_path_factory.mktemp("copier-settings") / "settings.yml"
    # An empty mapping, not an empty file: copier 9.19 refuses a file that loads as None.
    settings.write_text("{}\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in GIT_IDENTITY.items():
            patch.setenv(key, value)
        patch.setenv("COPIER_SETTINGS_PATH", str(settings))
        yield


@pytest.fixture(scope="session", autouse=True)
def compile_checks(
    request: pytest.FixtureRequest, hermetic_env: None
) -> Iterator[CompileChecks | None]:
    """The compile checks of the selected variants, running in the background from the start.

    Started only for the variants whose tests (test_generated_builds.py) are selected, so
    `pytest -k sqlite-diesel` compiles those alone.
    """
    wanted = [
        item.callspec.params["variant"]
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and "compile_checks" in inspect.signature(item.function).parameters
    ]
    if not wanted:
        yield None
        return
    running = CompileChecks.start(TEMPLATE_ROOT, list({v.slug: v for v in wanted}.values()))
    SUMMARIES.append(running)
    yield running
    running.wait()


@pytest.fixture(scope="session")
def template_root() -> Path:
    """The template repository under test: copier.yml, extensions/ and template/."""
    return TEMPLATE_ROOT


@pytest.fixture(scope="session")
def vcs_ref(template_root: Path) -> str | None:
    """`HEAD` in a git checkout, so copier renders the working tree and not the newest tag."""
    return vcs_ref_for(template_root)


@pytest.fixture(scope="session")
def template_snapshot(template_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree's template, copied once per session as a plain directory.

    Rendering it skips copier's git clone of the checkout (several times faster across the whole
    matrix) and every test of a session sees the same template, even while it is being edited.
    `test_render.py` checks that it renders the same tree as the git checkout at HEAD.
    """
    return snapshot(template_root, tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def template_repo(template_root: Path, tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    """The template as a git repository: v0.1.0 is the working tree, v0.2.0 changes it a little."""
    return with_new_release(template_root, tmp_path_factory.mktemp("template-repo"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fast tests first, cargo-marked ones last: the compile checks started in the background
    at session start overlap the fast tests instead of waiting for them."""
    items.sort(key=lambda item: item.get_closest_marker("cargo") is not None)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many distinct rendered files each validator checked (tests/test_render.py)."""
    if VALIDATED:
        counts = ", ".join(f"{name}: {count}" for name, count in sorted(VALIDATED.items()))
        terminalreporter.write_line(f"distinct files validated: {counts}")
    for running in SUMMARIES:
        terminalreporter.write_line(running.summary())
