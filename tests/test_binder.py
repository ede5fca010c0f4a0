"""The Binder launch link."""

import subprocess

import pytest

from widgets.binder import binder_url, binder_url_from_git

START = "?urlpath=voila%2Frender%2Fnotebooks%2Fstart.ipynb"


@pytest.mark.parametrize("remote", [
    "https://github.com/hidden-insights/kit.git",
    "https://github.com/hidden-insights/kit",
    "git@github.com:hidden-insights/kit.git",
    "ssh://git@github.com/hidden-insights/kit.git",
])
def test_github_remotes_give_the_start_page_link(remote):
    assert binder_url(remote) == f"https://mybinder.org/v2/gh/hidden-insights/kit/HEAD{START}"


def test_gitlab_and_plain_git_remotes():
    assert binder_url("https://gitlab.com/group/sub/kit.git").startswith(
        "https://mybinder.org/v2/gl/group%2Fsub%2Fkit/HEAD?urlpath=")
    assert binder_url("https://example.org/kit.git") == (
        f"https://mybinder.org/v2/git/https%3A%2F%2Fexample.org%2Fkit.git/HEAD{START}")


def test_local_path_is_refused_plainly():
    with pytest.raises(ValueError, match="cannot launch"):
        binder_url("/home/me/kit")


def test_from_git_reads_origin(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin",
                    "https://github.com/a/b.git"], check=True)
    assert binder_url_from_git(cwd=str(tmp_path)).startswith("https://mybinder.org/v2/gh/a/b/")


def test_from_git_without_remote_says_what_to_do(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    with pytest.raises(SystemExit, match="no git remote"):
        binder_url_from_git(cwd=str(tmp_path))
