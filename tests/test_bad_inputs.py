"""Every file in a corpus of broken and hostile inputs gives a clear message and changes nothing.

The corpus is made at test time (tests/bad_inputs_corpus.py). Each file goes through the same
flow as an upload in the app: for data, read_table -> to_frame -> store.replace_units_frame;
for inquiry files, load_inquiry -> store.save_inquiry.
"""

from __future__ import annotations

import re

import pytest
from bad_inputs_corpus import BUILDERS, Case, make_case, make_corpus

from widgets.files import FileProblem, load_inquiry
from widgets.files.data_import import ColumnMapping, read_table, to_frame

# Words that only a programmer's error message would contain.
_TECHNICAL = re.compile(r"Traceback|File \"|Error\b|Exception|errno|C error|tokeniz|\bNone\b"
                        r"|0x[0-9a-f]{2}|codec|utf-8' |\\x")


def _run(case: Case, data: bytes, store, slug: str) -> None:
    if case.flow == "inquiry":
        store.save_inquiry(load_inquiry(data, case.filename), by="test")
        return
    preview = read_table(data, case.filename, sheet=case.sheet)
    mapping = ColumnMapping(**case.mapping) if case.mapping else preview.suggested
    frame = to_frame(preview, mapping, case.kind)
    store.replace_units_frame(slug, frame, by="test", source=preview.filename)


def test_corpus_is_big_enough(tmp_path):
    cases = make_corpus(tmp_path)
    assert len(cases) >= 25
    assert sum(c.stored is None for c in cases) >= 25
    assert all(c.path.exists() for c in cases)


@pytest.mark.timeout(120)  # each file is answered within seconds (1M columns once took minutes)
@pytest.mark.parametrize("name", list(BUILDERS))
def test_bad_input(name, tmp_path, store, slug):
    case = make_case(name, tmp_path)
    data = case.path.read_bytes()
    before = store.get(slug)
    inquiries_before = [s.slug for s in store.list_inquiries()]

    if case.stored is None:
        with pytest.raises(FileProblem) as caught:
            _run(case, data, store, slug)
        message = str(caught.value)
        assert message == message.strip() and "\n" not in message and "\r" not in message
        assert 0 < len(message) < 200
        assert not _TECHNICAL.search(message), message
        for fragment in case.expect:
            assert fragment in message, (fragment, message)
        assert message[0].isupper() and message.endswith((".", ")")), message
        # nothing changed
        assert store.get(slug) == before
        assert [s.slug for s in store.list_inquiries()] == inquiries_before
    else:
        _run(case, data, store, slug)
        frame = store.units_frame(slug)
        for column, values in case.stored.items():
            assert frame[column].tolist() == values
        # the text is stored as it was, and comes back as it was from the model too
        units = store.get(slug).units
        for column, values in case.stored.items():
            if column != "unit_id":
                assert [u.context[column] for u in units] == values
