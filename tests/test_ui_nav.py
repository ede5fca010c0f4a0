"""The navigation bar keeps the inquiry in every link."""

import re

import pytest

from widgets.ui.nav import PAGES, NavigationBar, nav_html, page_href


def test_links_keep_the_inquiry_and_are_relative():
    bar = NavigationBar("grub-hub", 2, title="Grub Hub")
    hrefs = re.findall(r'href="([^"]+)"', bar.value)
    assert len(hrefs) == len(PAGES)
    for href in hrefs:
        assert href.endswith("?inquiry=grub-hub")
        assert not href.startswith("/") and "://" not in href
    assert 'href="1-define-and-measure.ipynb?inquiry=grub-hub"' in bar.value


def test_current_page_is_marked():
    html_ = nav_html("x", 3)
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', html_)
    assert current == ["3 Share"]


def test_no_inquiry_gives_plain_links():
    assert page_href("start") == "start.ipynb"
    assert page_href(1, None) == "1-define-and-measure.ipynb"
    assert page_href(1, "Not A Slug") == "1-define-and-measure.ipynb"


def test_title_is_escaped_and_update_changes_the_links():
    bar = NavigationBar(None, "start", title="<img src=x onerror=alert(1)>")
    assert "<img" not in bar.value and "&lt;img" in bar.value
    bar.update("new-one", "New & improved")
    assert "?inquiry=new-one" in bar.value and "New &amp; improved" in bar.value


def test_unknown_page():
    with pytest.raises(KeyError):
        NavigationBar("x", 7)
