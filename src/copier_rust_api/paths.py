"""Where the template lives: bundled inside the wheel, or the repository in a dev checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_TEMPLATE = PACKAGE_DIR / "_template"
REPO_ROOT = PACKAGE_DIR.parents[1]
COPIER_FILE = "copier.yml"
# What makes up the template; the wheel bundles exactly these (see pyproject.toml).
TEMPLATE_PARTS = (COPIER_FILE, "extensions", "template")


def template_root() -> Path:
    """The directory holding copier.yml, extensions/ and template/.

    An installed wheel carries them in `_template/`; an editable install or a source checkout
    uses the repository root, two levels above the package (`src/copier_rust_api`).
    """
    if (BUNDLED_TEMPLATE / COPIER_FILE).is_file():
        return BUNDLED_TEMPLATE
    return REPO_ROOT


def copier_file(root: Path | None = None) -> Path:
    """The questionnaire of the template at `root` (default: `template_root()`)."""
    return (root or template_root()) / COPIER_FILE
