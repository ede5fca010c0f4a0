"""Where the page is running: which inquiry the URL names, the store, and whether on Binder.

Voila passes the page's query string to the kernel as the ``QUERY_STRING`` environment
variable when it starts a kernel for a request. With preheated kernels (``--preheat_kernel``)
the kernel starts *before* the request, so Voila's ``voila.utils.get_query_string()`` has to
wait for the request to arrive; we only import and call it in that case (it is a no-op
otherwise, and importing Voila in a plain Jupyter kernel is needless work).
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs

#: A slug as the store makes them (widgets.model.slugify, plus "-2" for duplicates).
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")

#: Set by BinderHub in every Binder session (see binderhub's spawner ``get_env``).
BINDER_VARIABLES = (
    "BINDER_LAUNCH_HOST",
    "BINDER_REPO_URL",
    "BINDER_REF_URL",
    "BINDER_REQUEST",
    "BINDER_PERSISTENT_REQUEST",
)
#: Our own switch: "1" forces the Binder notices on, "0" off (for tests and demos).
BINDER_OVERRIDE = "HIDDEN_INSIGHTS_BINDER"

_store = None


def valid_slug(text: object) -> str | None:
    """``text`` when it is a well-formed inquiry slug (only a-z, 0-9 and '-'), else None."""
    if isinstance(text, str) and _SLUG.fullmatch(text):
        return text
    return None


def query_string() -> str:
    """The query string of the page request ('' outside Voila)."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        # Preheated kernel: wait until Voila hands over the request (see module docstring).
        from voila.utils import get_query_string

        return get_query_string() or ""
    return os.environ.get("QUERY_STRING", "")


def current_slug(default: str | None = None) -> str | None:
    """The inquiry named in the URL (``?inquiry=<slug>``), or ``default``.

    Anything that is not a well-formed slug is ignored: the value comes from the URL, which
    anyone can type.
    """
    values = parse_qs(query_string()).get("inquiry", [])
    slug = valid_slug(values[0]) if values else None
    return slug if slug is not None else default


def get_store():
    """The store for this kernel (opened once; every page in a kernel shares it). On a
    shared server, its team for new inquiries comes from the Hub (``widgets.hub``)."""
    global _store
    if _store is None:
        from widgets.hub import open_server_store

        _store = open_server_store()
    return _store


def set_store(store) -> None:
    """Use ``store`` as this kernel's store (tests; or a notebook that opens its own)."""
    global _store
    _store = store


def on_binder() -> bool:
    """True when running in a Binder session (temporary: work is lost unless downloaded)."""
    override = os.environ.get(BINDER_OVERRIDE, "").strip()
    if override in ("0", "1"):
        return override == "1"
    return any(os.environ.get(name) for name in BINDER_VARIABLES)
