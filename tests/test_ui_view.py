"""Every view is declared once (widgets.ui.view.VIEWS) and each key is a page of the bar."""

from widgets.ui.nav import PAGES
from widgets.ui.view import VIEWS, View, view_class


def test_every_page_of_the_bar_has_a_view():
    assert set(VIEWS) == set(PAGES)


def test_the_dashboard_is_a_view_with_its_key():
    cls = view_class("dashboard")
    assert issubclass(cls, View) and cls.key == "dashboard" and not cls.guidance_open


def test_an_unknown_view_is_refused():
    import pytest

    with pytest.raises(KeyError):
        view_class("settings")
