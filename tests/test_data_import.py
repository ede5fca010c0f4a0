"""Data import: CSV and XLSX into a preview, a suggested mapping, and a checked units frame."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from bad_inputs_corpus import xlsx_bytes
from pupils_csv import MEASURE, names, pupils_csv

from widgets.files import FileProblem
from widgets.files.data_import import (
    ColumnMapping,
    Preview,
    answer_values,
    looks_like_names,
    read_table,
    suggest_mapping,
    to_frame,
)
from widgets.model import Measure

CSV = (
    "family,stayed_together,income band,children,notes\n"
    "F01,1,low,3,<b>ok</b>\n"
    "F02,0,middle,1,\n"
    "F03,1,low,2,\"eats together, talks\"\n"
)




def _problem(call, *args, **kwargs) -> str:
    with pytest.raises(FileProblem) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 200 and "Traceback" not in message
    return message


def _frame(data: bytes, kind: str = "yes_no", name: str = "data.csv", **mapping) -> pd.DataFrame:
    preview = read_table(data, name)
    chosen = ColumnMapping(**mapping) if mapping else preview.suggested
    return to_frame(preview, chosen, kind)


# ---------------------------------------------------------------------- delimiters


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter(delimiter):
    text = CSV.replace(",", "\x00").replace("\x00", delimiter) if delimiter != "," else CSV
    # keep the quoted comma a comma inside the quoted field
    text = text.replace(f"eats together{delimiter} talks", "eats together, talks")
    preview = read_table(text.encode(), "families.txt")
    assert isinstance(preview, Preview)
    assert preview.delimiter == delimiter
    assert preview.columns == ["family", "stayed_together", "income band", "children", "notes"]
    assert preview.frame["notes"].tolist()[2] == "eats together, talks"
    assert list(preview.frame.index) == [2, 3, 4]
    assert preview.head(2).shape[0] == 2
    if delimiter != ",":
        assert any("separated by" in note for note in preview.notes)


def test_quoted_fields_with_delimiters_quotes_and_newlines():
    data = b'id,outcome,note\nA,1,"a, b"\nB,2,"say ""hi"""\nC,3,"two\nlines"\nD,4,x\n'
    preview = read_table(data, "q.csv")
    assert preview.frame["note"].tolist() == ["a, b", 'say "hi"', "two\nlines", "x"]


# ---------------------------------------------------------------------- encodings


@pytest.mark.parametrize("codec, label", [
    ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("utf-16", "UTF-16"),
    ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("cp1252", "Windows-1252"),
])
def test_each_encoding(codec, label):
    text = "id,outcome,quartier\nA,1,Montréal café\nB,0,Zürich – Süd\n"
    preview = read_table(text.encode(codec), "e.csv")
    assert preview.encoding == label
    assert preview.columns[0] == "id"  # a BOM never sticks to the first name
    assert preview.frame["quartier"].tolist() == ["Montréal café", "Zürich – Süd"]
    if codec == "cp1252":
        assert any("Windows-1252" in note for note in preview.notes)


def test_windows_1252_found_after_the_sample():
    text = "id,outcome,place\n" + "".join(f"U{i},1,x\n" for i in range(5000)) + "Z,1,café\n"
    preview = read_table(text.encode("cp1252"), "late.csv")
    assert preview.encoding == "Windows-1252"
    assert preview.frame["place"].iloc[-1] == "café"


def test_undecodable_text():
    assert "cannot be read" in _problem(read_table, b"id,outcome\nA\x81\x8d\x90,1\n", "x.csv")


def _mixed(lines_1252: list[int], rows: int = 2500, bom: bool = False) -> bytes:
    """A UTF-8 file of "Montréal" rows with some lines (numbered as in the file) in
    Windows-1252, as when two exports are pasted together."""
    lines = ["id,outcome,place"] + [f"U{i},1,Montréal" for i in range(rows)]
    data = b"".join((line.encode("cp1252" if n in lines_1252 else "utf-8") + b"\r\n")
                    for n, line in enumerate(lines, start=1))
    return (b"\xef\xbb\xbf" if bom else b"") + data


def test_one_windows_1252_line_in_a_utf8_file_is_named():
    data = _mixed([2341])
    assert data.index("Montréal".encode("cp1252")) > 40 * 1024
    preview = read_table(data, "mixed.csv")
    assert preview.encoding == "UTF-8"
    assert preview.frame["place"].tolist() == ["Montréal"] * 2500  # not "MontrÃ©al"
    assert preview.notes == ["Line 2,341 is not UTF-8 like the rest of the file; it was read "
                             "as Windows-1252: check that its accented letters look right."]
    assert read_table(_mixed([2], bom=True), "m.csv").frame["place"].iloc[0] == "Montréal"


def test_several_windows_1252_lines_are_named():
    notes = read_table(_mixed([5, 2400, 9]), "m.csv").notes
    assert notes == ["Lines 5, 9 and 2,400 are not UTF-8 like the rest of the file; they were "
                     "read as Windows-1252: check that their accented letters look right."]
    notes = read_table(_mixed([5, 6, 7, 8, 2000]), "m.csv").notes
    assert notes[0].startswith("Lines 5, 6, 7 and 2 more are not UTF-8")
    half = read_table(_mixed(list(range(3, 2502, 2))), "m.csv")  # 1,250 lines of each
    assert half.encoding == "UTF-8" and half.notes[0].startswith(
        "Lines 3, 5, 7 and 1,247 more are not UTF-8")
    assert half.frame["place"].tolist() == ["Montréal"] * 2500


def test_a_line_in_no_known_encoding_is_named():
    data = _mixed([]).replace(b"U2000,1,Montr\xc3\xa9al", b"U2000,1,Montr\x81al")
    assert _problem(read_table, data, "m.csv") == (
        "Line 2,002 of the file cannot be read: it is neither UTF-8 nor Windows-1252. Save "
        "the file as 'CSV UTF-8' and try again.")


def test_one_utf8_line_in_a_windows_1252_file_is_named():
    data = _mixed(list(range(1, 2502)))  # every line Windows-1252…
    lines = data.split(b"\r\n")
    lines[99] = "U98,1,Montréal".encode()  # …but line 100
    preview = read_table(b"\r\n".join(lines), "m.csv")
    assert preview.encoding == "Windows-1252"
    assert preview.frame["place"].tolist() == ["Montréal"] * 2500
    assert preview.notes == ["Line 100 is not Windows-1252 like the rest of the file; it was "
                             "read as UTF-8: check that its accented letters look right."]
    lines[1999] = b"U1998,1,Montr\x81al"
    assert _problem(read_table, b"\r\n".join(lines), "m.csv").startswith(
        "Line 2,000 of the file cannot be read: it is neither UTF-8 nor Windows-1252.")


# ---------------------------------------------------------------------- numbers


def test_decimal_commas_are_converted():
    data = b"id;score;weight;name\nA;1,5;2;x\nB;-2,25;3,0;y\nC;1.234,5;;z\n"
    preview = read_table(data, "dc.csv")
    assert preview.decimal_comma
    assert any("Decimal commas" in note for note in preview.notes)
    frame = to_frame(preview, ColumnMapping("id", "score", context=["weight", "name"]), "score")
    assert frame["outcome"].tolist() == [1.5, -2.25, 1234.5]
    assert frame["weight"].dtype == "float64"
    assert frame["weight"].tolist()[:2] == [2.0, 3.0] and np.isnan(frame["weight"].iloc[2])


def test_decimal_points_in_a_semicolon_file_stay_points():
    preview = read_table(b"id;score\nA;1.5\nB;2.5\n", "dp.csv")
    assert not preview.decimal_comma
    assert to_frame(preview, preview.suggested, "score")["outcome"].tolist() == [1.5, 2.5]


def test_thousands_commas_in_a_comma_file():
    frame = _frame(b'id,outcome\nA,"1,234.5"\nB,7\n', "score")
    assert frame["outcome"].tolist() == [1234.5, 7.0]


def test_missing_values_in_numbers():
    frame = _frame(b"id,outcome,age\nA,1,NA\nB,,-\nC,2,40\n", "score")
    assert np.isnan(frame["outcome"].iloc[1])
    assert frame["age"].dtype == "float64" and frame["age"].iloc[2] == 40.0


def test_ids_keep_leading_zeros_and_are_text():
    frame = _frame(b"code,outcome\n007,1\n010,0\n", "yes_no")
    assert frame["unit_id"].tolist() == ["007", "010"]
    frame = _frame(b"id,outcome\n1,1\n2,0\n", "yes_no", unit_id="id", outcome="outcome")
    assert frame["unit_id"].tolist() == ["1", "2"]


def test_ids_are_trimmed():
    frame = _frame(b"id,outcome\n A ,1\nB,0\n", "yes_no", unit_id="id", outcome="outcome")
    assert frame["unit_id"].tolist() == ["A", "B"]


def test_ids_are_kept_in_one_clean_form():
    text = ("id,outcome\n Family\u00a0\u00a01 ,1\nJose\u0301,0\nFam\u200bily 2,1\n"
            "\uff26amily 3,0\nWard\t7,1\n")
    frame = _frame(text.encode(), "yes_no", unit_id="id", outcome="outcome")
    # composed accents, one plain space, no invisible characters; full-width letters are
    # kept as typed (only compared as look-alikes)
    assert frame["unit_id"].tolist() == ["Family 1", "Jos\u00e9", "Family 2", "\uff26amily 3",
                                         "Ward 7"]
    book = xlsx_bytes({"S": [["id", "outcome"], ["Family\u00a01", 1], ["Jose\u0301", 0]]})
    frame = _frame(book, "yes_no", name="x.xlsx", unit_id="id", outcome="outcome")
    assert frame["unit_id"].tolist() == ["Family 1", "Jos\u00e9"]


@pytest.mark.parametrize("first, second, message", [
    ("Family 1", "Family\u00a01", "the id 'Family 1' is used twice (also in row 2)"),
    ("Family1", "Family\u200b1", "the id 'Family1' is used twice (also in row 2)"),
    ("Family 1", "Family \u200b1", "the id 'Family 1' is used twice (also in row 2)"),
    ("Jos\u00e9", "Jose\u0301", "the id 'Jos\u00e9' is used twice (also in row 2)"),
    ("Family 1", "\uff26amily 1", "the id '\uff26amily 1' looks the same as 'Family 1' in row 2"),
    ("\uff26amily\u00a01", "Family 1", "the id 'Family 1' looks the same as '\uff26amily 1' in "
     "row 2"),
])
def test_look_alike_ids_are_refused_naming_both_rows(first, second, message):
    data = f"id,outcome\n{first},1\nOther,0\n{second},1\n".encode()
    assert _problem(_frame, data, "yes_no", unit_id="id", outcome="outcome") == (
        f"Row 4, column 'id': {message}; each unit needs its own id.")
    book = xlsx_bytes({"S": [["id", "outcome"], [first, 1], ["Other", 0], [second, 1]]})
    assert _problem(_frame, book, "yes_no", name="x.xlsx", unit_id="id",
                    outcome="outcome").startswith(f"Row 4, column 'id': {message};")


def test_ids_that_only_look_alike_in_a_big_file():
    ids = [f"F{i:05d}" for i in range(20_000)]
    ids[15_000] = "\uff26" + ids[3][1:]
    data = ("id,outcome\n" + "".join(f"{u},1\n" for u in ids)).encode()
    assert _problem(_frame, data, "yes_no", unit_id="id", outcome="outcome").startswith(
        "Row 15002, column 'id': the id '\uff2600003' looks the same as 'F00003' in row 5;")


# ---------------------------------------------------------------------- the units frame


def test_frame_shape_and_types():
    data = (b"id,events,population,name,area,size\n"
            b"A,2,10,Ann Smith,North,3\nB,0,5,Bob,South,\nC,1,8,Cy,North,2\n")
    preview = read_table(data, "r.csv")
    mapping = ColumnMapping("id", "events", "population", "name", ["area", "size"])
    frame = to_frame(preview, mapping, "rate")
    assert list(frame.columns) == ["unit_id", "outcome", "population", "private_name", "area",
                                   "size"]
    assert frame["outcome"].dtype == "float64" and frame["population"].dtype == "float64"
    assert pd.api.types.is_string_dtype(frame["unit_id"])
    assert pd.api.types.is_string_dtype(frame["area"]) and frame["size"].dtype == "float64"
    assert frame["private_name"].tolist() == ["Ann Smith", "Bob", "Cy"]
    no_private = to_frame(preview, ColumnMapping("id", "events", "population"), "rate")
    assert "private_name" not in no_private.columns


def test_population_is_all_missing_when_not_mapped():
    frame = _frame(b"id,outcome\nA,1\n", "score", unit_id="id", outcome="outcome")
    assert frame["population"].dtype == "float64" and frame["population"].isna().all()


def test_pseudonyms():
    data = b"outcome,area\n1,North\n0,South\n1,North\n"
    preview = read_table(data, "p.csv")
    assert preview.suggested.unit_id is None
    frame = to_frame(preview, ColumnMapping(None, "outcome", context=["area"]), "yes_no")
    assert frame["unit_id"].tolist() == ["Unit 1", "Unit 2", "Unit 3"]
    frame = to_frame(preview, ColumnMapping(None, "outcome"), "yes_no",
                     pseudonym_prefix="Family")
    assert frame["unit_id"].tolist() == ["Family 1", "Family 2", "Family 3"]


def test_yes_no_words_are_converted():
    data = b"id,stayed\nA,yes\nB,No\nC,TRUE\nD,false\nE,y\nF,N\nG,1\nH,0\nI,\n"
    preview = read_table(data, "yn.csv")
    frame = to_frame(preview, ColumnMapping("id", "stayed"), "yes_no")
    values = frame["outcome"].tolist()
    assert values[:8] == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0] and np.isnan(values[8])
    assert any("Yes/no" in note for note in frame.attrs["notes"])


def test_yes_no_must_be_zero_or_one():
    preview = read_table(b"id,stayed\nA,1\nB,2\n", "yn.csv")
    assert _problem(to_frame, preview, preview.suggested, "yes_no") == (
        "Row 3, column 'stayed': '2' is not yes or no (use 1/0 or yes/no).")


def test_first_bad_number_is_named():
    rows = "".join(f"U{i},{i}\n" for i in range(12)) + "U99,abc\nU100,def\n"
    preview = read_table(("id,outcome\n" + rows).encode(), "x.csv")
    assert _problem(to_frame, preview, preview.suggested, "score") == (
        "Row 14, column 'outcome': 'abc' is not a number.")


def test_formula_in_a_number_column_gets_a_hint():
    preview = read_table(b"id,outcome\nA,=B2*2\n", "x.csv")
    assert "formula" in _problem(to_frame, preview, ColumnMapping("id", "outcome"), "score")


def test_rate_and_count_rules():
    preview = read_table(b"id,events,pop\nA,2,10\nB,11,10\n", "r.csv")
    assert _problem(to_frame, preview, ColumnMapping("id", "events"), "rate").startswith(
        "A rate needs a population column")
    message = _problem(to_frame, preview, ColumnMapping("id", "events", "pop"), "rate")
    assert message.startswith("Row 3: '11' events out of a population of '10'")
    preview = read_table(b"id,events,pop\nA,2,10\nB,1,0\n", "r.csv")
    assert "Row 3, column 'pop'" in _problem(
        to_frame, preview, ColumnMapping("id", "events", "pop"), "rate")
    preview = read_table(b"id,events\nA,2\nB,-1\n", "c.csv")
    assert _problem(to_frame, preview, ColumnMapping("id", "events"), "count").startswith(
        "Row 3, column 'events': '-1' is below 0")
    # a score may be negative
    assert to_frame(preview, ColumnMapping("id", "events"), "score")["outcome"].tolist() == [
        2.0, -1.0]


def test_mapping_mistakes():
    preview = read_table(CSV.encode(), "f.csv")
    assert _problem(to_frame, preview, ColumnMapping("family", "result"), "yes_no") == (
        "There is no column called 'result' in the file.")
    assert "chosen twice" in _problem(
        to_frame, preview, ColumnMapping("family", "stayed_together", context=["family"]),
        "yes_no")
    assert "kind of measure" in _problem(
        to_frame, preview, ColumnMapping("family", "stayed_together"), "percent")
    assert "outcome" in _problem(to_frame, preview, ColumnMapping("family", ""), "yes_no")


def test_reserved_circumstance_names_are_renamed():
    data = b"id,result,outcome,population\nA,1,x,5\nB,0,y,6\n"
    preview = read_table(data, "x.csv")
    frame = to_frame(preview, ColumnMapping("id", "result", context=["outcome", "population"]),
                     "yes_no")
    assert list(frame.columns)[-2:] == ["outcome (circumstance)", "population (circumstance)"]
    assert frame["outcome (circumstance)"].tolist() == ["x", "y"]
    assert frame["outcome"].tolist() == [1.0, 0.0]


def test_duplicate_and_empty_ids_name_the_rows():
    preview = read_table(b"id,outcome\nA,1\nB,0\nA,1\n", "x.csv")
    assert _problem(to_frame, preview, preview.suggested, "yes_no") == (
        "Row 4, column 'id': the id 'A' is used twice (also in row 2); each unit needs its "
        "own id.")
    preview = read_table(b"id,outcome,x\nA,1,1\n  ,0,2\n", "x.csv")
    assert _problem(to_frame, preview, ColumnMapping("id", "outcome"), "yes_no").startswith(
        "Row 3, column 'id': the id is empty")


def test_text_is_kept_exactly():
    hostile = ["=1+2", "@SUM(A1)", "+cmd|' /C calc'!A0", "<script>alert(1)</script>",
               "-2+3", "'quoted'", "  spaced  "]
    rows = "".join(f'U{i},1,"{t}"\n' for i, t in enumerate(hostile))
    frame = _frame(("id,outcome,note\n" + rows).encode(), "yes_no",
                   unit_id="id", outcome="outcome", context=["note"])
    assert frame["note"].tolist() == hostile


def test_blank_lines_keep_row_numbers():
    preview = read_table(b"\n\nid,outcome\nA,1\n\nB,x\n\n", "x.csv")
    assert list(preview.frame.index) == [4, 6]
    assert _problem(to_frame, preview, preview.suggested, "score").startswith("Row 6,")


def test_unnamed_and_repeated_columns():
    preview = read_table(b"id,,score,score\nA,x,1,2\n", "x.csv")
    assert preview.columns == ["id", "Column B", "score", "score (2)"]
    assert any("Two columns are called 'score'" in n for n in preview.notes)
    preview = read_table(b"id,score,\nA,1,\nB,2,\n", "x.csv")
    assert preview.columns == ["id", "score"]  # the empty trailing column is dropped


def test_a_name_used_many_times_is_numbered_with_one_note():
    header = ",".join(["id", "outcome"] + ["a"] * 900 + ["a (3)", "b", "b"])
    data = (header + "\n" + ",".join(["X", "1"] + ["0"] * 903) + "\n").encode()
    preview = read_table(data, "x.csv")
    names = preview.columns
    assert names[2:5] == ["a", "a (2)", "a (3)"] and len(set(names)) == len(names) == 905
    assert names[-3:] == ["a (3) (2)", "b", "b (2)"]  # a name already taken gets a number too
    assert preview.notes == [
        "900 columns are called 'a'; the others are shown as 'a (2)', 'a (3)' and so on.",
        "Two columns are called 'a (3)'; the second is shown as 'a (3) (2)'.",
        "Two columns are called 'b'; the second is shown as 'b (2)'."]
    many = ",".join(f"c{i},c{i}" for i in range(10))
    notes = read_table(f"{many}\n{','.join(['1'] * 20)}\n".encode(), "x.csv").notes
    assert len(notes) == 6 and notes[-1] == (
        "5 more names are used for more than one column; they are numbered the same way.")


@pytest.mark.timeout(60)  # 1,000,000 columns once ran past 6 minutes
@pytest.mark.parametrize("width", [1_001, 3_000, 100_000, 1_000_000])
def test_too_many_columns_are_refused_before_reading_names(width):
    data = (",".join(["a"] * width) + "\n" + ",".join(["1"] * width) + "\n").encode()
    assert _problem(read_table, data, "wide.csv") == (
        f"The file has {width:,} columns; the kit reads at most 1,000. Keep only the columns "
        "the group needs, and try again.")


def test_a_thousand_columns_are_read():
    header = ",".join(f"c{i}" for i in range(1_000))
    preview = read_table(f"{header}\n{','.join(['1'] * 1_000)}\n".encode(), "x.csv")
    assert len(preview.columns) == 1_000


def test_a_header_longer_than_the_sample_is_read_whole():
    names = ["id", "outcome"] + [f"circumstance {i} " + "x" * 60 for i in range(600)]
    header = ";".join(names)
    assert len(header) > 40 * 1024
    rows = "".join(f"U{r};{r % 2};" + ";".join(f"{r}-{i}" for i in range(600)) + "\n"
                   for r in range(3))
    preview = read_table((header + "\n" + rows).encode(), "long.csv")
    assert preview.delimiter == ";" and preview.columns == names
    assert preview.frame[names[-1]].tolist() == ["0-599", "1-599", "2-599"]
    frame = to_frame(preview, ColumnMapping("id", "outcome", context=[names[-1]]), "yes_no")
    assert frame["unit_id"].tolist() == ["U0", "U1", "U2"]


def test_a_header_with_a_quoted_line_break_longer_than_the_sample():
    names = [f"name {i}" + "y" * 50 for i in range(700)]
    names[650] = "two\nlines"
    header = ",".join(f'"{n}"' for n in names)
    data = (header + "\n" + ",".join("1" for _ in names) + "\n").encode()
    preview = read_table(data, "q.csv")
    assert len(preview.columns) == 700 and preview.columns[650] == "two lines"
    assert preview.rows == 1


def test_a_column_name_too_long_to_be_true():
    data = ('id,"' + "x" * 200_000 + '"\nA,1\n').encode()
    assert _problem(read_table, data, "x.csv") == (
        "Row 1: a column name is far too long, or a quotation mark (\") is opened but never "
        "closed.")


def test_a_sheet_with_too_many_columns():
    book = xlsx_bytes({"S": [[f"c{i}" for i in range(1_001)], [1] * 1_001]})
    assert _problem(read_table, book, "wide.xlsx") == (
        "The file has 1,001 columns; the kit reads at most 1,000. Keep only the columns "
        "the group needs, and try again.")
    book = xlsx_bytes({"S": [["id", "outcome"], ["A", 1], ["B", 0] + [None] * 1_497 + ["x"]]})
    assert _problem(read_table, book, "stray.xlsx") == (
        "Row 3 has a value in column BER, beyond the 1,000 columns the kit reads; move or "
        "delete it, and try again.")


# ---------------------------------------------------------------------- suggestions


def test_suggested_mapping():
    preview = read_table(CSV.encode(), "f.csv")
    assert preview.suggested == ColumnMapping(
        unit_id="family", outcome="stayed_together", population=None, private_name=None,
        context=["income band", "children", "notes"])
    data = b"Name,Ward ID,Events,Population,Deprivation\nAnn,W1,3,100,2\nBo,W2,1,90,4\n"
    suggested = read_table(data, "w.csv").suggested
    assert suggested == ColumnMapping("Ward ID", "Events", "Population", "Name",
                                      ["Deprivation"])
    # no id-like column: pseudonyms; a yes/no text column can be the outcome
    suggested = read_table(b"area,stayed\nNorth,yes\nNorth,no\n", "a.csv").suggested
    assert suggested.unit_id is None and suggested.outcome == "stayed"
    # a column called "outcome" stays the outcome even with a stray word in it
    assert read_table(b"id;note;outcome\nA;a;1\nB;c;x\n", "o.csv").suggested.outcome == (
        "outcome")
    # the suggestion works as it is
    frame = to_frame(read_table(data, "w.csv"), read_table(data, "w.csv").suggested, "rate")
    assert frame["unit_id"].tolist() == ["W1", "W2"]


def test_single_column():
    preview = read_table(b"score\n1\n2\n", "s.csv")
    assert preview.suggested == ColumnMapping(None, "score")
    assert to_frame(preview, preview.suggested, "score")["unit_id"].tolist() == ["Unit 1",
                                                                                 "Unit 2"]


# ---------------------------------------------------------------------- names and the measure


def test_the_60_pupil_file_gives_pseudonyms_private_names_and_the_measured_outcome():
    preview = read_table(pupils_csv(), "Klasse 5b.csv")
    assert preview.encoding == "Windows-1252" and preview.delimiter == ";"
    assert preview.frame["Schüler"].iloc[0] == "Jürgen Müller"
    suggested = suggest_mapping(preview.frame, MEASURE)
    assert suggested == ColumnMapping(unit_id=None, outcome="has a plan", private_name="Schüler",
                                      context=["free school meals", "estate"])
    assert suggested.guesses["outcome"] == (
        "We guessed the outcome is 'has a plan': its name is like the measure ('Pupils who "
        "have a plan') and it holds yes/no answers. Check it.")
    assert "Schüler" in suggested.guesses["private_name"]
    # The suggestion imports as it is, untouched.
    frame = to_frame(preview, suggested, MEASURE.kind, pseudonym_prefix="Pupil")
    assert frame["unit_id"].tolist() == [f"Pupil {i}" for i in range(1, 61)]
    assert frame["private_name"].tolist() == names()
    assert frame["outcome"].sum() == 15 and frame["outcome"].tolist()[:2] == [0.0, 1.0]
    assert list(frame.columns) == ["unit_id", "outcome", "population", "private_name",
                                   "free school meals", "estate"]
    public = set(frame["unit_id"]) | set(frame["free school meals"]) | set(frame["estate"])
    assert not set(names()) & public
    # Without the measure the names are still private, never ids.
    assert preview.suggested.unit_id is None and preview.suggested.private_name == "Schüler"
    assert "Schüler" not in preview.suggested.context


def test_the_60_pupil_file_in_german_yes_no_words():
    preview = read_table(pupils_csv("ja", "nein"), "Klasse 5b.csv")
    suggested = suggest_mapping(preview.frame, MEASURE)
    assert (suggested.unit_id, suggested.outcome, suggested.private_name) == (
        None, "has a plan", "Schüler")
    assert suggested.context == ["free school meals", "estate"]
    frame = to_frame(preview, suggested, "yes_no", pseudonym_prefix="Pupil")
    assert frame["outcome"].sum() == 15 and frame["outcome"].notna().all()
    assert set(frame["free school meals"]) == {"ja", "nein"}  # a circumstance stays as written


@pytest.mark.parametrize("header", ["name", "Name", "Schüler", "SCHUELER", "pupil", "Pupils",
                                    "child", "family", "Full name", "Kind", "élève", "Nombre"])
def test_a_column_of_names_is_never_the_id(header):
    people = ["Anna Schäfer", "Ben O'Neill", "Chloé Dubois", "Dev Patel", "Eve",
              "Jürgen Groß"]
    rows = "".join(f"{p},{'yes' if i % 2 else 'no'},{['low', 'high'][i % 2]}\n"
                   for i, p in enumerate(people))
    data = f"{header},stayed together,income\n{rows}".encode()
    suggested = read_table(data, "f.csv").suggested
    assert suggested.unit_id is None and suggested.private_name == header
    assert suggested.context == ["income"]


def test_names_are_found_by_their_values_and_other_names_are_left_out():
    rows = "".join(f"{p},{n},{i % 2}\n" for i, (p, n) in enumerate(
        [("Anna Schäfer", "Schäfer"), ("Ben Jones", "Jones"), ("Cy Twombly", "Twombly")]))
    suggested = read_table(f"Lead contact,Nachname,outcome\n{rows}".encode(), "f.csv").suggested
    assert suggested.private_name == "Lead contact" and suggested.unit_id is None
    assert suggested.context == []  # the second names column is not a circumstance
    assert "'Nachname' also looks like names" in suggested.guesses["left_out"]


@pytest.mark.parametrize("header, values, expected", [
    ("family", ["F01", "F02", "F03"], False),               # codes: an id
    ("pupil", ["P-1", "P-2", "P-3"], False),
    ("ward", ["Abbey", "Castle", "Riverside"], False),      # places
    ("school name", ["Hillside Primary", "St Mary's", "Oak Road Juniors"], False),
    ("pupil id", ["Anna Schäfer", "Ben Jones", "Cy Twombly"], False),
    ("housing", ["Social Rent", "Social Rent", "Owner"], False),
    ("pupil", ["Anna", "Ben", "Cy"], True),
    ("who", ["Anna Schäfer", "Ben Jones", "Cy Twombly"], True),
])
def test_what_looks_like_names(header, values, expected):
    assert looks_like_names(pd.Series(values, dtype="str"), header) is expected


def test_a_family_code_column_is_still_the_id():
    data = b"family,stayed together,housing\nF01,yes,rent\nF02,no,own\n"
    suggested = read_table(data, "f.csv").suggested
    assert (suggested.unit_id, suggested.private_name) == ("family", None)


@pytest.mark.parametrize("measure, outcome", [
    (Measure("Pupils who have a plan", "pupil", "yes_no"), "has a plan"),
    (Measure("free school meals", "pupil", "yes_no"), "free school meals"),
    (Measure("Families who eat together", "family", "yes_no"), "free school meals"),
    (Measure("", "pupil", "yes_no"), "free school meals"),
    (Measure("visits to the food bank", "family", "count"), "food bank visits"),
    (Measure("days at school", "pupil", "score"), "attendance days"),
])
def test_the_outcome_is_guessed_from_the_measure(measure, outcome):
    frame = pd.DataFrame({
        "free school meals": ["yes", "no", "yes"], "has a plan": ["no", "no", "yes"],
        "food bank visits": [0, 3, 1], "attendance days": [150.5, 170.0, 120.0]})
    suggested = suggest_mapping(frame, measure)
    assert suggested.outcome == outcome
    assert outcome not in suggested.context and len(suggested.context) == 3
    assert suggested.guesses["outcome"].endswith("Check it.")


def test_the_outcome_must_fit_the_kind_of_measure():
    frame = pd.DataFrame({"attendance %": [95.0, 80.0, 99.5],
                          "good attendance": ["ja", "nein", "ja"]})
    assert suggest_mapping(frame, Measure("Pupils with good attendance", "pupil",
                                          "yes_no")).outcome == "good attendance"
    assert suggest_mapping(frame, Measure("Attendance", "pupil",
                                          "score")).outcome == "attendance %"


@pytest.mark.parametrize("yes, no", [
    ("ja", "nein"), ("Ja", "Nein"), ("J", "N"), ("oui", "non"), ("sí", "no"), ("Si", "No"),
    ("wahr", "falsch"), ("vrai", "faux"), ("1", "0"), ("TRUE", "FALSE"), ("y", "n"),
    ("sim", "não"), ("tak", "nie"), ("ja", "nee"), ("evet", "hayır"),
])
def test_yes_no_words_in_other_languages(yes, no):
    data = f"id,answer\nA,{yes}\nB,{no}\nC,\n".encode()
    frame = _frame(data, "yes_no", unit_id="id", outcome="answer")
    assert frame["outcome"].tolist()[:2] == [1.0, 0.0] and np.isnan(frame["outcome"][2])


def test_the_groups_own_yes_no_words():
    data = "id,plan\nA,klar\nB,nee\nC,KLAR\nD,weiß nicht\nE,ja\nF,\n".encode()
    preview = read_table(data, "p.csv")
    assert answer_values(preview.frame["plan"]) == [
        ("klar", 2), ("nee", 1), ("weiß nicht", 1), ("ja", 1)]
    assert _problem(to_frame, preview, ColumnMapping("id", "plan"), "yes_no") == (
        "Row 2, column 'plan': 'klar' is not yes or no (use 1/0 or yes/no).")
    words = {"klar": True, " Nee ": False, "weiß nicht": None}
    frame = to_frame(preview, ColumnMapping("id", "plan", outcome_words=words), "yes_no")
    assert frame["outcome"].tolist()[:3] == [1.0, 0.0, 1.0]
    assert np.isnan(frame["outcome"][3]) and frame["outcome"][4] == 1.0
    # the group's word wins over the kit's
    frame = to_frame(preview, ColumnMapping("id", "plan", outcome_words={
        **words, "ja": False}), "yes_no")
    assert frame["outcome"][4] == 0.0
    # an answer the group said nothing about is still refused
    assert "'weiß nicht' is not yes or no" in _problem(
        to_frame, preview, ColumnMapping("id", "plan", outcome_words={"klar": True,
                                                                     "nee": False}), "yes_no")
    for bad in ({"klar": "yes"}, {1: True}, ["klar"]):
        assert "yes, no or not known" in _problem(
            to_frame, preview, ColumnMapping("id", "plan", outcome_words=bad), "yes_no")


def test_numbers_as_the_groups_yes_no_codes():
    preview = read_table(b"id,plan\nA,1\nB,2\nC,1\n", "p.csv")
    assert answer_values(preview.frame["plan"]) == [("1", 2), ("2", 1)]
    frame = to_frame(preview, ColumnMapping("id", "plan", outcome_words={"1": True,
                                                                          "2": False}),
                     "yes_no")
    assert frame["outcome"].tolist() == [1.0, 0.0, 1.0]


def test_too_many_answers_are_no_yes_no_column():
    assert answer_values(pd.Series([f"v{i}" for i in range(13)])) is None
    assert len(answer_values(pd.Series([f"v{i}" for i in range(13)]), limit=20)) == 13


# ---------------------------------------------------------------------- xlsx


def test_xlsx_first_sheet_with_data_and_choosing_a_sheet():
    data = xlsx_bytes({
        "Cover": [],
        "Families": [["id", "outcome", "area"], ["F1", 1, "North"], ["F2", 0, "South"]],
        "Wards": [["ward", "events", "population"], ["W1", 3, 100], ["W2", 5, 80]],
    })
    preview = read_table(data, "book.xlsx")
    assert preview.kind == "xlsx" and preview.sheet == "Families"
    assert preview.sheets == ["Cover", "Families", "Wards"]
    assert preview.frame["area"].tolist() == ["North", "South"]
    wards = read_table(data, "book.xlsx", sheet="Wards")
    assert wards.sheet == "Wards" and wards.suggested.population == "population"
    frame = to_frame(wards, ColumnMapping("ward", "events", "population"), "rate")
    assert frame["outcome"].tolist() == [3.0, 5.0]
    assert _problem(read_table, data, "book.xlsx", sheet="Nope") == (
        "The workbook has no sheet called 'Nope'.")
    assert "empty" in _problem(read_table, data, "book.xlsx", sheet="Cover")


def test_xlsx_values_formulas_dates_and_row_numbers():
    from datetime import datetime

    book = openpyxl.Workbook()
    ws = book.active
    ws.append([])
    ws.append(["id", "outcome", "when", "calc", "mixed"])
    ws.append([7, 1, datetime(2026, 3, 31), "=B3*2", "a"])
    ws.append([8, 0, datetime(2026, 4, 1, 12, 30), "<i>x</i>", 5])
    ws.append([9, "abc", None, None, 2.5])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = read_table(buffer.getvalue(), "x.xlsx")
    assert list(preview.frame.index) == [3, 4, 5]
    assert preview.frame["calc"].tolist()[:2] == ["=B3*2", "<i>x</i>"]
    assert preview.frame["when"].tolist()[:2] == ["2026-03-31", "2026-04-01T12:30:00"]
    assert preview.frame["mixed"].tolist() == ["a", "5", "2.5"]
    assert _problem(to_frame, preview, ColumnMapping("id", "outcome"), "score") == (
        "Row 5, column 'outcome': 'abc' is not a number.")
    ok = read_table(buffer.getvalue(), "x.xlsx")
    ok.frame.loc[5, "outcome"] = "1"
    frame = to_frame(ok, ColumnMapping("id", "outcome", context=["calc"]), "yes_no")
    assert frame["unit_id"].tolist() == ["7", "8", "9"]
    assert frame["calc"].tolist()[:2] == ["=B3*2", "<i>x</i>"]


def test_xlsx_yes_no_booleans():
    data = xlsx_bytes({"S": [["id", "ok"], ["a", True], ["b", False], ["c", "yes"]]})
    frame = to_frame(read_table(data, "b.xlsx"), ColumnMapping("id", "ok"), "yes_no")
    assert frame["outcome"].tolist() == [1.0, 0.0, 1.0]


def test_xlsx_without_data():
    assert _problem(read_table, xlsx_bytes({"A": [], "B": []}), "e.xlsx") == (
        "The workbook has no data: every sheet is empty.")
    assert "no rows of data" in _problem(read_table, xlsx_bytes({"A": [["id", "outcome"]]}),
                                         "h.xlsx")


# ---------------------------------------------------------------------- whole flow


def test_import_into_the_store(store, slug):
    data = ("id;outcome;population;area;note\n"
            "A;1;10;North;=1+2\nB;0;12;South;<b>x</b>\n").encode("utf-16")
    preview = read_table(data, "../../secret/path/units.csv")
    assert preview.filename == "units.csv"
    frame = to_frame(preview, preview.suggested, "yes_no")
    store.replace_units_frame(slug, frame, by="test", source=preview.filename)
    units = store.get(slug).units
    assert [u.unit_id for u in units] == ["A", "B"]
    assert [u.context["note"] for u in units] == ["=1+2", "<b>x</b>"]
    assert [u.population for u in units] == [10.0, 12.0]
    stored = store.units_frame(slug)
    assert stored["outcome"].tolist() == [1.0, 0.0]


def test_a_big_file_reads_whole(store, slug):
    n = 20_000
    rng = np.random.default_rng(4)
    table = pd.DataFrame({"id": [f"F{i:05d}" for i in range(n)],
                          "events": rng.integers(0, 5, n), "population": rng.integers(5, 50, n),
                          "area": rng.choice(["North", "South"], n)})
    preview = read_table(table.to_csv(index=False).encode(), "big.csv")
    frame = to_frame(preview, preview.suggested, "rate")
    assert len(frame) == n and frame["unit_id"].iloc[-1] == f"F{n - 1:05d}"
    store.replace_units_frame(slug, frame, by="test", source="big.csv", kind="rate")
    assert len(store.units_frame(slug)) == n


def test_too_big():
    data = b"id,outcome\n" + b"A,1\n" * (20 * 1024 * 1024 // 4)
    assert _problem(read_table, data, "huge.csv") == (
        "The file is 20.0 MB; the largest file the kit reads is 10 MB.")


def test_a_file_with_some_impossible_rates_is_refused_whole(store, slug):
    # As for a word among the numbers: the whole file is refused, naming the first row that
    # does not fit, and nothing is stored (no row is quietly left out).
    data = (b"ward,admissions,people\nW1,3,10\nW2,12,10\nW3,2,-5\nW4,1,8\n")
    preview = read_table(data, "wards.csv")
    mapping = ColumnMapping("ward", "admissions", "people")
    assert _problem(to_frame, preview, mapping, "rate") == (
        "Row 4, column 'people': '-5' is below 0; a population cannot be negative.")
    preview = read_table(data.replace(b"-5", b"5"), "wards.csv")
    assert _problem(to_frame, preview, mapping, "rate") == (
        "Row 3: '12' events out of a population of '10'; there cannot be more events than "
        "that.")
    # The store holds the same rule for a frame that did not come through to_frame.
    frame = pd.DataFrame({"unit_id": ["W1", "W2"], "outcome": [3.0, 12.0],
                          "population": [10.0, 10.0]})
    with pytest.raises(ValueError, match=r"Row 2 \(W2\): '12' events"):
        store.replace_units_frame(slug, frame, kind="rate")
    assert store.units(slug) == [] and store.get(slug).measure.kind == "yes_no"
