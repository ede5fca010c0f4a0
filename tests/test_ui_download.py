"""Download links carry the file; names are sanitised and labels escaped."""

import base64
import re

import pytest

from widgets.model import ModelError
from widgets.ui.download import DownloadButton, download_link, safe_filename
from widgets.ui.errors import APOLOGY, ErrorBox


def _payload(widget):
    match = re.search(r'href="data:([^;]+);base64,([^"]+)"', widget.value)
    return match.group(1), base64.b64decode(match.group(2))


def test_link_holds_the_bytes():
    data = bytes(range(256)) * 3
    link = download_link(data, "inquiry.json", "Save it", "application/json")
    assert _payload(link) == ("application/json", data)
    assert 'download="inquiry.json"' in link.value
    assert "hi-download" in link._dom_classes


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\file.xlsx", "file.xlsx"),
    ('"><script>.json', "script-.json"),
    (".hidden", "hidden"),
    ("", "download"),
    ("Grub Hub 2026.json", "Grub-Hub-2026.json"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_long_names_keep_their_extension():
    name = safe_filename("a" * 300 + ".xlsx")
    assert len(name) <= 100 and name.endswith(".xlsx")


def test_label_and_mime_are_safe():
    link = download_link(b"x", "f.json", "<b>bold</b>", 'text/html" onclick="x')
    assert "<b>" not in link.value and "&lt;b&gt;" in link.value
    assert "onclick" not in link.value


def test_button_builds_on_click_and_calls_after():
    built, after = [], []

    def build():
        built.append(1)
        return b"{}", "x.json"

    button = DownloadButton("Prepare", build, "application/json", after=lambda: after.append(1))
    assert built == [] and button.link is None
    button.button.click()
    assert built == [1] and after == [1]
    assert button.link is not None and button.link_box.children == (button.link,)
    assert _payload(button.link)[1] == b"{}"


def test_button_shows_a_persons_error_beside_it_and_a_bug_in_the_box():
    box = ErrorBox()

    def refuse():
        raise ModelError("There is nothing to download yet.")

    button = DownloadButton("Prepare", refuse, "application/json", errors=box)
    assert button.prepare() is None
    assert button.message.text == "There is nothing to download yet." and box.text == ""

    broken = DownloadButton("Prepare", lambda: 1 / 0, "application/json", errors=box)
    assert broken.prepare() is None and box.text == APOLOGY and broken.link is None


def test_with_a_session_a_click_is_one_of_its_actions(store, slug):
    """The dashboard's report button: the click reads the inquiry afresh (another tab may
    have renamed it since), and a bug shows the session's apology."""
    from widgets.ui.session import Session

    session = Session(slug, store=store)
    assert session.inquiry().title  # read, and kept until the next action
    store.rename(slug, "Renamed in another tab")
    button = DownloadButton("Prepare", lambda: (session.inquiry().title.encode(), "t.txt"),
                            "text/plain", session=session)
    button.button.click()
    assert _payload(button.link) == ("text/plain", b"Renamed in another tab")

    def broken():
        raise RuntimeError("bug")

    DownloadButton("Prepare", broken, "text/plain", session=session).button.click()
    assert session.errors.text == APOLOGY
