"""One way to show errors: plain messages for people, an apology (and the log) for bugs."""

import logging

import pytest

from widgets.files import FileProblem
from widgets.model import ModelError
from widgets.store import NotFound
from widgets.ui import errors
from widgets.ui.errors import APOLOGY, ErrorBox, Message, guarded, is_person_error, run_safely


def test_message_show_and_clear_escapes_text():
    m = Message()
    assert m.layout.display == "none"
    m.show("<script>alert(1)</script>", "error")
    assert "<script>" not in m.value and "&lt;script&gt;" in m.value
    assert m.kind == "error" and "hi-message-error" in m._dom_classes
    assert m.layout.display is None
    m.show("fine", "ok")
    assert "hi-message-ok" in m._dom_classes and "hi-message-error" not in m._dom_classes
    m.clear()
    assert m.value == "" and m.text == "" and m.layout.display == "none"


@pytest.mark.parametrize("exc, person", [
    (ModelError("The title cannot be empty."), True),
    (NotFound("There is no inquiry called 'x'."), True),
    (FileProblem("Row 3: not a number."), True),
    (ValueError("could not convert string to float"), False),
    (KeyError("x"), False),
    (ZeroDivisionError(), False),
])
def test_is_person_error(exc, person):
    assert is_person_error(exc) is person


def test_person_error_shows_beside_the_control_not_in_the_box():
    box, msg = ErrorBox(), Message()

    def bad():
        raise ModelError("The title cannot be empty.")

    assert run_safely(bad, errors=box, message=msg) == (False, None)
    assert msg.text == "The title cannot be empty." and msg.kind == "error"
    assert box.text == ""


def test_not_found_message_is_not_quoted_like_a_key_error():
    msg = Message()
    run_safely(lambda: (_ for _ in ()).throw(NotFound("There is no inquiry called 'x'.")),
               message=msg)
    assert msg.text == "There is no inquiry called 'x'."


def test_unexpected_error_shows_apology_and_logs_the_traceback(data_dir, caplog):
    box, msg = ErrorBox(), Message()

    def broken():
        return {}["missing"]

    with caplog.at_level(logging.ERROR, logger="widgets.ui"):
        ok, _ = run_safely(broken, errors=box, message=msg)
    assert not ok
    assert box.text == APOLOGY and "Traceback" not in box.value
    assert msg.text == ""
    assert any("broken" in r.getMessage() and r.exc_info for r in caplog.records)
    log_file = data_dir / errors.LOG_FILENAME
    if errors._log_ready and log_file.exists():  # the handler is set once per process
        assert "KeyError" in log_file.read_text()


def test_guarded_decorator_returns_result_or_none():
    box = ErrorBox()
    calls = []

    @guarded(box)
    def good(x):
        calls.append(x)
        return x * 2

    @guarded(box)
    def bad():
        raise RuntimeError("boom")

    assert good(3) == 6 and calls == [3]
    assert bad() is None and box.text == APOLOGY
    assert good(1) == 2 and box.text == ""  # a new action clears the old notice


def test_unexpected_error_without_box_goes_to_the_message():
    msg = Message()
    run_safely(lambda: 1 / 0, message=msg)
    assert msg.text == APOLOGY


# ---------------------------------------------------------------------- PersonError


def _person_error_classes():
    from widgets.files.private_names import WrongPassphrase
    from widgets.store import DataFolderProblem
    from widgets.store.migrations import SchemaTooNew
    from widgets.ui.step3.check_sheet import ChecksFileProblem

    return [(ModelError, ValueError), (NotFound, LookupError),
            (DataFolderProblem, RuntimeError), (FileProblem, ValueError),
            (WrongPassphrase, ValueError), (ChecksFileProblem, ValueError),
            (SchemaTooNew, RuntimeError)]


def test_each_person_error_is_a_person_error_and_keeps_its_base():
    from widgets.errors import PersonError

    for cls, base in _person_error_classes():
        assert issubclass(cls, PersonError) and issubclass(cls, base), cls
        exc = cls("FULL") if cls.__name__ == "DataFolderProblem" else cls("A plain sentence.")
        assert is_person_error(exc), cls


def _our_own_value_error():
    """A ValueError subclass defined in the kit's own package that is not a PersonError."""
    cls = type("ParseTrouble", (ValueError,), {"__module__": "widgets.files.something"})
    return cls("invalid literal for int() with base 10: 'x'")


def test_a_value_error_of_our_own_that_is_not_a_person_error_is_a_bug(data_dir):
    exc = _our_own_value_error()
    assert type(exc).__module__.startswith("widgets.")
    assert is_person_error(exc) is False
    box, msg = ErrorBox(), Message()

    def broken():
        raise exc

    ok, _ = run_safely(broken, errors=box, message=msg)
    assert not ok and box.text == APOLOGY and msg.text == ""
    assert "invalid literal" not in box.value


def test_a_foreign_class_can_still_say_it_is_person_facing():
    cls = type("Refused", (Exception,), {"person_facing": True})
    assert is_person_error(cls("The server refused the file."))
