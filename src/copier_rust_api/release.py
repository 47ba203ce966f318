"""Which release of the template this is, and where its releases live.

The version is written once, in pyproject.toml; the template's git tags are that version with a
`v` in front (`v0.2.0`). A project records the tag it was made from, so `copier update` can find
the same template again and merge the newer release into it.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from copier_rust_api.paths import REPO_ROOT

DISTRIBUTION = "copier-rust-api"
# The template's public git repository, in copier's `gh:` shorthand: what `rust-api new`
# records as `_src_path` unless told otherwise.
UPSTREAM = "gh:copier-rust-api/copier-rust-api"
# The last release whose `rust-api new` recorded no usable source (a site-packages path and
# no `_commit`): projects made then are repaired with `rust-api link --ref` this tag.
LAST_RELEASE_WITHOUT_SOURCE = "v0.1.0"

_URL = re.compile(r"^(gh:|gl:|git\+|[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


def version() -> str:
    """The version of this copy of the package.

    A source checkout reads its pyproject.toml (an editable install's metadata keeps the version
    it was installed with); an installed wheel reads its own metadata.
    """
    pyproject = REPO_ROOT / "pyproject.toml"
    if pyproject.is_file():
        with pyproject.open("rb") as handle:
            project = tomllib.load(handle).get("project", {})
        if project.get("name") == DISTRIBUTION and "version" in project:
            return str(project["version"])
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # neither a checkout nor installed: unusual
        return "0+unknown"


def tag(release: str | None = None) -> str:
    """The git tag of `release` (default: this package's version): `v0.2.0`."""
    return f"v{release or version()}"


def is_url(source: str) -> bool:
    """Whether `source` names a remote repository (`gh:o/r`, `https://...`, `git@host:o/r`)
    rather than a directory on this machine."""
    return bool(_URL.match(source))
