"""The inquiry file (.json): lossless, versioned, and every broken file gives a plain message."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import inquiries, storable_inquiries

from widgets import examples
from widgets.files import FileProblem, inquiry_file, load_inquiry, workbook
from widgets.model import Inquiry, Practice, ProgressEntry, Unit

# Whole inquiries take a while to generate on a busy machine; that is not a failure.
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]

#: The round trips through the store run on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


def _example() -> Inquiry:
    inquiry = examples.build("grub-hub")
    inquiry.practices.append(Practice(what="=1+2", how="@SUM(A1)", why="'quoted",
                                      from_units=["-x", "+y"], id=99))
    return inquiry


def _document(inquiry: Inquiry) -> dict:
    return json.loads(inquiry_file.dumps(inquiry, include_private=True))


def _problem(text: str) -> str:
    with pytest.raises(FileProblem) as caught:
        inquiry_file.loads(text)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 200 and "Traceback" not in message
    return message


# ---------------------------------------------------------------------- round trips


def test_example_round_trip_is_exact():
    inquiry = _example()
    assert inquiry_file.loads(inquiry_file.dumps(inquiry, include_private=True)) == inquiry
    assert inquiry_file.from_bytes(inquiry_file.to_bytes(inquiry, include_private=True)) == inquiry


def test_file_is_versioned_and_readable():
    inquiry = _example()
    text = inquiry_file.dumps(inquiry, include_private=True)
    document = json.loads(text)
    assert document["format"] == "hidden-insights-inquiry"
    assert document["version"] == 2  # 2: notes and the room's votes
    assert document["exported_at"].endswith("+00:00")
    assert document["inquiry"] == json.loads(json.dumps(inquiry.to_dict()))
    assert "\n" in text  # indented, so a person can read it
    assert inquiry_file.to_bytes(inquiry, include_private=True).decode("utf-8") .startswith("{")


def test_empty_inquiry_round_trip():
    inquiry = Inquiry(title="Nothing yet")
    assert inquiry_file.loads(inquiry_file.dumps(inquiry, include_private=True)) == inquiry


def test_non_ascii_is_kept_readable():
    inquiry = Inquiry(title="Café 日本 🙂")
    assert "Café 日本 🙂" in inquiry_file.to_bytes(inquiry, include_private=True).decode("utf-8")


def test_nan_and_infinity_become_none():
    inquiry = Inquiry(title="t", units=[Unit("a", float("nan"), float("inf"),
                                             context={"x": float("-inf")})],
                      context_columns=["x"],
                      progress=[ProgressEntry("2026-01-01", outcome=float("nan"))])
    text = inquiry_file.dumps(inquiry, include_private=True)
    assert "NaN" not in text and "Infinity" not in text
    loaded = inquiry_file.loads(text)
    assert loaded.units[0] == Unit("a", None, None, context={"x": None})
    assert loaded.progress[0].outcome is None


def test_large_inquiry_round_trip():
    units = [Unit(f"Family {i}", float(i % 2), float(10 + i % 7),
                  context={"area": ["North", "South"][i % 2], "size": i % 5})
             for i in range(5000)]
    inquiry = Inquiry(title="Big", units=units, context_columns=["area", "size"])
    assert inquiry_file.from_bytes(inquiry_file.to_bytes(inquiry, include_private=True)) == inquiry


@settings(max_examples=60, deadline=None, suppress_health_check=_SLOW)
@given(inquiries())
def test_any_inquiry_round_trips_exactly(inquiry):
    assert inquiry_file.loads(inquiry_file.dumps(inquiry, include_private=True)) == inquiry
    data = inquiry_file.to_bytes(inquiry, include_private=True)
    assert load_inquiry(data, "inquiry.json") == inquiry


@settings(max_examples=20, deadline=None,
          suppress_health_check=[*_SLOW, HealthCheck.function_scoped_fixture])
@given(inquiry=storable_inquiries())
def test_through_the_store(store, inquiry):
    loaded = load_inquiry(inquiry_file.to_bytes(inquiry, include_private=True), "carry-on.json")
    slug = store.save_inquiry(loaded)
    got = store.get(slug)
    assert got == dataclasses.replace(inquiry, slug=slug)
    # and exporting it again gives the same inquiry back
    assert inquiry_file.loads(inquiry_file.dumps(got, include_private=True)) == got


def test_bom_and_utf16_are_accepted():
    inquiry = _example()
    text = inquiry_file.dumps(inquiry, include_private=True)
    assert inquiry_file.from_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == inquiry
    assert inquiry_file.from_bytes(text.encode("utf-16")) == inquiry


def test_integers_for_floats_are_read_as_floats():
    document = _document(Inquiry(title="t", units=[Unit("a", 1.0, 2.0)]))
    document["inquiry"]["units"][0]["outcome"] = 1
    loaded = inquiry_file.loads(json.dumps(document))
    assert type(loaded.units[0].outcome) is float


# ---------------------------------------------------------------------- broken files


def test_not_json():
    assert "damaged or incomplete" in _problem("hello, world")


def test_truncated_json_says_where():
    text = inquiry_file.dumps(_example())
    message = _problem(text[: len(text) // 2])
    assert "damaged or incomplete" in message and "line" in message


def test_empty():
    assert _problem("   ") == "The file is empty."


def test_wrong_format():
    assert _problem('{"format": "something-else", "version": 1}') == (
        "This is not a Hidden Insights inquiry file.")
    assert _problem("[1, 2, 3]") == "This is not a Hidden Insights inquiry file."


def test_newer_version():
    document = _document(_example())
    document["version"] = inquiry_file.VERSION + 1
    message = _problem(json.dumps(document))
    assert "made by a newer version of the kit" in message


@pytest.mark.parametrize("version", [None, "1", 0, True, 1.5])
def test_bad_version(version):
    document = _document(_example())
    document["version"] = version
    assert "version" in _problem(json.dumps(document))


def test_missing_inquiry():
    assert "no inquiry" in _problem('{"format": "hidden-insights-inquiry", "version": 1}')


@pytest.mark.parametrize("part", ["units", "practices", "history", "issue", "measure",
                                  "context_columns"])
def test_missing_part(part):
    document = _document(_example())
    del document["inquiry"][part]
    message = _problem(json.dumps(document))
    assert part.replace("_", " ") in message or "circumstances" in message


def test_ill_typed_values_are_named():
    document = _document(_example())
    document["inquiry"]["units"][13]["outcome"] = "abc"
    assert _problem(json.dumps(document)) == "Unit 14: 'outcome' must be a number, not 'abc'."
    document = _document(_example())
    document["inquiry"]["practices"][0]["from_units"] = "F01"
    assert _problem(json.dumps(document)) == "Practice 1: 'from_units' must be a list of text."
    document = _document(_example())
    document["inquiry"]["group"][0]["role"] = "boss"
    assert "Person 1: 'role' must be one of" in _problem(json.dumps(document))
    document = _document(_example())
    document["inquiry"]["title"] = 5
    assert "title" in _problem(json.dumps(document))
    document = _document(_example())
    document["inquiry"]["units"] = {"a": 1}
    assert "must be a list" in _problem(json.dumps(document))
    document = _document(_example())
    document["inquiry"]["units"][0]["context"] = {"x": [1, 2]}
    assert "Unit 1" in _problem(json.dumps(document))
    document = _document(_example())
    document["inquiry"]["reflections"] = [{"step": 7, "principle": "act"}]
    assert "Reflection 1" in _problem(json.dumps(document))
    document = _document(_example())
    document["inquiry"]["progress"] = [{"date": "2026-01-01", "attendance": 2.5}]
    assert "whole number" in _problem(json.dumps(document))


def test_missing_required_field():
    document = _document(_example())
    del document["inquiry"]["units"][2]["unit_id"]
    assert _problem(json.dumps(document)) == "Unit 3 has no 'unit_id'."


def test_unit_ids_must_be_present_and_unique():
    document = _document(_example())
    document["inquiry"]["units"][4]["unit_id"] = document["inquiry"]["units"][1]["unit_id"]
    message = _problem(json.dumps(document))
    assert message.startswith("Unit 5: the id") and "Unit 2" in message
    document["inquiry"]["units"][4]["unit_id"] = "  "
    assert _problem(json.dumps(document)).startswith("Unit 5: the id is empty")


def test_reserved_or_repeated_circumstances():
    document = _document(_example())
    document["inquiry"]["context_columns"] = ["outcome"]
    assert "cannot be called 'outcome'" in _problem(json.dumps(document))
    document["inquiry"]["context_columns"] = ["a", "a"]
    assert "same name" in _problem(json.dumps(document))


def test_broken_unicode_is_refused():
    document = json.dumps(_document(Inquiry(title="x")))
    broken = document.replace('"title": "x"', '"title": "x\\ud800"')
    assert "broken character" in _problem(broken)


def test_no_title():
    document = _document(Inquiry(title="x"))
    document["inquiry"]["title"] = " "
    assert _problem(json.dumps(document)) == "The inquiry has no title."


def test_unknown_keys_are_ignored():
    document = _document(_example())
    document["inquiry"]["future_part"] = [1, 2]
    document["inquiry"]["units"][0]["future_field"] = "x"
    assert inquiry_file.loads(json.dumps(document)) == _example()


def test_undecodable_bytes():
    with pytest.raises(FileProblem, match="cannot be read"):
        inquiry_file.from_bytes(b'{"format": "\xff"}')


def test_saving_broken_text_is_a_plain_problem():
    with pytest.raises(FileProblem, match="broken character"):
        inquiry_file.to_bytes(Inquiry(title="bad \udc80 text"))


# ---------------------------------------------------------------------- load_inquiry


def test_load_inquiry_decides_by_content_not_name():
    inquiry = _example()
    data = inquiry_file.to_bytes(inquiry, include_private=True)
    assert load_inquiry(data, "renamed.xlsx") == inquiry
    assert load_inquiry(data, "../../etc/passwd") == inquiry
    assert load_inquiry(b"  \n" + data, "") == inquiry


def test_load_inquiry_messages():
    with pytest.raises(FileProblem, match="data table"):
        load_inquiry(b"id,outcome\nA,1\n", "families.csv")
    with pytest.raises(FileProblem, match="not an inquiry file"):
        load_inquiry(b"hello", "notes.txt.json")
    with pytest.raises(FileProblem, match="empty"):
        load_inquiry(b"", "x.json")
    with pytest.raises(FileProblem, match="picture"):
        load_inquiry(b"\x89PNG\r\n\x1a\n" + bytes(100), "x.json")
    with pytest.raises(FileProblem, match="No file"):
        load_inquiry(None, "x.json")  # type: ignore[arg-type]


def test_load_inquiry_size_limit(monkeypatch):
    import widgets.files as files

    monkeypatch.setattr(inquiry_file, "MAX_TEXT_BYTES", 1000)
    with pytest.raises(FileProblem, match="largest file the kit reads"):
        load_inquiry(b"{" + b" " * 2000 + b"}", "x.json")
    monkeypatch.setattr(files, "MAX_INQUIRY_BYTES", 1000)
    with pytest.raises(FileProblem, match="largest file the kit reads"):
        load_inquiry(workbook.to_bytes(_example()), "x.xlsx")


def test_file_problem_is_always_one_short_line():
    problem = FileProblem("a\nb\r\n" + "x" * 500)
    assert "\n" not in str(problem) and len(str(problem)) < 200
    assert isinstance(problem, ValueError)


# ------------------------------------------------------------- what the kit writes, it reads


def _big(n: int) -> Inquiry:
    from widgets.model import Measure

    return Inquiry(title="Big", measure=Measure(kind="rate"), context_columns=["area", "size"],
                   units=[Unit(f"U{i:07d}", float(i % 3), 10.0, None,
                               {"area": ["North", "South"][i % 2], "size": float(i % 5)})
                          for i in range(n)])


def test_a_big_inquiry_is_written_compressed_and_read_back(monkeypatch):
    inquiry = _big(20_000)
    plain = inquiry_file.to_bytes(inquiry, compress=False)
    monkeypatch.setattr(inquiry_file, "COMPRESS_ABOVE", len(plain) - 1)
    data = inquiry_file.to_bytes(inquiry)
    assert inquiry_file.is_compressed(data) and inquiry_file.suffix(data) == ".json.gz"
    assert len(data) < len(plain) / 5
    assert data[4:8] == b"\0\0\0\0"  # no time stamp in the gzip header (the JSON has one)
    assert load_inquiry(data, "big.json.gz") == inquiry
    # The browser's upload limit is on the compressed file: a file the kit wrote fits it
    # whenever its JSON is within the text limit (here: lowered to just the file's size).
    monkeypatch.setattr(inquiry_file, "MAX_TEXT_BYTES", len(plain))
    assert load_inquiry(plain, "big.json") == inquiry
    assert load_inquiry(data, "big.json.gz") == inquiry
    monkeypatch.setattr(inquiry_file, "MAX_TEXT_BYTES", len(plain) - 1)
    for file in (plain, data):
        with pytest.raises(FileProblem, match="more than|largest file"):
            load_inquiry(file, "big.json")


def test_a_zip_bomb_is_refused_without_unpacking_it_all():
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b" " * (1024 * 1024)
    bomb = b"".join(packer.compress(chunk) for _ in range(64)) + packer.flush()
    assert len(bomb) < 100_000  # 64 MB of spaces
    with pytest.raises(FileProblem, match="unpacks to more than"):
        inquiry_file.read(bomb, limit=8 * 1024 * 1024)


@pytest.mark.parametrize("change, words", [
    (lambda d: d["inquiry"]["analysis_runs"][0]["settings"].update(
        deep=json.loads('{"a":' * 17 + "1" + "}" * 17)), "nested more than 16"),
    (lambda d: d["inquiry"]["history"][0]["detail"].update(x=[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]),
     "nested more than 16"),
    (lambda d: d["inquiry"]["group"].extend([{"name": f"p{n}"} for n in range(1001)]),
     "people in the group"),
    (lambda d: d["inquiry"]["progress"].extend([{"date": "2026-01-01"}] * 10_001),
     "progress entries; the kit works with at most 10,000"),
    (lambda d: d["inquiry"]["practices"][0].update(how="x" * 100_001), "too long"),
    (lambda d: d["inquiry"]["units"][0].update(unit_id="x" * 201), "id is too long"),
    (lambda d: d["inquiry"]["units"][0]["context"].update(housing="a\x00b"), "NUL"),
    (lambda d: d["inquiry"].update(title="a\x00b"), "NUL"),
    (lambda d: d["inquiry"]["progress"].append({"date": "2026-01-01", "attendance": 2**64}),
     "too large"),
    (lambda d: d["inquiry"]["practice_checks"][0].update(practice_id=-(2**63)), "too large"),
    (lambda d: d["inquiry"]["reflections"].extend([{"step": 1, "principle": "act"}] * 2),
     "two notes"),
    (lambda d: d["inquiry"]["practices"].append({"what": "again", "id": 1}),
     "two practices have the number 1"),
    (lambda d: (d["inquiry"]["measure"].update(kind="count"),
                d["inquiry"]["units"][1].update(outcome=-1.0)), "a count cannot be negative"),
])
def test_files_the_rest_of_the_kit_could_not_use_are_refused(change, words):
    document = _document(_example())
    change(document)
    message = _problem(json.dumps(document))
    assert words in message


def test_a_rate_may_still_lack_populations():
    # Step 1 lets a group choose "rate" first and enter the populations later.
    inquiry = _big(3)
    inquiry.units[1].population = None
    assert inquiry_file.loads(inquiry_file.dumps(inquiry)) == inquiry


def test_duplicate_keys_anywhere_are_refused():
    text = inquiry_file.dumps(_example())
    first_unit = text.index('{"unit_id"')
    broken = text[:first_unit + 1] + '"outcome": 1.0, ' + text[first_unit + 1:]
    assert "'outcome' twice" in _problem(broken)
