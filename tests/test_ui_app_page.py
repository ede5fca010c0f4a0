"""The app page in Python: views built once and refreshed, left before another is shown, the
address read and followed, another inquiry drops the old one's views, bad addresses ignored."""

import ipywidgets as ipw
import pytest

from widgets.ui import app_page, context
from widgets.ui.app_page import AppPage, close_tree, view_key
from widgets.ui.location import Location
from widgets.ui.view import View


@pytest.fixture(autouse=True)
def plain_env(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv(context.BINDER_OVERRIDE, "0")
    yield
    context.set_store(None)


class Recorder:
    """Fake views for keys 1 and 2 that write down what the app page asks of them."""

    def __init__(self):
        self.log: list[tuple] = []
        recorder = self

        class Fake(View):
            def __init__(self, session):
                super().__init__(session)
                self.slug = session.slug
                self.text = ipw.Text(value=f"built for {session.slug}")
                self.widget = ipw.VBox([self.text])
                session.on("issue", self.heard)
                recorder.log.append(("build", self.key, session.slug))

            def refresh(self):
                recorder.log.append(("refresh", self.key, self.session.slug))

            def leave(self):
                recorder.log.append(("leave", self.key, self.session.slug))

            def heard(self):
                recorder.log.append(("heard", self.key, self.session.slug))

        self.classes = {k: type(f"Fake{k}", (Fake,), {"key": k}) for k in (1, 2)}


@pytest.fixture
def fakes(monkeypatch):
    recorder = Recorder()
    real = app_page.view_class
    monkeypatch.setattr(app_page, "view_class",
                        lambda key: recorder.classes.get(key) or real(key))
    return recorder


def test_view_key_accepts_only_the_five_views():
    assert [view_key(t) for t in ("start", "1", "2", "3", "dashboard", 3)] == [
        "start", 1, 2, 3, "dashboard", 3]
    for bad in ("4", "", "<script>", "../1", None, True, "Dashboard"):
        assert view_key(bad) is None


def test_the_address_names_the_first_view(monkeypatch, store, slug):
    monkeypatch.setenv("QUERY_STRING", f"inquiry={slug}&view=3")
    context.set_store(store)
    app = AppPage()
    assert app.current == 3 and app.session.slug == slug
    assert (app.location.view, app.location.inquiry) == ("3", slug)
    assert "hi-page-3" in app.widget._dom_classes
    assert 'aria-current="page"' in app.nav.value and app.views[3].widget in (
        app.body.children[0].children)


@pytest.mark.parametrize("query", ["view=7", "view=%3Cscript%3E", "view=", "view=1&view=2x"])
def test_a_bad_view_in_the_address_shows_a_sensible_one(monkeypatch, store, query):
    monkeypatch.setenv("QUERY_STRING", query)
    context.set_store(store)
    app = AppPage()
    assert app.current in ("start", 1) and app.session.errors.text == ""


def test_built_once_refreshed_after_and_left_before_the_next(fakes, store, slug):
    app = AppPage(store=store, slug=slug, view=1)
    first = app.views[1]
    app.go(2)
    app.go(1)
    assert app.views[1] is first
    assert fakes.log == [("build", 1, slug), ("leave", 1, slug), ("build", 2, slug),
                         ("leave", 2, slug), ("refresh", 1, slug)]
    shown = [b.layout.display for b in app.body.children]
    assert shown == [None, "none"]  # both kept, only step 1 shown
    assert app.location.shown == 3 and app.location.view == "1"


def test_the_browser_asks_for_a_view_and_an_inquiry(fakes, store, slug):
    other = store.create_inquiry("Another issue", by="test")
    app = AppPage(store=store, slug=slug, view=1)
    shown = app.location.shown
    app.location.set_state({"view": "2", "inquiry": other})  # as a click or popstate sends it
    assert app.current == 2 and app.session.slug == other
    assert app.location.shown == shown + 1  # one answer for the one request
    assert ("leave", 1, slug) in fakes.log and fakes.log[-1] == ("build", 2, other)
    assert app.location.title == app_page.TITLES[2]
    # The same view with no inquiry named (a link without one): the open one stays, and the
    # browser is told so (it had asked for none).
    shown = app.location.shown
    app.location.set_state({"view": "2", "inquiry": ""})
    assert app.session.slug == other and app.location.inquiry == other
    assert app.location.shown == shown + 1
    # Nonsense from the browser changes nothing and says the current view again.
    app.location.set_state({"view": "<img src=x>", "inquiry": "../../etc"})
    assert app.current == 2 and app.session.slug == other and app.location.view == "2"
    assert app.session.errors.text == ""


def test_another_inquiry_drops_the_old_ones_views(fakes, store, slug):
    other = store.create_inquiry("Another issue", by="test")
    app = AppPage(store=store, slug=slug, view=1)
    old = app.views[1]
    app.go(2)
    app.go("start")
    app.start.open(other)  # as "Open" on the start view does
    app.go(1)
    assert app.views[1] is not old and app.views[1].slug == other
    assert old.text.comm is None and old.widget.comm is None  # closed
    assert 2 not in app.views
    assert app.session.who_field.comm is not None and app.session.errors.comm is not None
    app.session.changed("issue")
    heard = [e for e in fakes.log if e[0] == "heard"]
    assert heard == [("heard", 1, other)]  # the dropped views no longer listen


def test_a_step_with_no_inquiry_shows_the_note(fakes, store):
    app = AppPage(store=store, view=2)
    assert app.current == 2 and 2 not in app.views and fakes.log == []
    assert app.notice.layout.display is None and "No inquiry is open yet" in app.notice.value
    assert app.session.who_field.layout.display == "none" and app.guidance.children == ()
    app.go("start")
    assert app.notice.layout.display == "none" and app.start is not None


def test_an_unknown_inquiry_is_named_on_the_step_and_on_the_start(store):
    app = AppPage(store=store, slug="not-here", view=3)
    assert "no inquiry called “not-here”" in app.notice.value
    app.go("start")
    assert "no inquiry called “not-here”" in app.start.panel.children[0].value


def test_a_view_that_fails_to_build_shows_the_apology(monkeypatch, store, slug):
    class Broken(View):
        key = 2

        def __init__(self, session):
            raise RuntimeError("a bug")

    real = app_page.view_class
    monkeypatch.setattr(app_page, "view_class", lambda k: Broken if k == 2 else real(k))
    app = AppPage(store=store, slug=slug, view="start")
    app.go(2)
    assert app.current == 2 and 2 not in app.views
    assert "Sorry" in app.session.errors.text and "Traceback" not in app.session.errors.text
    app.go("start")
    assert app.start.widget in app.body.children[0].children


def test_the_real_steps_switch_and_keep_what_was_typed(store, slug):
    app = AppPage(store=store, slug=slug, view=1)
    step1 = app.views[1]
    words = "Typed, then the page moved on before the autosave"
    step1.issue.fields["statement"].value = words
    app.go(2)  # leaving step 1 saves what waits for its timer
    assert store.get(slug, include_units=False).issue.statement == words
    for key in (3, "dashboard", "start", 1):
        app.go(key)
        assert app.current == key and app.session.errors.text == ""
    assert app.views[1] is step1
    assert step1.issue.fields["statement"].value == words


def test_close_tree_keeps_what_it_is_told_to():
    kept = ipw.HTML("frame")
    inner = ipw.Text()
    box = ipw.VBox([ipw.HBox([inner, kept])])
    close_tree(box, keep=[kept])
    assert box.comm is None and inner.comm is None and inner.layout.comm is None
    assert kept.comm is not None


def test_location_announces_once_per_switch():
    location = Location(pages={"start.ipynb": "start"})
    sent = []
    location.observe(lambda change: sent.append(change["name"]), names=["shown"])
    location.announce("3", "grub-hub", "3 Share — Hidden Insights", "Share how they did it")
    assert (location.view, location.inquiry, location.shown) == ("3", "grub-hub", 1)
    assert sent == ["shown"] and location.layout.display == "none"
    assert "pushState" in location._esm and "fetch(" not in location._esm


def test_the_warm_up_imports_what_the_views_need(monkeypatch, store):
    import sys

    asked = []
    monkeypatch.setattr(app_page, "background", lambda: True)
    monkeypatch.setattr(app_page.Session, "later",
                        lambda self, compute, show: asked.append(compute) or _Now(compute))
    AppPage(store=store)
    assert asked == [app_page.warm_up]
    app_page.warm_up()
    assert all(name in sys.modules for name in app_page.WARM_UP)


class _Now:
    def __init__(self, compute):
        self.compute = compute

    def request(self):
        pass
