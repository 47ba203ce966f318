"""The git queries behind `rust-api update`: what changed, and what is left in conflict."""

from __future__ import annotations

from pathlib import Path

import pytest

from copier_rust_api import vcs
from copier_rust_api.update import conflicted_files, has_conflict_markers
from releases import commit_all


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "kept.txt").write_text("kept\n", encoding="utf-8")
    (tmp_path / "old name.txt").write_text("moved\n", encoding="utf-8")
    (tmp_path / "edited.txt").write_text("before\n", encoding="utf-8")
    commit_all(tmp_path, "Start")
    return tmp_path


def test_a_clean_work_tree_has_no_changes(repo: Path) -> None:
    assert vcs.status(repo) == []


def test_status_names_modified_untracked_and_renamed_paths_as_they_are(repo: Path) -> None:
    (repo / "edited.txt").write_text("after\n", encoding="utf-8")
    (repo / "nouveau café.txt").write_text("new\n", encoding="utf-8")
    vcs.git(repo, "mv", "old name.txt", "new name.txt")
    changes = {change.path: change.status for change in vcs.status(repo)}
    assert changes == {
        "edited.txt": " M",
        "nouveau café.txt": "??",
        "new name.txt": "R ",
    }


def test_status_of_a_subdirectory_covers_only_that_subdirectory(repo: Path) -> None:
    (repo / "sub").mkdir()
    (repo / "sub" / "inside.txt").write_text("x\n", encoding="utf-8")
    (repo / "outside.txt").write_text("x\n", encoding="utf-8")
    assert [change.path for change in vcs.status(repo / "sub")] == ["sub/inside.txt"]


def test_a_directory_outside_git_has_no_work_tree(tmp_path: Path) -> None:
    assert vcs.work_tree_root(tmp_path) is None


def test_the_work_tree_root_is_found_from_a_subdirectory(repo: Path) -> None:
    (repo / "sub").mkdir()
    assert vcs.work_tree_root(repo / "sub") == repo.resolve()


def test_a_failing_git_command_raises_with_its_message(repo: Path) -> None:
    with pytest.raises(vcs.GitError, match="rev-parse"):
        vcs.git(repo, "rev-parse", "no-such-ref")


CONFLICT = "a\n<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\nb\n"


def test_conflict_markers_are_recognised_only_as_a_pair(tmp_path: Path) -> None:
    both = tmp_path / "both.txt"
    both.write_text(CONFLICT, encoding="utf-8")
    opening_only = tmp_path / "opening.txt"
    opening_only.write_text("<<<<<<< a heredoc-like line\n", encoding="utf-8")
    assert has_conflict_markers(both)
    assert not has_conflict_markers(opening_only)
    assert not has_conflict_markers(tmp_path / "missing.txt")


def test_conflicted_files_are_unmerged_or_marked_or_rejected(repo: Path) -> None:
    (repo / "edited.txt").write_text(CONFLICT, encoding="utf-8")
    (repo / "kept.txt.rej").write_text("@@ rejected hunk\n", encoding="utf-8")
    (repo / "clean.txt").write_text("nothing to see\n", encoding="utf-8")
    changes = vcs.status(repo)
    assert conflicted_files(repo, changes) == ("edited.txt", "kept.txt.rej")
    unmerged = [vcs.Change("UU", "kept.txt")]
    assert conflicted_files(repo, unmerged) == ("kept.txt",)
