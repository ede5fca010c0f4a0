"""The Binder launch link: opens the start page in Voila, with no install.

Only the standard library here, so ``make binder-url`` works before anything is installed.
"""

from __future__ import annotations

import re
import subprocess
from urllib.parse import quote

BINDER_BASE = "https://mybinder.org/v2"
#: Binder's ``urlpath``: Voila as a Jupyter server extension, on the start page.
START_URLPATH = "voila/render/notebooks/start.ipynb"


def binder_url(remote_url: str, ref: str = "HEAD") -> str:
    """The Binder link for a git remote (GitHub, GitLab or any other git URL)."""
    remote_url = remote_url.strip()
    urlpath = "?urlpath=" + quote(START_URLPATH, safe="")
    github = re.match(r"^(?:https?://|git@|ssh://git@)github\.com[:/]([^/]+)/(.+?)(?:\.git)?/?$",
                      remote_url)
    if github:
        owner, repo = github.groups()
        return f"{BINDER_BASE}/gh/{owner}/{repo}/{ref}{urlpath}"
    gitlab = re.match(r"^(?:https?://|git@|ssh://git@)gitlab\.com[:/](.+?)(?:\.git)?/?$",
                      remote_url)
    if gitlab:
        return f"{BINDER_BASE}/gl/{quote(gitlab.group(1), safe='')}/{ref}{urlpath}"
    if re.match(r"^https?://", remote_url):
        return f"{BINDER_BASE}/git/{quote(remote_url, safe='')}/{ref}{urlpath}"
    raise ValueError(f"Binder cannot launch from this remote: {remote_url!r} "
                     "(it needs a public https or GitHub/GitLab address).")


def binder_url_from_git(remote: str = "origin", cwd: str | None = None) -> str:
    """The Binder link for this checkout's ``remote``; a plain message if there is none."""
    try:
        url = subprocess.run(["git", "remote", "get-url", remote], cwd=cwd, check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise SystemExit(f"This checkout has no git remote called {remote!r}; "
                         "push it to GitHub first, then run make binder-url again.") from None
    try:
        return binder_url(url)
    except ValueError as error:
        raise SystemExit(str(error)) from None
