"""A corpus of broken and hostile files, made at test time (no binary fixtures are committed).

Each entry of :data:`BUILDERS` makes one file in a folder and says what must happen when a
person uploads it: either a :class:`~widgets.files.FileProblem` whose message contains
``expect`` (and names the row and column where that applies), or, for hostile but valid text,
that the text is stored exactly (``stored``: column -> values).

``flow`` is "data" (read_table -> to_frame -> store.replace_units_frame) or "inquiry"
(load_inquiry -> store.save_inquiry).
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl


@dataclass
class Case:
    """One file of the corpus and what must happen to it."""

    name: str
    path: Path
    filename: str
    flow: str = "data"
    kind: str = "yes_no"
    mapping: dict | None = None
    sheet: str | None = None
    expect: tuple[str, ...] = ()
    stored: dict[str, list] | None = field(default=None)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with these sheets and rows (also used by test_data_import)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _inquiry_json() -> dict:
    from widgets import examples
    from widgets.files import inquiry_file

    return json.loads(inquiry_file.dumps(examples.build("grub-hub")))


def _inquiryxlsx_bytes() -> bytes:
    from widgets import examples
    from widgets.files import workbook

    return workbook.to_bytes(examples.build("grub-hub"))


def _editxlsx_bytes(data: bytes, change: Callable) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")

HOSTILE_TEXT = ["=1+2", "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3", "=HYPERLINK(\"x\",\"y\")",
                "'quoted"]
HTML_TEXT = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "&amp; &lt;b&gt;",
             "<b>bold</b>"]


def _rows(values: list[str], header: str = "id,outcome,note") -> bytes:
    lines = [header] + ['U{},{},"{}"'.format(i, i % 2, v.replace('"', '""'))
                        for i, v in enumerate(values)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _wide(width: int, name: str = "a") -> bytes:
    return (",".join([name] * width) + "\n" + ",".join(["1"] * width) + "\n").encode()


#: A header line longer than the 32 KB sample, with fewer columns than the limit.
LONG_NAMES = ["id", "outcome"] + [f"circumstance {i} " + "x" * 60 for i in range(600)]


def _long_header() -> bytes:
    rows = "".join(f"U{r},{r % 2}," + ",".join(f"v{r}" for _ in LONG_NAMES[2:]) + "\n"
                   for r in range(3))
    return (",".join(LONG_NAMES) + "\n" + rows).encode()


def _mixed_encoding() -> bytes:
    # UTF-8 throughout, but one line (after 40 KB) pasted in from a Windows-1252 file
    lines = ["id,outcome,place"] + [f"U{i},1,Montréal" for i in range(2500)]
    return b"".join(line.encode("cp1252" if n == 2341 else "utf-8") + b"\n"
                    for n, line in enumerate(lines, start=1))


def _look_alike(first: str, second: str) -> bytes:
    return f"id,outcome\n{first},1\nOther,0\n{second},1\n".encode()


#: name -> (filename, builder of the bytes, what must happen)
BUILDERS: dict[str, tuple[str, Callable[[], bytes], dict]] = {
    # ------------------------------------------------------------ not a table at all
    "empty": ("data.csv", lambda: b"", {"expect": ("empty",)}),
    "only_whitespace": ("data.csv", lambda: b"  \r\n\t \n \n", {"expect": ("empty",)}),
    "png_picture": ("families.csv", lambda: PNG, {"expect": ("picture",)}),
    "binary_garbage": ("data.csv", lambda: random.Random(7).randbytes(5000),
                       {"expect": ("not a table",)}),
    "control_characters": ("data.csv", lambda: bytes(range(1, 9)) * 200,
                           {"expect": ("not a table",)}),
    "nul_in_text": ("data.csv", lambda: b"id,outcome\nA,1\x00\nB,0\n",
                    {"expect": ("not a table",)}),
    "zip_not_xlsx": ("data.xlsx", lambda: _zip({"readme.txt": b"hello"}),
                     {"expect": ("zip file",)}),
    "truncated_xlsx": ("data.xlsx", lambda: xlsx_bytes({"S": [["id", "outcome"], ["A", 1]]})[:900],
                       {"expect": ("damaged",)}),
    "old_xls": ("data.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
                {"expect": (".xls",)}),
    "pdf": ("data.csv", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", {"expect": ("PDF",)}),
    "wrong_encoding": ("data.csv", lambda: b"id,outcome\nA\x81\x8d\x90,1\n",
                       {"expect": ("cannot be read",)}),
    "columns_100k_named_a": ("wide.csv", lambda: _wide(100_000),
                             {"expect": ("100,000 columns", "at most 1,000")}),
    "columns_1m": ("wide.csv", lambda: _wide(1_000_000, "column"),
                   {"expect": ("1,000,000 columns", "at most 1,000")}),
    "header_3000_columns": ("wide.csv", lambda: (",".join(
        f"column name number {i:05d}" for i in range(3000)) + "\n" + "1," * 2999 + "1\n").encode(),
        {"expect": ("3,000 columns", "at most 1,000")}),
    "xlsx_too_many_columns": ("wide.xlsx", lambda: xlsx_bytes(
        {"S": [[f"c{i}" for i in range(1_200)], [1] * 1_200]}), {"expect": ("1,200 columns",)}),
    "too_big": ("huge.csv", lambda: b"id,outcome\n" + b"A,1\n" * (20 * 1024 * 1024 // 4),
                {"expect": ("The file is 20.0 MB; the largest file the kit reads is 10 MB.",)}),
    # ------------------------------------------------------------ broken tables
    "ragged_rows": ("data.csv", lambda: b"id,outcome\nA,1\nB,0,7\nC,1\n",
                    {"expect": ("Row 3", "3 values")}),
    "unclosed_quote": ("data.csv", lambda: b'id,outcome,note\nA,1,ok\nB,0,"never closed\nC,1,x\n',
                       {"expect": ("Row 3", "quotation mark")}),
    "header_only": ("data.csv", lambda: b"id,outcome,population\n",
                    {"expect": ("no rows of data",)}),
    "header_then_blank_lines": ("data.csv", lambda: b"id,outcome\n\n\n\n",
                                {"expect": ("no rows of data",)}),
    "xlsx_header_only": ("data.xlsx", lambda: xlsx_bytes({"Data": [["id", "outcome"]]}),
                         {"expect": ("no rows of data",)}),
    "xlsx_only_empty_sheets": ("data.xlsx", lambda: xlsx_bytes({"A": [], "B": [[None, None]]}),
                               {"expect": ("every sheet is empty",)}),
    "xlsx_sheet_not_there": ("data.xlsx", lambda: xlsx_bytes({"A": [["id", "outcome"], ["x", 1]]}),
                             {"sheet": "Families", "expect": ("no sheet called 'Families'",)}),
    # ------------------------------------------------------------ values that do not fit
    "look_alike_ids_nbsp": ("data.csv", lambda: _look_alike("Family 1", "Family\u00a01"),
                            {"expect": ("Row 4", "column 'id'", "'Family 1' is used twice",
                                        "row 2")}),
    "look_alike_ids_zero_width": ("data.csv", lambda: _look_alike("Family1", "Family\u200b1"),
                                  {"expect": ("Row 4", "'Family1' is used twice", "row 2")}),
    "look_alike_ids_full_width": ("data.csv", lambda: _look_alike("Family 1", "\uff26amily 1"),
                                  {"expect": ("Row 4", "column 'id'", "looks the same as",
                                              "'Family 1' in row 2")}),
    "look_alike_ids_decomposed": ("data.csv", lambda: _look_alike("Jos\u00e9", "Jose\u0301"),
                                  {"expect": ("Row 4", "'Jos\u00e9' is used twice", "row 2")}),
    "xlsx_look_alike_ids": ("data.xlsx", lambda: xlsx_bytes(
        {"S": [["id", "outcome"], ["Family 1", 1], ["\uff26amily\u00a01", 0]]}),
        {"expect": ("Row 3", "looks the same as 'Family 1' in row 2")}),
    "duplicate_ids": ("data.csv", lambda: b"id,outcome\nA1,1\nA2,0\nA2,1\n",
                      {"expect": ("Row 4", "column 'id'", "'A2'", "row 3")}),
    "empty_id": ("data.csv", lambda: b"id,outcome\nA1,1\n,0\nA3,1\n",
                 {"mapping": {"unit_id": "id", "outcome": "outcome"},
                  "expect": ("Row 3", "column 'id'", "empty")}),
    "missing_outcome_column": ("data.csv", lambda: b"id,result\nA,1\n",
                               {"mapping": {"unit_id": "id", "outcome": "outcome"},
                                "expect": ("no column called 'outcome'",)}),
    "same_column_twice": ("data.csv", lambda: b"id,outcome,area\nA,1,x\n",
                          {"mapping": {"unit_id": "id", "outcome": "outcome",
                                       "context": ["area", "outcome"]},
                           "expect": ("'outcome' is chosen twice",)}),
    "non_numeric_outcome": (
        "data.csv",
        lambda: ("id,outcome\n" + "".join(f"U{i},{i}\n" for i in range(12)) + "U12,abc\n"
                 ).encode(),
        {"kind": "score", "expect": ("Row 14, column 'outcome': 'abc' is not a number.",)}),
    "infinite_outcome": ("data.csv", lambda: b"id,outcome\nA,1\nB,inf\n",
                         {"kind": "score", "expect": ("Row 3, column 'outcome'", "'inf'")}),
    "yes_no_with_twos": ("data.csv", lambda: b"id,stayed\nA,1\nB,0\nC,2\n",
                         {"mapping": {"unit_id": "id", "outcome": "stayed"},
                          "expect": ("Row 4", "column 'stayed'", "'2'", "yes or no")}),
    "yes_no_with_words": ("data.csv", lambda: b"id,stayed\nA,yes\nB,maybe\n",
                          {"mapping": {"unit_id": "id", "outcome": "stayed"},
                           "expect": ("Row 3", "'maybe'")}),
    "rate_without_population": ("data.csv", lambda: b"id,events\nA,1\nB,3\n",
                                {"kind": "rate", "mapping": {"unit_id": "id",
                                                             "outcome": "events"},
                                 "expect": ("population",)}),
    "rate_population_empty": ("data.csv", lambda: b"id,events,population\nA,1,5\nB,3,\n",
                              {"kind": "rate", "expect": ("Row 3", "column 'population'")}),
    "events_over_population": ("data.csv", lambda: b"id,events,population\nA,1,5\nB,9,4\n",
                               {"kind": "rate", "expect": ("Row 3", "'9' events")}),
    "negative_count": ("data.csv", lambda: b"id,events\nA,-1\nB,3\n",
                       {"kind": "count", "mapping": {"unit_id": "id", "outcome": "events"},
                        "expect": ("Row 2", "column 'events'", "below 0")}),
    "xlsx_text_outcome": ("data.xlsx", lambda: xlsx_bytes({"S": [["id", "outcome"], ["A", 1],
                                                            ["B", "#DIV/0!"]]}),
                          {"kind": "score", "expect": ("Row 3", "'#DIV/0!'")}),
    # ------------------------------------------------------------ hostile but valid: stored
    "formula_text": ("data.csv", lambda: _rows(HOSTILE_TEXT),
                     {"mapping": {"unit_id": "id", "outcome": "outcome", "context": ["note"]},
                      "stored": {"note": HOSTILE_TEXT}}),
    "html_script_text": ("data.csv", lambda: _rows(HTML_TEXT),
                         {"mapping": {"unit_id": "id", "outcome": "outcome",
                                      "context": ["note"]},
                          "stored": {"note": HTML_TEXT}}),
    "html_in_ids": ("data.csv", lambda: _rows(["a"], header="id,outcome,note").replace(
        b"U0", b"<b>U0</b>"), {"stored": {"unit_id": ["<b>U0</b>"]}}),
    "xlsx_formula_cells": ("data.xlsx", lambda: xlsx_bytes({"S": [
        ["id", "outcome", "calc"], ["A", 1, "=SUM(B2:B3)"], ["B", 0, "=HYPERLINK(\"x\")"]]}),
        {"mapping": {"unit_id": "id", "outcome": "outcome", "context": ["calc"]},
         "stored": {"calc": ["=SUM(B2:B3)", "=HYPERLINK(\"x\")"]}}),
    "header_over_32kb": ("long.csv", _long_header,
                         {"mapping": {"unit_id": "id", "outcome": "outcome",
                                      "context": [LONG_NAMES[-1]]},
                          "stored": {"unit_id": ["U0", "U1", "U2"],
                                     LONG_NAMES[-1]: ["v0", "v1", "v2"]}}),
    "mixed_encoding": ("mixed.csv", _mixed_encoding,
                       {"mapping": {"unit_id": "id", "outcome": "outcome", "context": ["place"]},
                        "stored": {"place": ["Montréal"] * 2500}}),
    "look_alike_ids_kept_clean": ("data.csv",
                                  lambda: "id,outcome\n Family\u00a0\u00a01 ,1\nJose\u0301,0\n"
                                  .encode(),
                                  {"mapping": {"unit_id": "id", "outcome": "outcome"},
                                   "stored": {"unit_id": ["Family 1", "Jos\u00e9"]}}),
    "utf16_without_bom": ("data.csv",
                          lambda: "id,outcome,place\nAmélie,1,Zürich\nBo,0,Łódź\n".encode(
                              "utf-16-le"),
                          {"stored": {"unit_id": ["Amélie", "Bo"], "place": ["Zürich", "Łódź"]}}),
    # ------------------------------------------------------------ inquiry files
    "json_wrong_format": ("inquiry.json", lambda: json.dumps(
        {**_inquiry_json(), "format": "someone-else"}).encode(),
        {"flow": "inquiry", "expect": ("not a Hidden Insights inquiry file",)}),
    "json_newer_version": ("inquiry.json", lambda: json.dumps(
        {**_inquiry_json(), "version": 99}).encode(),
        {"flow": "inquiry", "expect": ("made by a newer version of the kit",)}),
    "json_truncated": ("inquiry.json", lambda: json.dumps(_inquiry_json()).encode()[:5000],
                       {"flow": "inquiry", "expect": ("damaged or incomplete",)}),
    "json_not_an_object": ("inquiry.json", lambda: b"[1, 2, 3]",
                           {"flow": "inquiry", "expect": ("not a Hidden Insights",)}),
    "json_deeply_nested": ("inquiry.json", lambda: b"[" * 200_000,
                           {"flow": "inquiry", "expect": ("damaged",)}),
    "json_ill_typed_unit": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["units"][0].update(outcome="lots")),
        {"flow": "inquiry", "expect": ("Unit 1", "'outcome'")}),
    "json_duplicate_units": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["units"][1].update(unit_id=d["inquiry"]["units"][0]["unit_id"])),
        {"flow": "inquiry", "expect": ("Unit 2", "used twice")}),
    "json_broken_unicode": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"].update(title="x\ud800")),
        {"flow": "inquiry", "expect": ("broken character",)}),
    "json_missing_part": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"].pop("practices")),
        {"flow": "inquiry", "expect": ("no practices part",)}),
    "xlsx_inquiry_missing_sheets": ("inquiry.xlsx", lambda: _editxlsx_bytes(
        _inquiryxlsx_bytes(), lambda b: (b.remove(b["Units"]), b.remove(b["History"]))),
        {"flow": "inquiry", "expect": ("no 'Units' sheet",)}),
    "xlsx_inquiry_bad_number": ("inquiry.xlsx", lambda: _editxlsx_bytes(
        _inquiryxlsx_bytes(), lambda b: b["Units"].__setitem__("C5", "many")),
        {"flow": "inquiry", "expect": ("Sheet 'Units', row 5, column 'population'",)}),
    "xlsx_data_as_inquiry": ("inquiry.xlsx", lambda: xlsx_bytes({"S": [["id"], ["A"]]}),
                             {"flow": "inquiry", "expect": ("not made by the kit",)}),
    "csv_as_inquiry": ("families.csv", lambda: b"id,outcome\nA,1\n",
                       {"flow": "inquiry", "expect": ("data table",)}),
    # Inquiry files that would load but then fail elsewhere, or break the import's rules.
    "json_settings_nested_900_levels": ("inquiry.json", lambda: _nested_settings(900),
        {"flow": "inquiry", "expect": ("Analysis run 1: 'settings'", "nested more than")}),
    "json_too_many_practices": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"].update(practices=[
            {"what": f"practice {n}", "id": n} for n in range(1, 1002)], practice_checks=[])),
        {"flow": "inquiry", "expect": ("1,001 practices", "at most 1,000")}),
    "json_too_many_circumstances": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"].update(context_columns=[f"c{n}" for n in range(20_000)])),
        {"flow": "inquiry", "expect": ("20,000 circumstances", "at most 1,000")}),
    "json_negative_population": ("inquiry.json", lambda: _json_with(lambda d: (
        d["inquiry"]["units"][2].update(population=-5.0))),
        {"flow": "inquiry", "expect": ("Unit 3", "population cannot be negative")}),
    "json_events_above_population": ("inquiry.json", lambda: _json_with(lambda d: (
        d["inquiry"]["measure"].update(kind="rate"),
        [u.update(outcome=1.0, population=4.0) for u in d["inquiry"]["units"]],
        d["inquiry"]["units"][3].update(outcome=9.0, population=4.0))),
        {"flow": "inquiry", "expect": ("Unit 4", "more events than that", "a rate")}),
    "json_yes_no_outcome_minus_3_5": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["units"][4].update(outcome=-3.5)),
        {"flow": "inquiry", "expect": ("Unit 5", "'-3.5' is not yes or no", "yes/no")}),
    "json_decision_about_no_unit": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["exceptions"].append({"unit_id": "Nobody", "status": "confirmed"})),
        {"flow": "inquiry", "expect": ("Decision 6", "'Nobody'", "not in the data")}),
    "json_practice_check_about_no_unit": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["practice_checks"].append(
            {"unit_id": "Nobody", "practice_id": 1, "value": "yes"})),
        {"flow": "inquiry", "expect": ("Practice check 301", "not in the data")}),
    "json_practice_check_about_no_practice": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["practice_checks"].append(
            {"unit_id": "F01", "practice_id": 77, "value": "yes"})),
        {"flow": "inquiry", "expect": ("practice number 77", "not in the file")}),
    "json_duplicate_decision": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["exceptions"].append(dict(d["inquiry"]["exceptions"][0]))),
        {"flow": "inquiry", "expect": ("Decision 6", "two decisions")}),
    "json_duplicate_practice_check": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["practice_checks"].append(dict(d["inquiry"]["practice_checks"][0]))),
        {"flow": "inquiry", "expect": ("Practice check 301", "checked twice")}),
    "json_nul_character": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["practices"][1].update(how="cook\x00together")),
        {"flow": "inquiry", "expect": ("Practice 2: 'how'", "NUL character")}),
    "json_duplicate_key": ("inquiry.json", lambda: json.dumps(_inquiry_json()).replace(
        '"slug": ', '"title": "Someone else\'s", "slug": ', 1).encode(),
        {"flow": "inquiry", "expect": ("'title' twice",)}),
    "json_id_of_2_to_the_63": ("inquiry.json", lambda: _json_with(
        lambda d: d["inquiry"]["practices"][0].update(id=2**63)),
        {"flow": "inquiry", "expect": ("Practice 1: 'id'", "too large")}),
    "json_gz_truncated": ("inquiry.json.gz", lambda: _gzip(
        json.dumps(_inquiry_json()).encode())[:2000],
        {"flow": "inquiry", "expect": ("incomplete",)}),
    "json_gz_not_json": ("inquiry.json.gz", lambda: _gzip(b"\x89PNG not json" * 100),
        {"flow": "inquiry", "expect": ("not an inquiry file",)}),
}


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


def _nested_settings(depth: int) -> bytes:
    document = _inquiry_json()
    document["inquiry"]["analysis_runs"][0]["settings"] = {"deep": "@@here@@"}
    text = json.dumps(document)
    return text.replace('"@@here@@"', '{"a": ' * depth + "1" + "}" * depth).encode()


def _json_with(change: Callable[[dict], object]) -> bytes:
    document = _inquiry_json()
    change(document)
    return json.dumps(document).encode("utf-8")


def make_case(name: str, folder: Path) -> Case:
    """Write the file called ``name`` into ``folder`` and describe what must happen."""
    filename, build, spec = BUILDERS[name]
    path = folder / f"{name}-{Path(filename).name}"
    path.write_bytes(build())
    return Case(name=name, path=path, filename=filename, **spec)


def make_corpus(folder: Path) -> list[Case]:
    """Every file of the corpus, written into ``folder``."""
    return [make_case(name, folder) for name in BUILDERS]
