"""Upload with a message beside it; nothing is stored on a bad file."""

from datetime import UTC, datetime

from widgets.files import FileProblem
from widgets.ui.errors import APOLOGY, ErrorBox
from widgets.ui.upload import UploadBox


def test_good_file_reaches_the_callback_and_shows_its_message():
    got = []

    def on_file(data, name):
        got.append((data, name))
        return "Loaded 3 units."

    box = UploadBox("Upload", ".csv", on_file)
    assert box.receive(b"a,b\n1,2\n", "table.csv")
    assert got == [(b"a,b\n1,2\n", "table.csv")]
    assert box.message.text == "Loaded 3 units." and box.message.kind == "ok"


def test_too_large_and_empty_files_are_refused_before_the_callback():
    got = []
    box = UploadBox("Upload", ".csv", lambda d, n: got.append(n), max_bytes=10)
    assert not box.receive(b"x" * 11, "big.csv")
    assert "too large" in box.message.text and box.message.kind == "error"
    assert not box.receive(b"", "empty.csv")
    assert "empty" in box.message.text
    assert got == []


def test_persons_error_is_shown_beside_the_control():
    def on_file(data, name):
        raise FileProblem("Row 2, column 'outcome': 'abc' is not a number.")

    errors = ErrorBox()
    box = UploadBox("Upload", ".csv", on_file, errors=errors)
    assert not box.receive(b"x", "t.csv")
    assert box.message.text.startswith("Row 2") and errors.text == ""


def test_bug_in_callback_shows_the_apology():
    errors = ErrorBox()
    box = UploadBox("Upload", ".csv", lambda d, n: 1 / 0, errors=errors)
    assert not box.receive(b"x", "t.csv")
    assert errors.text == APOLOGY


def test_file_upload_widget_value_is_handled_and_reset():
    got = []
    box = UploadBox("Upload", ".json", lambda d, n: got.append((d, n)) or "ok")
    box.upload.value = ({"name": "../../x.json", "type": "application/json", "size": 2,
                         "content": memoryview(b"{}"),
                         "last_modified": datetime(2026, 1, 1, tzinfo=UTC)},)
    assert got == [(b"{}", "../../x.json")]
    assert box.upload.value == ()
    assert box.message.text == "ok"


def test_the_button_is_as_wide_as_its_label():
    # The default width cut "Upload an inquiry file" to "Upload …" (see the start page's
    # browser test for the rendered check).
    box = UploadBox("Upload an inquiry file", ".json", lambda d, n: None)
    assert box.upload.description == "Upload an inquiry file"
    assert box.upload.layout.width == "auto" and box.upload.layout.flex == "0 0 auto"


def test_every_upload_button_shows_its_label_not_the_count():
    """The start page's button read "Upload an inquiry file (0)" (only step 1 hid the count)."""
    from widgets.ui.styles import CSS

    box = UploadBox("Upload an inquiry file", ".json", lambda d, n: None)
    assert box.upload.tooltip == "Upload an inquiry file"
    assert ".hi-page .hi-upload-button::after { content: attr(title);" in CSS
