"""The user documentation builds with mkdocs in strict mode (no broken link or anchor, no page
left out of the navigation), and every question of copier.yml has its section."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from copier_rust_api import matrix


def test_the_docs_build_strictly(template_root: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=template_root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "options" / "auth" / "index.html").is_file()


def test_every_question_has_a_section_in_the_options_pages(template_root: Path) -> None:
    headings = [
        line
        for page in sorted((template_root / "docs" / "options").glob("*.md"))
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    ]
    undocumented = [
        question.name
        for question in matrix.load_questions(template_root / "copier.yml")
        if not any(question.name in heading for heading in headings)
    ]
    assert not undocumented, f"questions with no section under docs/options/: {undocumented}"
