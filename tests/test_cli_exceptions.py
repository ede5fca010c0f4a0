"""``hidden-insights exceptions`` (widgets.cli.exceptions): each method on an inquiry and on
a CSV file, the JSON shape, the same flags as the app on the exported CSV, and mistakes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from widgets import cli, examples
from widgets.analysis.positive_exceptions import run_method
from widgets.cli.exceptions import infer_kind, method_settings
from widgets.model import Measure, Unit

METHODS = ("group-z", "group-iqr", "expected")
CIRCUMSTANCES = {
    "grub-hub": ["income band", "housing"],
    "child-nutrition": ["household income", "mother's education"],
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_mistake(result, *words: str) -> None:
    status, _out, err = result
    assert status == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("hidden-insights: error: ") and "Traceback" not in err
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]


@pytest.fixture
def examples_stored(store):
    for name in CIRCUMSTANCES:
        store.save_inquiry(examples.build(name))
    return store


def wards_csv(tmp_path) -> str:
    rows = [{"ward": f"W{i:02d}", "admissions": round((100 + 40 * i) * 0.1),
             "people": 100 + 40 * i, "area": "north" if i % 2 else "south"} for i in range(30)]
    rows += [{"ward": "W-LOW", "admissions": 40, "people": 2000, "area": "north"},
             {"ward": "W-TINY", "admissions": 0, "people": 20, "area": "south"}]
    path = tmp_path / "wards.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def export(store, slug, tmp_path) -> str:
    path = tmp_path / f"{slug}.csv"
    store.units_frame(slug, include_private=False).to_csv(path, index=False)
    return str(path)


# ---------------------------------------------------------------------- the same flags


@pytest.mark.parametrize("slug", list(CIRCUMSTANCES))
@pytest.mark.parametrize("method", METHODS)
def test_the_cli_gives_the_same_flags_on_the_slug_and_the_exported_csv(
        capsys, examples_stored, tmp_path, slug, method):
    store = examples_stored
    inquiry = store.get(slug)
    circumstances = CIRCUMSTANCES[slug]
    app = run_method(method, store.units_frame(slug), inquiry.measure,
                     **method_settings(method, None, circumstances))
    assert app.flagged_ids, "each method finds someone on the examples"

    status, out, err = run(capsys, "exceptions", slug, "--method", method, "--json",
                           "--context", *circumstances)
    assert status == 0, err
    on_slug = json.loads(out)
    assert [r["id"] for r in on_slug if r["flagged"]] == \
        [str(u) for u in app.table.loc[app.table["flagged"], "unit_id"]]

    csv = export(store, slug, tmp_path)
    status, out, err = run(capsys, "exceptions", "--data", csv, "--id", "unit_id",
                           "--outcome", "outcome", "--better", inquiry.measure.better,
                           "--method", method, "--json", "--context", *circumstances)
    assert status == 0, err
    on_file = json.loads(out)
    assert {r["id"] for r in on_file if r["flagged"]} == set(app.flagged_ids)
    for a, b in zip(on_slug, on_file, strict=True):
        assert a["id"] == b["id"] and a["flagged"] == b["flagged"]
        assert a["score"] == pytest.approx(b["score"], nan_ok=True)


def test_json_lists_every_unit_with_its_shape(capsys, examples_stored):
    status, out, _err = run(capsys, "exceptions", "grub-hub", "--method", "expected", "--json")
    assert status == 0
    rows = json.loads(out)
    assert len(rows) == 60
    assert all(set(r) == {"id", "score", "expected", "flagged", "explanation"} for r in rows)
    assert all(isinstance(r["flagged"], bool) for r in rows)
    assert any(r["flagged"] for r in rows) and not all(r["flagged"] for r in rows)
    assert [r["id"] for r in rows][:2] == ["F01", "F02"]  # the data's order


def test_the_table_shows_flagged_units_best_first(capsys, examples_stored):
    status, out, _err = run(capsys, "exceptions", "child-nutrition", "--method", "expected")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == ("Better than expected: 6 of 100 children flagged as possible "
                        "positive exceptions.")
    assert lines[1].split() == ["id", "score", "expected", "why"]
    scores = [float(line.split()[1]) for line in lines[2:8]]
    assert scores == sorted(scores, reverse=True)
    assert "expected to struggle" in lines[2]
    assert any(line.startswith("Note: ") for line in lines)


def test_warnings_are_printed(capsys, examples_stored):
    status, out, _err = run(capsys, "exceptions", "grub-hub", "--method", "group-z")
    assert status == 0 and "Warning: 26 of 28 groups" in out


def test_threshold_changes_the_flags(capsys, examples_stored):
    _s, loose, _e = run(capsys, "exceptions", "child-nutrition", "--method", "expected",
                        "--json", "--threshold", "1")
    _s, strict, _e = run(capsys, "exceptions", "child-nutrition", "--method", "expected",
                         "--json", "--threshold", "2.9")
    count = [sum(r["flagged"] for r in json.loads(t)) for t in (loose, strict)]
    assert count[0] > 6 > count[1] > 0


def test_the_cli_stores_nothing(capsys, examples_stored):
    before = len(examples_stored.history("grub-hub"))
    run(capsys, "exceptions", "grub-hub", "--method", "expected")
    assert len(examples_stored.history("grub-hub")) == before


# ---------------------------------------------------------------------- a plain file


def test_funnel_on_a_csv_rate(capsys, data_dir, tmp_path):
    csv = wards_csv(tmp_path)
    status, out, err = run(capsys, "exceptions", "--data", csv, "--id", "ward", "--outcome",
                           "admissions", "--population", "people", "--better", "lower",
                           "--method", "funnel", "--unit", "ward", "--json")
    assert status == 0, err
    flagged = {r["id"] for r in json.loads(out) if r["flagged"]}
    assert "W-LOW" in flagged and "W-TINY" not in flagged
    _s, strict, _e = run(capsys, "exceptions", "--data", csv, "--id", "ward", "--outcome",
                         "admissions", "--population", "people", "--better", "lower",
                         "--method", "funnel", "--threshold", "3", "--json")
    assert {r["id"] for r in json.loads(strict) if r["flagged"]} <= flagged
    status, out, _e = run(capsys, "exceptions", "--data", csv, "--id", "ward", "--outcome",
                          "admissions", "--population", "people", "--better", "lower",
                          "--method", "funnel", "--unit", "ward")
    assert status == 0 and "W-LOW" in out and "wards flagged" in out


def test_yes_no_words_and_default_circumstances(capsys, data_dir, tmp_path):
    header, rows = examples.units_table_rows("grub-hub")  # outcome as yes/no words
    path = tmp_path / "families.csv"
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    inquiry = examples.build("grub-hub")
    status, out, err = run(capsys, "exceptions", "--data", str(path), "--id", header[0],
                           "--outcome", header[1], "--better", "higher", "--method",
                           "expected", "--json", "--what", "stayed together")
    assert status == 0, err
    app = run_method("expected", inquiry.units_frame(), inquiry.measure,
                     circumstances=inquiry.context_columns)
    assert {r["id"] for r in json.loads(out) if r["flagged"]} == set(app.flagged_ids)
    assert "but did not — stayed together" in out


@pytest.mark.parametrize("values, population, kind", [
    ([0, 1, 1, 0], False, "yes_no"), (["yes", "no", "NA", "Yes"], False, "yes_no"),
    ([0.5, 1, 2], False, "score"), ([0, 1], True, "rate"), (["a", "b"], False, "score"),
    ([True, False], False, "yes_no"),
])
def test_infer_kind(values, population, kind):
    assert infer_kind(pd.Series(values), population) == kind


def test_kind_can_be_said(capsys, data_dir, tmp_path):
    path = tmp_path / "counts.csv"
    pd.DataFrame({"id": [f"u{i}" for i in range(40)], "visits": [i % 7 for i in range(40)],
                  "area": ["a", "b"] * 20}).to_csv(path, index=False)
    status, out, err = run(capsys, "exceptions", "--data", str(path), "--outcome", "visits",
                           "--better", "lower", "--kind", "count", "--method", "expected")
    assert status == 0, err
    assert "Poisson regression" in out


# ---------------------------------------------------------------------- mistakes


def test_mistakes_exit_2_with_one_line(capsys, examples_stored, tmp_path):
    csv = export(examples_stored, "grub-hub", tmp_path)
    base = ["exceptions", "--data", csv, "--id", "unit_id", "--better", "higher"]
    assert_mistake(run(capsys, *base, "--outcome", "outcome", "--method", "best"),
                   "no method 'best'", "group-z")
    assert_mistake(run(capsys, *base, "--outcome", "income band", "--method", "group-z"),
                   "is not a number")  # a text column as outcome
    assert_mistake(run(capsys, *base, "--outcome", "nope", "--method", "group-z"),
                   "no column 'nope'", "'outcome'")
    assert_mistake(run(capsys, *base, "--outcome", "outcome", "--method", "group-z",
                       "--context", "nope"), "no column 'nope'")
    assert_mistake(run(capsys, "exceptions", "--data", str(tmp_path / "missing.csv"),
                       "--outcome", "x", "--better", "higher", "--method", "group-z"),
                   "no file")
    assert_mistake(run(capsys, *base, "--outcome", "outcome", "--method", "funnel"),
                   "needs a rate")
    assert_mistake(run(capsys, *base[:-2], "--outcome", "outcome", "--method", "group-z"),
                   "--better")
    assert_mistake(run(capsys, "exceptions", "--data", csv, "--better", "higher",
                       "--method", "group-z"), "--outcome")
    assert_mistake(run(capsys, *base, "--outcome", "outcome", "--method", "group-z",
                       "--threshold", "0"), "threshold")
    assert_mistake(run(capsys, *base, "--outcome", "outcome", "--method", "group-z",
                       "--context", "housing", "--threshold", "nan"), "threshold")


def test_slug_mistakes(capsys, examples_stored):
    assert_mistake(run(capsys, "exceptions", "nobody", "--method", "group-z"),
                   "no inquiry called 'nobody'")
    assert_mistake(run(capsys, "exceptions", "--method", "group-z"), "SLUG or --data")
    assert_mistake(run(capsys, "exceptions", "grub-hub", "--data", "x.csv", "--method",
                       "group-z"), "SLUG or --data")
    assert_mistake(run(capsys, "exceptions", "grub-hub", "--method", "group-z",
                       "--context", "shoe size"), "no circumstance 'shoe size'")
    assert_mistake(run(capsys, "exceptions", "grub-hub", "--method", "group-z",
                       "--outcome", "x"), "only for --data")
    assert_mistake(run(capsys, "exceptions", "grub-hub", "--method", "funnel"),
                   "needs a rate")
    assert_mistake(run(capsys, "exceptions", "grub-hub"), "--method")


def test_a_bad_file_is_a_plain_mistake(capsys, data_dir, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"")
    assert_mistake(run(capsys, "exceptions", "--data", str(path), "--outcome", "x",
                       "--better", "higher", "--method", "group-z"), "empty")
    dup = tmp_path / "dup.csv"
    dup.write_text("id,outcome,area\na,1,x\na,2,y\n")
    assert_mistake(run(capsys, "exceptions", "--data", str(dup), "--id", "id", "--outcome",
                       "outcome", "--better", "higher", "--method", "group-z"), "used twice")


def test_an_empty_inquiry_is_a_plain_mistake(capsys, store):
    slug = store.create_inquiry("Nothing yet")
    store.set_measure(slug, Measure(what="x", unit_name="ward", kind="score"))
    assert_mistake(run(capsys, "exceptions", slug, "--method", "expected"), "no wards")
    store.replace_units(slug, [Unit("a", 1.0, context={"k": "x"})], ["k"])
    assert_mistake(run(capsys, "exceptions", slug, "--method", "group-z"), "tells the")


def test_real_names_in_a_data_file_stay_out_of_the_terminal(capsys, data_dir, tmp_path):
    from pupils_csv import names, pupils_csv

    path = tmp_path / "klasse.csv"
    path.write_bytes(pupils_csv("ja", "nein"))
    for output in ([], ["--json"]):
        status, out, err = run(capsys, "exceptions", "--data", str(path), "--outcome",
                               "has a plan", "--better", "higher", "--unit", "pupil",
                               "--method", "group-z", *output)
        assert status == 0, err
        assert not [n for n in names() if n in out + err]
        assert "Pupil 2" in out
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [f"Pupil {i}" for i in range(1, 61)]
