"""Check sheets on their own: writing one, reading one back, and every plain message."""

import pytest

from widgets.model import Practice, PracticeCheck
from widgets.ui.step3.check_sheet import ChecksFileProblem, check_sheet_csv, read_checks

PRACTICES = [Practice("Eating together", id=1), Practice("@Cooking =1+1", id=2)]
UNITS = ["F1", "F2", "-3", "007"]


def test_a_sheet_goes_out_and_comes_back_exactly():
    values = {("F1", 1): "yes", ("F2", 2): "no", ("-3", 1): "no", ("007", 2): "yes"}
    data = check_sheet_csv("family", UNITS, PRACTICES, values)
    text = data.decode("utf-8")
    assert text.startswith("\ufefffamily id,Eating together,'@Cooking =1+1")
    assert "'-3,no," in text  # an id that a spreadsheet would read as a formula
    checks = read_checks(data, "sheet.csv", UNITS, PRACTICES)
    got = {(c.unit_id, c.practice_id): c.value for c in checks}
    assert got == {**{(u, p.id): "unknown" for u in UNITS for p in PRACTICES}, **values}


def test_words_for_yes_no_and_not_known():
    data = b"id,1,practice 2\nF1,Y,n\nF2,TRUE,don't know\n-3,x,?\n007,0,\n"
    checks = read_checks(data, "a.csv", UNITS, PRACTICES)
    assert [c.value for c in checks] == ["yes", "no", "yes", "unknown", "yes", "unknown",
                                         "no", "unknown"]
    assert all(isinstance(c, PracticeCheck) for c in checks)


def test_without_practices_it_says_add_them_first():
    with pytest.raises(ChecksFileProblem, match="Add the practices first"):
        read_checks(b"id,x\nF1,yes\n", "a.csv", ["F1"], [])


def test_many_unknown_units_are_listed_briefly():
    rows = "".join(f"X{i},yes\n" for i in range(9))
    with pytest.raises(ChecksFileProblem, match="“X4” and 4 more"):
        read_checks(f"id,Eating together\n{rows}".encode(), "a.csv", UNITS, PRACTICES)


def test_a_sheet_with_only_blank_ids_has_no_answers():
    with pytest.raises(ChecksFileProblem, match="no rows of answers"):
        read_checks(b"id,Eating together\n,yes\n", "a.csv", UNITS, PRACTICES)


def test_yes_and_no_in_the_groups_own_language():
    """The kit's one list of yes/no words (widgets/words.py), not a shorter one of its own."""
    data = "id,1,practice 2\nF1,ja,nein\nF2,Sí,non\n-3,oui,na\n007,✓,Nej\n".encode()
    checks = read_checks(data, "a.csv", UNITS, PRACTICES)
    assert [c.value for c in checks] == ["yes", "no", "yes", "no", "yes", "unknown", "yes",
                                         "no"]  # "na" is a spreadsheet's "no value"

