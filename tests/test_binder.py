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


def _pins() -> dict[str, str]:
    """binder/requirements.txt as {canonical name: version}."""
    from pathlib import Path

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = {}
    path = Path(__file__).resolve().parents[1] / "binder" / "requirements.txt"
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"{line!r} is not pinned exactly"
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def test_binder_pins_a_notebook_that_accepts_the_pinned_jupyterlab():
    """Binder's base image has notebook; pip refuses a pinned jupyterlab that the notebook
    it ends with does not accept ("notebook 7.4.7 requires jupyterlab<4.5"), so notebook is
    pinned too, to a release whose requirement on jupyterlab fits."""
    import importlib.metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = _pins()
    assert "notebook" in pins, "binder/requirements.txt must pin notebook"
    installed = importlib.metadata.version("notebook")
    assert installed == pins["notebook"], (
        f"the installed notebook ({installed}) is not the pinned one ({pins['notebook']})")
    needs = [Requirement(r) for r in importlib.metadata.requires("notebook") or []]
    needs = {canonicalize_name(r.name): r for r in needs if r.marker is None}
    for name in ("jupyterlab", "jupyter-server", "jupyterlab-server", "tornado"):
        if name in needs and name in pins:
            assert needs[name].specifier.contains(pins[name], prereleases=True), (
                f"notebook {pins['notebook']} needs {needs[name]}, but {name} is pinned "
                f"at {pins[name]}")
    assert "jupyterlab" in needs
