"""Tests for widgets.examples and the generated files in examples/."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import io
from datetime import date, datetime

import pytest

from widgets import examples
from widgets.examples import EXAMPLES, ILLUSTRATIVE, build
from widgets.model import (
    ACCESSIBILITY,
    CHECK_VALUES,
    EXCEPTION_STATUSES,
    PRINCIPLES,
    ROLES,
    Inquiry,
    ModelError,
)
from widgets.paths import examples_dir

NAMES = list(EXAMPLES)


def _make_examples():
    """The examples/make_examples.py script as a module."""
    spec = importlib.util.spec_from_file_location("make_examples",
                                                  examples_dir() / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=NAMES)
def example(request) -> Inquiry:
    return build(request.param)


def test_names_and_titles():
    assert EXAMPLES == {"grub-hub": "Grub Hub (illustrative)",
                        "child-nutrition": "Child nutrition (illustrative)"}


@pytest.mark.parametrize("name", NAMES)
def test_build_is_deterministic(name):
    first, second = build(name), build(name)
    assert first == second
    assert first.to_dict() == second.to_dict()
    assert first is not second and first.units is not second.units  # fresh objects


def test_unknown_example_is_a_plain_error():
    with pytest.raises(ModelError) as info:
        build("nope")
    assert "grub-hub" in str(info.value) and "child-nutrition" in str(info.value)


def test_labelled_illustrative(example):
    assert "(illustrative)" in example.title
    assert example.issue.statement.startswith(ILLUSTRATIVE)
    assert "made-up" in example.measure.source.lower() or "illustrative" in \
        example.measure.source.lower()


def test_every_part_is_filled(example):
    for f in dataclasses.fields(Inquiry):
        value = getattr(example, f.name)
        if isinstance(value, list | str):
            assert value, f"{f.name} is empty"
    for f in dataclasses.fields(example.issue):
        assert getattr(example.issue, f.name).strip(), f.name
    assert example.measure.problems() == []
    assert example.measure.source and date.fromisoformat(example.measure.baseline_date)
    for u in example.units:
        assert set(u.context) == set(example.context_columns)
        assert all(v is not None for v in u.context.values())
        assert u.outcome is not None and u.private_name is None  # no private names


def test_parts_are_consistent(example):
    unit_ids = [u.unit_id for u in example.units]
    assert len(set(unit_ids)) == len(unit_ids)
    assert {p.role for p in example.group} <= set(ROLES)
    assert {p.role for p in example.group} >= {"lived", "professional"}
    names = example.person_names()
    assert len(set(names)) == len(names)
    assert [p.id for p in example.group] == list(range(1, len(names) + 1))

    assert {e.status for e in example.exceptions} <= set(EXCEPTION_STATUSES)
    assert {e.unit_id for e in example.exceptions} <= set(unit_ids)
    practice_ids = [p.id for p in example.practices]
    assert {p.accessible for p in example.practices} <= set(ACCESSIBILITY)
    for p in example.practices:
        assert set(p.from_units) <= set(unit_ids) and p.from_units
    # a check for every unit and practice
    cells = {(c.unit_id, c.practice_id) for c in example.practice_checks}
    assert len(cells) == len(example.practice_checks) == len(unit_ids) * len(practice_ids)
    assert cells == {(u, p) for u in unit_ids for p in practice_ids}
    assert {c.value for c in example.practice_checks} == set(CHECK_VALUES)

    for a in example.actions:
        assert a.what and a.when and a.publicity and a.professional_terms
        assert set(a.leads) <= set(names)

    [run] = example.analysis_runs
    assert run.flagged and set(run.flagged) <= set(unit_ids)
    assert set(run.flagged) == {e.unit_id for e in example.exceptions}
    assert run.by in names and run.settings

    assert {r.step for r in example.reflections} == {1, 2, 3}
    assert {r.principle for r in example.reflections} <= set(PRINCIPLES)
    assert all(r.note for r in example.reflections)


def test_decisions_have_evidence(example):
    by_status: dict[str, list] = {}
    for e in example.exceptions:
        by_status.setdefault(e.status, []).append(e)
    assert len(by_status["confirmed"]) >= 3
    assert len(by_status["rejected"]) == 1 and len(by_status["candidate"]) == 1
    for e in by_status["confirmed"] + by_status["rejected"]:
        assert e.note and e.decided_by in example.person_names() and e.decided_at
        assert e.methods and e.score is not None
    assert "true but useless" in by_status["rejected"][0].note.lower()
    assert by_status["candidate"][0].note == ""
    # the "true but useless" practice comes from the rejected unit
    useless = [p for p in example.practices if p.accessible == "no"]
    assert len(useless) == 1
    assert useless[0].from_units == [by_status["rejected"][0].unit_id]


def test_practices_of_exceptions_are_much_more_common_among_them(example):
    confirmed = {e.unit_id for e in example.exceptions if e.status == "confirmed"}
    first_two = [p.id for p in example.practices if p.accessible == "yes"][:2]
    for practice_id in first_two:
        answers = [c for c in example.practice_checks if c.practice_id == practice_id
                   and c.value != "unknown"]
        among = [c.value == "yes" for c in answers if c.unit_id in confirmed]
        others = [c.value == "yes" for c in answers if c.unit_id not in confirmed]
        assert sum(among) / len(among) >= 0.75
        assert sum(others) / len(others) <= 0.3


def test_history_is_believable(example):
    stamps = [datetime.fromisoformat(h.at) for h in example.history]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert [h.id for h in example.history] == list(range(1, len(stamps) + 1))
    assert example.created_at == example.history[0].at
    assert example.updated_at == example.history[-1].at
    assert example.history[0].part == "inquiry"
    parts = {h.part for h in example.history}
    assert parts >= {"group", "issue", "measure", "units", "analysis", "exceptions",
                     "practices", "practice_checks", "actions", "progress", "reflections"}
    assert {h.by for h in example.history} <= set(example.person_names())
    # decisions are logged when they were made
    logged = {h.at for h in example.history if h.part == "exceptions"}
    assert all(e.decided_at in logged for e in example.exceptions if e.decided_at)


def test_positive_exceptions_live_in_similar_circumstances():
    grub = build("grub-hub")
    flagged = {e.unit_id for e in grub.exceptions}
    hard = [u for u in grub.units
            if u.context["income band"] == "lowest" and u.context["single parent"] == "yes"]
    assert flagged <= {u.unit_id for u in hard}
    # in the same circumstances, few others stayed together
    others = [u.outcome for u in hard if u.unit_id not in flagged]
    assert len(others) >= 3 * len(flagged) and sum(others) / len(others) < 0.2
    assert all(u.outcome == 1.0 for u in hard if u.unit_id in flagged)

    child = build("child-nutrition")
    flagged = {e.unit_id for e in child.exceptions}
    incomes = sorted(u.context["household income"] for u in child.units)
    median_income = incomes[len(incomes) // 2]
    scores = sorted(u.outcome for u in child.units)
    for u in child.units:
        if u.unit_id in flagged:
            assert u.context["household income"] < median_income
            assert u.context["mother's education"] in ("none", "primary")
            assert u.outcome > scores[int(0.8 * len(scores))]


def test_grub_hub_matches_the_method_text():
    grub = build("grub-hub")
    assert len(grub.units) == 60
    assert grub.measure.kind == "yes_no" and grub.measure.unit_name == "family"
    assert grub.measure.better == "higher"
    assert "stayed together" in grub.measure.what
    assert {u.outcome for u in grub.units} == {0.0, 1.0}
    assert grub.context_columns == ["income band", "housing", "children", "single parent"]
    assert "community safety" in grub.issue.statement and "education" in grub.issue.statement
    assert any("midwife" in p.name and p.role == "professional" for p in grub.group)
    whats = " ".join(p.what.lower() for p in grub.practices)
    assert "eating together" in whats and "talking" in whats
    evening = grub.actions[0]
    assert "food" in evening.what and "play" in evening.what
    assert all(lead in [p.name for p in grub.group if p.role == "lived"]
               for lead in evening.leads)
    terms = evening.professional_terms.lower()
    assert "no brochures" in terms and "no roadshows" in terms and "only offer advice when asked" \
        in terms
    assert "social media" in evening.publicity.lower() or "facebook" in evening.publicity.lower()

    progress = grub.progress
    attendance = [p.attendance for p in progress]
    assert len(progress) == 18
    assert attendance[0] == 50 and max(attendance) == 85 and attendance[-1] == 85
    assert attendance == sorted(attendance)
    assert sum(p.people_helped for p in progress) == 127
    first, last = date.fromisoformat(progress[0].date), date.fromisoformat(progress[-1].date)
    assert (last.year - first.year) * 12 + last.month - first.month == 17  # 18 months
    assert first > date.fromisoformat(grub.measure.baseline_date)


def test_child_nutrition_matches_the_story():
    child = build("child-nutrition")
    assert len(child.units) == 100
    assert child.measure.kind == "score" and child.measure.better == "higher"
    assert "weight-for-age" in child.measure.what.lower() and child.measure.unit_name == "child"
    assert child.context_columns == ["household income", "mother's education", "hamlet"]
    whats = " ".join(p.what.lower() for p in child.practices)
    for word in ("shrimp", "crab", "sweet-potato greens", "meals a day", "washing hands"):
        assert word in whats
    assert any("supplement" in p.what.lower() and p.accessible == "no" for p in child.practices)
    baseline = sum(u.outcome for u in child.units) / len(child.units)
    outcomes = [p.outcome for p in child.progress]
    assert all(o is not None for o in outcomes)
    assert outcomes == sorted(outcomes) and outcomes[0] > baseline  # re-weighing improves


@pytest.mark.parametrize("name", NAMES)
def test_example_survives_the_store(store, name):
    inquiry = build(name)
    slug = store.save_inquiry(inquiry)
    stored = dataclasses.replace(store.get(slug), slug=inquiry.slug)
    assert stored == inquiry
    assert stored.to_dict() == inquiry.to_dict()  # the same types too (5.0 is not 5 in JSON)
    assert repr(stored) == repr(inquiry)


def test_committed_files_equal_a_fresh_build():
    rendered = _make_examples().render()
    assert set(rendered) == {"grub-hub.json", "grub-hub-units.csv", "child-nutrition.json",
                             "child-nutrition-units.csv"}
    for filename, text in rendered.items():
        committed = (examples_dir() / filename).read_text(encoding="utf-8")
        assert committed == text, f"{filename} is out of date: run examples/make_examples.py"


def test_inquiry_files_load_back(tmp_path):
    module = _make_examples()
    for name in NAMES:
        text = module.inquiry_text(name)
        try:
            from widgets.files.inquiry_file import loads
        except ImportError:
            import json

            loaded = Inquiry.from_dict(json.loads(text)["inquiry"])
        else:
            loaded = loads(text)
        assert loaded == build(name)


@pytest.mark.parametrize("name", NAMES)
def test_units_csv_matches_the_units(name):
    inquiry = build(name)
    text = (examples_dir() / f"{name}-units.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[2:] == inquiry.context_columns
    assert len(body) == len(inquiry.units)
    for row, unit in zip(body, inquiry.units, strict=True):
        assert row[0] == unit.unit_id
        if inquiry.measure.kind == "yes_no":
            assert row[1] == {1.0: "yes", 0.0: "no"}[unit.outcome]
        else:
            assert float(row[1]) == unit.outcome
        for value, column in zip(row[2:], inquiry.context_columns, strict=True):
            expected = unit.context[column]
            assert (float(value) == expected) if isinstance(expected, int | float) \
                else value == expected
    assert "private_name" not in header and len(header) == 2 + len(inquiry.context_columns)


def test_make_examples_check_mode(tmp_path, capsys):
    module = _make_examples()
    assert module.main(["--folder", str(tmp_path)]) == 0
    assert module.main(["--folder", str(tmp_path), "--check"]) == 0
    (tmp_path / "grub-hub.json").write_text("{}", encoding="utf-8")
    assert module.main(["--folder", str(tmp_path), "--check"]) == 1
    assert "grub-hub.json" in capsys.readouterr().err


def test_examples_module_imports_no_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys, widgets.examples; "
            "print(sorted(m for m in ('numpy', 'pandas', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
    assert examples.units_table_rows("grub-hub")[0][:2] == ["family", "stayed together"]
