"""One rule for unit ids wherever they come in: kept in one clean form, and ids that only
look different ("Family 1", "Family\u00a01", "Ｆamily 1", "José" composed or not) are the
same id. Data import is tested in test_data_import; here the rule itself, the model records,
the store's check (the units editor goes through it) and loading an inquiry file."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets.files import FileProblem, inquiry_file, load_inquiry
from widgets.model import (
    ExceptionDecision,
    Inquiry,
    ModelError,
    Practice,
    PracticeCheck,
    Unit,
    clean_unit_id,
    clean_unit_ids,
    unit_id_key,
)


@pytest.mark.parametrize("raw, clean", [
    ("Family 1", "Family 1"),
    ("  Family 1 ", "Family 1"),
    ("Family\u00a01", "Family 1"),                 # non-breaking space
    ("Family \u3000\t 1", "Family 1"),             # ideographic space, tab: one space
    ("Family\u202f1", "Family 1"),                 # narrow non-breaking space
    ("Fam\u200bily\u200c\u200d\u2060\ufeff 1", "Family 1"),  # invisible characters go
    ("Ho\u00adme 4", "Home 4"),                    # a soft hyphen shows nothing
    ("Jose\u0301", "Jos\u00e9"),                   # accents composed (NFC)
    ("\uff26amily 1", "\uff26amily 1"),            # full-width letters are kept as typed
    ("\u200b", ""),
])
def test_clean_unit_id(raw, clean):
    assert clean_unit_id(raw) == clean
    assert clean_unit_id(clean) == clean  # the rule is stable


@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_the_rule_is_stable_for_any_text(text):
    clean = clean_unit_id(text)
    assert clean_unit_id(clean) == clean
    assert unit_id_key(clean) == unit_id_key(text) == unit_id_key(unit_id_key(text))


@given(st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
                | st.lists(st.sampled_from(["A", " ", "\u00a0", "\u200b", "e", "\u0301",
                                            "\uff21", "\t", "\u3000"]), max_size=5)
                .map("".join), max_size=6))
def test_a_series_follows_the_same_rule(values):
    clean, keys = clean_unit_ids(pd.Series(values, dtype="str"))
    assert clean.tolist() == [clean_unit_id(v) for v in values]
    assert keys.tolist() == [unit_id_key(v) for v in values]


def test_every_kind_of_space_is_one_space():
    spaces = [chr(i) for i in range(0x110000) if chr(i).isspace()]
    assert len(spaces) > 20
    ids = [f"A{c}{c}1{c}" for c in spaces]
    assert [clean_unit_id(i) for i in ids] == ["A 1"] * len(spaces)
    assert clean_unit_ids(pd.Series(ids, dtype="str"))[0].tolist() == ["A 1"] * len(spaces)


def test_an_invisible_character_between_a_letter_and_its_accent():
    assert clean_unit_id("Jose\u200b\u0301") == "Jos\u00e9"


def test_the_key_folds_compatibility_forms_only():
    assert unit_id_key("\uff26amily\u00a01") == unit_id_key("Family 1") == "Family 1"
    assert unit_id_key("Jose\u0301") == unit_id_key("Jos\u00e9")
    assert unit_id_key("\u2460") == "1"  # a circled one looks like an id "1" too
    assert unit_id_key("family 1") != unit_id_key("Family 1")  # case is seen: not alike
    assert unit_id_key("Family1") != unit_id_key("Family 1")


def test_clean_unit_ids_of_a_series():
    ids = pd.Series(["A 1", " B\u00a0 2", "\uff23 3", "Jose\u0301"], dtype="str")
    clean, keys = clean_unit_ids(ids)
    assert clean.tolist() == ["A 1", "B 2", "\uff23 3", "Jos\u00e9"]
    assert keys.tolist() == ["A 1", "B 2", "C 3", "Jos\u00e9"]
    plain = pd.Series(["A", "B"], dtype="str")
    assert clean_unit_ids(plain)[0] is plain  # nothing to do: no copy


def test_model_records_keep_clean_ids():
    assert Unit(" Family\u00a01").unit_id == "Family 1"
    assert ExceptionDecision("Family\u200b 1").unit_id == "Family 1"
    assert PracticeCheck("Jose\u0301", 1).unit_id == "Jos\u00e9"
    assert Practice("eat together", from_units=["Family\u00a01", "B"]).from_units == [
        "Family 1", "B"]
    assert Unit(7).unit_id == 7  # not text: left for the checks to refuse


@pytest.fixture
def families(store, slug):
    store.replace_units_frame(slug, pd.DataFrame({
        "unit_id": ["Family 1", "Family\u00a02 ", "Jose\u0301"], "outcome": [1.0, 0.0, 1.0]}))
    return slug


def test_the_store_keeps_clean_ids(store, families):
    assert store.units_frame(families)["unit_id"].tolist() == ["Family 1", "Family 2",
                                                               "Jos\u00e9"]


@pytest.mark.parametrize("ids, message", [
    (["Family 1", "X", "Family\u00a01"],
     "The id 'Family 1' is used twice (rows 1 and 3). Each unit needs its own id."),
    (["Jos\u00e9", "Jose\u0301"],
     "The id 'Jos\u00e9' is used twice (rows 1 and 2). Each unit needs its own id."),
    (["Family 1", "X", "\uff26amily 1"],
     "The ids 'Family 1' (row 1) and '\uff26amily 1' (row 3) look the same. Each unit needs "
     "its own id."),
])
def test_the_store_refuses_ids_that_look_the_same(store, families, ids, message):
    before = store.get(families)
    frame = pd.DataFrame({"unit_id": ids, "outcome": [1.0] * len(ids)})
    with pytest.raises(ModelError) as caught:
        store.replace_units_frame(families, frame)
    assert str(caught.value) == message
    units = [Unit(i, 1.0) for i in ids]
    with pytest.raises(ModelError):
        store.replace_units(families, units, [])
    assert store.get(families) == before


def test_the_units_editor_cannot_add_a_look_alike(store, families):
    before = store.get(families)
    with pytest.raises(ModelError, match="look the same"):
        store.add_unit(families, Unit("\uff26amily 1", 1.0))
    with pytest.raises(ModelError):
        store.add_unit(families, Unit("Family\u00a01", 1.0))
    with pytest.raises(ModelError, match="look the same"):
        store.update_unit(families, "Family 2", Unit("\uff26amily 1", 0.0))
    assert store.get(families) == before
    store.add_unit(families, Unit("  Family\u00a04", 1.0))
    assert store.units_frame(families)["unit_id"].tolist()[-1] == "Family 4"


def _file_with_units(ids: list[str]) -> bytes:
    inquiry = Inquiry("Look-alikes", units=[Unit(f"U{i}", 1.0) for i in range(len(ids))],
                      exceptions=[ExceptionDecision("U0", "confirmed", note="eats together")],
                      practices=[Practice("eat together", from_units=["U0"])],
                      practice_checks=[PracticeCheck("U0", 1, "yes")])
    document = json.loads(inquiry_file.dumps(inquiry))
    part = document["inquiry"]
    for i, unit_id in enumerate(ids):
        part["units"][i]["unit_id"] = unit_id
    part["exceptions"][0]["unit_id"] = ids[0]
    part["practices"][0]["from_units"] = [ids[0]]
    part["practice_checks"][0]["unit_id"] = ids[0]
    return json.dumps(document).encode("utf-8")


def test_an_inquiry_file_keeps_its_links_to_units(store):
    inquiry = load_inquiry(_file_with_units(["Family\u00a01", "Family 2"]), "x.json")
    stored = store.get(store.save_inquiry(inquiry))
    assert [u.unit_id for u in stored.units] == ["Family 1", "Family 2"]
    # the decision, the practice and the check still name their unit
    assert stored.exceptions[0].unit_id == "Family 1"
    assert stored.practices[0].from_units == ["Family 1"]
    assert stored.practice_checks[0].unit_id == "Family 1"


def test_an_inquiry_file_with_look_alike_ids_is_refused(store):
    with pytest.raises(FileProblem, match="used twice"):
        load_inquiry(_file_with_units(["Family 1", "Family\u00a01"]), "x.json")
    inquiry = load_inquiry(_file_with_units(["Family 1", "\uff26amily 1"]), "x.json")
    with pytest.raises(ModelError, match="look the same"):
        store.save_inquiry(inquiry)
    assert store.list_inquiries() == []
