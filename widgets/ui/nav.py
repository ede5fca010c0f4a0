"""The navigation bar: Start · 1 Define & measure · 2 Discover · 3 Share · Dashboard.

Links are relative ("1-define-and-measure.ipynb?inquiry=x") because every notebook lives in
the same folder: they work under standalone Voila (``/voila/render/start.ipynb``) and under
the Jupyter server extension on Binder (``/voila/render/notebooks/start.ipynb``) alike.
Each link keeps the open inquiry in the query string.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

import ipywidgets as ipw

from widgets.ui.context import valid_slug

#: page key -> (label in the bar, notebook file name). Keys match widgets.guidance.PAGES.
PAGES: dict[str | int, tuple[str, str]] = {
    "start": ("Start", "start.ipynb"),
    1: ("1 Define & measure", "1-define-and-measure.ipynb"),
    2: ("2 Discover", "2-discover-positive-exceptions.ipynb"),
    3: ("3 Share", "3-share-how-they-did-it.ipynb"),
    "dashboard": ("Dashboard", "dashboard.ipynb"),
}


def page_href(page: str | int, slug: str | None = None) -> str:
    """The relative link to ``page`` keeping the inquiry ``slug`` (if any) in the URL."""
    _, filename = PAGES[page]
    slug = valid_slug(slug)
    return f"{filename}?inquiry={quote(slug)}" if slug else filename


def nav_html(slug: str | None, current: str | int, title: str | None = None) -> str:
    """The bar's HTML (escaped; the current page marked with ``aria-current="page"``)."""
    links = []
    for key, (label, _) in PAGES.items():
        current_attr = ' aria-current="page"' if key == current else ""
        cls = "hi-nav-link hi-current" if key == current else "hi-nav-link"
        links.append(
            f'<a class="{cls}" data-page="{html.escape(str(key))}" '
            f'href="{html.escape(page_href(key, slug))}"{current_attr}>{html.escape(label)}</a>'
        )
    inquiry = ""
    if title:
        inquiry = (f'<span class="hi-nav-inquiry" title="The open inquiry">'
                   f'{html.escape(title)}</span>')
    return (f'<nav class="hi-nav-bar" aria-label="Steps of the inquiry">'
            f'{"".join(links)}{inquiry}</nav>')


class NavigationBar(ipw.HTML):
    """The bar at the top of every page. ``update(slug, title)`` after an inquiry is opened
    (``current=`` too when the app page shows another view)."""

    def __init__(self, slug: str | None, current: str | int, title: str | None = None,
                 **kwargs: Any):
        if current not in PAGES:
            raise KeyError(f"Unknown page {current!r}; use one of {list(PAGES)}.")
        super().__init__(value="", **kwargs)
        self.add_class("hi-nav")
        self.current = current
        self.update(slug, title)

    def update(self, slug: str | None, title: str | None = None,
               current: str | int | None = None) -> None:
        """Point the links at inquiry ``slug``, show its ``title`` (and mark ``current``)."""
        if current is not None:
            if current not in PAGES:
                raise KeyError(f"Unknown page {current!r}; use one of {list(PAGES)}.")
            self.current = current
        self.slug = valid_slug(slug)
        self.title = title
        self.value = nav_html(self.slug, self.current, title)
