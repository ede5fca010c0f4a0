"""Which inquiry the URL names, the kernel's store, Binder detection."""

import pytest

from widgets.ui import context


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (*context.BINDER_VARIABLES, context.BINDER_OVERRIDE, "QUERY_STRING",
                 "VOILA_PREHEAT"):
        monkeypatch.delenv(name, raising=False)
    context.set_store(None)
    yield
    context.set_store(None)


@pytest.mark.parametrize("query, expected", [
    ("inquiry=grub-hub", "grub-hub"),
    ("x=1&inquiry=family-break-up-2", "family-break-up-2"),
    ("inquiry=Grub-Hub", None),
    ("inquiry=%3Cscript%3E", None),
    ("inquiry=../../etc/passwd", None),
    ("inquiry=a%20b", None),
    ("inquiry=-bad", None),
    ("inquiry=", None),
    ("", None),
    ("other=grub-hub", None),
])
def test_current_slug_reads_and_validates_the_query_string(monkeypatch, query, expected):
    monkeypatch.setenv("QUERY_STRING", query)
    assert context.current_slug() == expected


def test_current_slug_default(monkeypatch):
    assert context.current_slug() is None
    assert context.current_slug(default="grub-hub") == "grub-hub"
    monkeypatch.setenv("QUERY_STRING", "inquiry=<b>")
    assert context.current_slug(default="x") == "x"


def test_preheated_kernels_wait_for_voila(monkeypatch):
    import voila.utils

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(voila.utils, "get_query_string", lambda url=None: "inquiry=late-one")
    assert context.current_slug() == "late-one"


def test_valid_slug():
    assert context.valid_slug("a") == "a"
    assert context.valid_slug("a" * 100) == "a" * 100
    assert context.valid_slug("a" * 101) is None
    assert context.valid_slug(None) is None
    assert context.valid_slug(3) is None


def test_get_store_is_one_per_kernel(data_dir):
    first = context.get_store()
    assert context.get_store() is first
    from widgets.store.database import default_url

    assert first.url == default_url()  # the data folder's file (or the server's database)
    first.close()


def test_set_store(store):
    context.set_store(store)
    assert context.get_store() is store


def test_on_binder(monkeypatch):
    assert context.on_binder() is False
    monkeypatch.setenv("BINDER_REPO_URL", "https://github.com/x/y")
    assert context.on_binder() is True
    monkeypatch.setenv(context.BINDER_OVERRIDE, "0")
    assert context.on_binder() is False
    monkeypatch.delenv("BINDER_REPO_URL")
    monkeypatch.setenv(context.BINDER_OVERRIDE, "1")
    assert context.on_binder() is True
