"""Each page's "content last changed" date, from one `git log` and one `git status` of a checkout."""

from __future__ import annotations

import subprocess

import pytest

from claimbook.builder import pagedates


def _git(repo, *args, date=None):
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    if date:
        env |= {"GIT_AUTHOR_DATE": f"{date}T12:00:00", "GIT_COMMITTER_DATE": f"{date}T12:00:00"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={"PATH": "/usr/bin:/bin", **env})


@pytest.fixture
def repo(tmp_path, monkeypatch):
    _git(tmp_path, "init", "-q")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("1\n")
    (tmp_path / "data" / "b.csv").write_text("1\n")
    (tmp_path / "page.md").write_text("x\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "first", date="2026-01-05")
    (tmp_path / "data" / "b.csv").write_text("2\n")
    _git(tmp_path, "commit", "-q", "-am", "second", date="2026-03-07")
    monkeypatch.setattr(pagedates, "ROOT", tmp_path)
    pagedates._commit_dates.cache_clear()
    pagedates._dirty.cache_clear()
    yield tmp_path
    pagedates._commit_dates.cache_clear()
    pagedates._dirty.cache_clear()


def test_a_file_is_dated_by_its_last_commit_and_a_folder_by_its_newest_file(repo):
    assert pagedates.committed("data/a.csv") == "2026-01-05"
    assert pagedates.committed("data/b.csv") == "2026-03-07"
    assert pagedates.committed("data") == "2026-03-07"
    assert pagedates.committed("data/") == "2026-03-07"
    assert pagedates.committed("dat") == ""  # a prefix of a name is not a folder
    assert pagedates.committed("missing.md") == ""


def test_a_file_named_like_a_date_is_dated_and_an_empty_commit_dates_nothing(repo):
    (repo / "2026-02-02").write_text("a file with a date's name\n")
    _git(repo, "add", "2026-02-02")
    _git(repo, "commit", "-q", "-m", "dated name", date="2026-04-01")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "nothing", date="2026-05-01")
    (repo / "page.md").write_text("y\n")
    _git(repo, "commit", "-q", "-am", "later", date="2026-06-01")
    assert pagedates.committed("2026-02-02") == "2026-04-01"
    assert pagedates.committed("page.md") == "2026-06-01"
    assert pagedates.committed("data/b.csv") == "2026-03-07"


def test_changed_untracked_and_renamed_inputs_are_uncommitted_and_others_are_not(repo):
    (repo / "page.md").write_text("edited\n")
    (repo / "new.md").write_text("new\n")
    _git(repo, "mv", "data/a.csv", "data/c.csv")
    for path in ("page.md", "new.md", "data/a.csv", "data/c.csv", "data"):
        assert pagedates.uncommitted(path), path
    assert not pagedates.uncommitted("data/b.csv")
    assert not pagedates.uncommitted("dat")


def test_the_sentence_names_the_latest_inputs_and_says_when_some_are_uncommitted(repo):
    assert pagedates.sentence(["page.md", "data/b.csv"]) == "Content last changed on 2026-03-07 (data/b.csv)."
    assert pagedates.sentence(["missing.md"]) == ""
    (repo / "page.md").write_text("edited\n")
    pagedates._dirty.cache_clear()
    assert pagedates.sentence(["page.md"]).endswith("; built with uncommitted changes to its inputs.")
