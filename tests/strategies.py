"""Hypothesis strategies that build whole inquiries, for property-based tests.

* :func:`inquiries` covers every part of the model with arbitrary Unicode text (control
  characters, text that looks like a spreadsheet formula, ``_x0041_`` escapes, empty text),
  arbitrary finite numbers and JSON settings: anything the inquiry file and the workbook
  must carry exactly. Within what a file may hold: no NUL characters, whole numbers that
  fit 64 bits, outcomes that fit the measure, decisions and checks about units and
  practices that are there, once each.
* :func:`storable_inquiries` gives inquiries in the shape the store returns them in
  (numbered items in the store's order, circumstances either all numbers or all text, valid
  dates, no NUL characters), so ``store.get(store.save_inquiry(x))`` can equal ``x``.

Others may reuse these (e.g. ``from tests.strategies import inquiries`` or, with ``tests`` on
the path, ``from strategies import inquiries``).
"""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from widgets.model import (
    ACCESSIBILITY,
    CHECK_VALUES,
    DIRECTIONS,
    EXCEPTION_STATUSES,
    MEASURE_KINDS,
    PRINCIPLES,
    ROLES,
    STEPS,
    UNIT_FIELDS,
    Action,
    AnalysisRun,
    ExceptionDecision,
    HistoryEntry,
    Inquiry,
    Issue,
    Measure,
    Person,
    Poll,
    Practice,
    PracticeCheck,
    ProgressEntry,
    Reflection,
    StepNote,
    Unit,
    clean_unit_id,
    unit_id_key,
)

#: Texts that must survive files exactly: formula starts, quotes, escapes, controls, HTML.
TRICKY_TEXTS = (
    "", " ", "=1+1", "=HYPERLINK(\"http://x\",\"y\")", "+A1", "-2", "@SUM(A1)", "'", "''",
    "'=1", "\tTAB", "\rCR", "\r\n", "\n", "#N/A", "#REF!", "_x0041_", "_x005F_", "_x000D_",
    "__x0041__", "_x0041_x0042_", "_xABCD\r", " lead", "trail ", "\x00", "\x01\x1f",
    "\ufffe\uffff", "\u2028\x85", "<script>alert(1)</script>", "é ü 日本 🙂", "1", "1.0",
    "TRUE", "None", "null", "NaN",
)

_any_char = st.characters(exclude_categories=("Cs",))  # all of Unicode but lone surrogates
_no_nul_char = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")


def texts(max_size: int = 20, allow_nul: bool = True) -> st.SearchStrategy[str]:
    """Any text, often starting with something tricky."""
    tricky = st.sampled_from([t for t in TRICKY_TEXTS if allow_nul or "\x00" not in t])
    plain = st.text(_any_char if allow_nul else _no_nul_char, max_size=max_size)
    return st.one_of(plain, tricky, st.builds(lambda a, b: a + b, tricky, plain))


def names(allow_nul: bool = True) -> st.SearchStrategy[str]:
    """Text with something visible in it (titles, unit ids, practice descriptions)."""
    return texts(allow_nul=allow_nul).filter(lambda t: t.strip() != "")


def unit_id_texts(allow_nul: bool = True) -> st.SearchStrategy[str]:
    """Unit ids: text that is still there once the kit keeps it clean (model.clean_unit_id);
    draw lists of them with ``unique_by=unit_id_key``, as the kit refuses look-alikes."""
    return names(allow_nul=allow_nul).filter(lambda t: clean_unit_id(t) != "")


finite_floats = st.floats(allow_nan=False, allow_infinity=False)
ints = st.integers(min_value=-(2**63 - 1), max_value=2**63 - 1)
small_ints = st.integers(min_value=0, max_value=10**9)


def json_values(allow_nul: bool = True) -> st.SearchStrategy:
    """Anything JSON can hold (finite numbers only)."""
    leaves = st.one_of(st.none(), st.booleans(), finite_floats, ints,
                       texts(10, allow_nul=allow_nul))
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(texts(8, allow_nul=allow_nul), children, max_size=3),
        ),
        max_leaves=8,
    )


def json_dicts(allow_nul: bool = True) -> st.SearchStrategy[dict]:
    return st.dictionaries(texts(8, allow_nul=allow_nul), json_values(allow_nul), max_size=3)


def _context_names(allow_nul: bool = True) -> st.SearchStrategy[list[str]]:
    return st.lists(texts(12, allow_nul=allow_nul).filter(lambda c: c not in UNIT_FIELDS),
                    unique=True, max_size=4)


def fitting_outcomes(kind: str, floats=finite_floats):
    """(outcome, population) strategies that fit a measure of ``kind`` (the import's rules:
    yes/no is 1 or 0, counts are not below 0, nor are populations, and a rate has no more
    events than its population)."""
    if kind == "yes_no":
        outcome = st.sampled_from([None, 0.0, 1.0])
    elif kind in ("count", "rate"):
        outcome = st.none() | floats.filter(lambda x: x >= 0)
    else:
        outcome = st.none() | floats
    population = st.none() | floats.filter(lambda x: x >= 0)
    return outcome, population


@st.composite
def _units(draw, columns: list[str], kind: str, max_units: int = 6) -> list[Unit]:
    ids = draw(st.lists(unit_id_texts(allow_nul=False), unique_by=unit_id_key,
                        max_size=max_units))
    scalar = st.one_of(st.none(), texts(12, allow_nul=False), finite_floats, ints,
                       st.booleans())
    outcome, population = fitting_outcomes(kind)
    units = []
    for unit_id in ids:
        unit = Unit(unit_id=unit_id, outcome=draw(outcome), population=draw(population),
                    private_name=draw(st.none() | texts(12, allow_nul=False)),
                    context={c: draw(scalar) for c in columns})
        if kind == "rate" and unit.outcome is not None and unit.population is not None:
            unit.population = max(unit.population, unit.outcome)
        units.append(unit)
    return units


@st.composite
def _about_units(draw, unit_ids: list[str], build, max_size: int) -> list:
    """Items built by ``build(unit_id)`` for distinct units of ``unit_ids``."""
    if not unit_ids:
        return []
    chosen = draw(st.lists(st.sampled_from(unit_ids), unique=True, max_size=max_size))
    return [draw(build(u)) for u in chosen]


optional_ids = st.none() | ints


@st.composite
def inquiries(draw, max_items: int = 4, max_units: int = 6) -> Inquiry:
    """Any inquiry an inquiry file may hold (text, numbers, ids and lists of every kind)."""
    t = texts(allow_nul=False)
    columns = draw(_context_names(allow_nul=False))
    items = {"max_size": max_items}
    measure = draw(st.builds(Measure, t, t, st.sampled_from(list(MEASURE_KINDS)),
                             st.sampled_from(list(DIRECTIONS)), t, t))
    units = draw(_units(columns, measure.kind, max_units))
    unit_ids = [u.unit_id for u in units]
    practices = draw(st.lists(st.builds(
        Practice, t, t, t, st.sampled_from(list(ACCESSIBILITY)), st.lists(t, max_size=3),
        optional_ids), **items))
    numbers = [p.id if p.id else n + 1 for n, p in enumerate(practices)]
    assume(len(set(numbers)) == len(numbers))
    checks = []
    if numbers and unit_ids:
        pairs = draw(st.lists(st.tuples(st.sampled_from(unit_ids), st.sampled_from(numbers)),
                              unique=True, **items))
        checks = [PracticeCheck(u, n, draw(st.sampled_from(list(CHECK_VALUES))))
                  for u, n in pairs]
    return Inquiry(
        title=draw(names(allow_nul=False).filter(lambda x: len(x) <= 200)),
        slug=draw(t),
        created_at=draw(t),
        updated_at=draw(t),
        issue=draw(st.builds(Issue, t, t, t, t)),
        group=draw(st.lists(st.builds(Person, t, st.sampled_from(list(ROLES)), optional_ids),
                            **items)),
        measure=measure,
        context_columns=columns,
        units=units,
        exceptions=draw(_about_units(unit_ids, lambda u: st.builds(
            ExceptionDecision, st.just(u), st.sampled_from(list(EXCEPTION_STATUSES)),
            st.lists(t, max_size=3), st.none() | finite_floats, t, t, t), max_items)),
        practices=practices,
        practice_checks=checks,
        actions=draw(st.lists(st.builds(
            Action, t, st.lists(t, max_size=3), t, t, t, optional_ids), **items)),
        progress=draw(st.lists(st.builds(
            ProgressEntry, names(allow_nul=False), st.none() | finite_floats, st.none() | ints,
            st.none() | ints, t, optional_ids), **items)),
        reflections=draw(st.lists(st.builds(
            Reflection, st.sampled_from(list(STEPS)), st.sampled_from(list(PRINCIPLES)), t),
            unique_by=lambda r: (r.step, r.principle), **items)),
        analysis_runs=draw(st.lists(st.builds(
            AnalysisRun, t, json_dicts(False), st.lists(t, max_size=3), t, t, optional_ids),
            **items)),
        history=draw(st.lists(st.builds(
            HistoryEntry, t, t, t, t, json_dicts(False), optional_ids), **items)),
        notes=draw(st.lists(st.builds(
            StepNote, st.sampled_from(list(STEPS)), t, t, t, t, optional_ids), **items)),
        polls=draw(st.lists(st.builds(
            Poll, t, st.lists(t, max_size=4), st.lists(small_ints, max_size=4), t, t,
            st.booleans(), st.none() | st.sampled_from(list(STEPS)), optional_ids), **items)),
    )


@st.composite
def storable_inquiries(draw, max_items: int = 3, max_units: int = 6) -> Inquiry:
    """An inquiry exactly as the store gives it back (so a save and get is the identity)."""
    t = texts(allow_nul=False)
    visible = names(allow_nul=False)
    short = visible.filter(lambda s: len(s) <= 200)
    items = {"max_size": max_items}
    columns = draw(_context_names(allow_nul=False))
    numeric = {c: draw(st.booleans()) for c in columns}
    safe_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
    unit_ids = draw(st.lists(unit_id_texts(allow_nul=False).filter(lambda s: len(s) <= 200),
                             unique_by=unit_id_key, max_size=max_units))
    measure = draw(st.builds(Measure, t, t, st.sampled_from(list(MEASURE_KINDS)),
                             st.sampled_from(list(DIRECTIONS)), t, t))
    outcome, population = fitting_outcomes(measure.kind, safe_floats)
    units = [
        Unit(
            unit_id=u,
            outcome=draw(outcome),
            population=draw(population),
            private_name=draw(st.none() | t),
            context={c: draw(st.none() | (safe_floats if numeric[c] else t)) for c in columns},
        )
        for u in unit_ids
    ]
    for unit in units:
        if measure.kind == "rate" and unit.outcome is not None and unit.population is not None:
            unit.population = max(unit.population, unit.outcome)

    def numbered(entries):
        for n, entry in enumerate(entries, start=1):
            entry.id = n
        return entries

    group = numbered(draw(st.lists(st.builds(
        Person, short, st.sampled_from(list(ROLES))), **items)))
    exceptions = draw(_about_units(unit_ids, lambda u: st.builds(
        ExceptionDecision, st.just(u), st.sampled_from(list(EXCEPTION_STATUSES)),
        st.lists(t, max_size=3), st.none() | safe_floats, t, t, t), max_items))
    exceptions.sort(key=lambda e: e.unit_id)
    practices = numbered(draw(st.lists(st.builds(
        Practice, short, t, t, st.sampled_from(list(ACCESSIBILITY)),
        st.lists(short, max_size=3)), **items)))
    checks = []
    if practices and unit_ids:
        pairs = draw(st.lists(st.tuples(st.sampled_from(unit_ids),
                                        st.sampled_from([p.id for p in practices])),
                              unique=True, **items))
        checks = [PracticeCheck(u, n, draw(st.sampled_from(list(CHECK_VALUES))))
                  for u, n in pairs]
    checks.sort(key=lambda c: (c.practice_id, c.unit_id))
    actions = numbered(draw(st.lists(st.builds(
        Action, short, st.lists(short, max_size=3), t, t, t), **items)))
    progress = numbered(draw(st.lists(st.builds(
        ProgressEntry, st.dates().map(lambda d: d.isoformat()), st.none() | safe_floats,
        st.none() | small_ints, st.none() | small_ints, t), **items)))
    progress.sort(key=lambda p: (p.date, p.id))
    reflections = draw(st.lists(st.builds(
        Reflection, st.sampled_from(list(STEPS)), st.sampled_from(list(PRINCIPLES)), t),
        unique_by=lambda r: (r.step, r.principle), **items))
    reflections.sort(key=lambda r: (r.step, r.principle))
    runs = numbered(draw(st.lists(st.builds(
        AnalysisRun, short, json_dicts(False), st.lists(t, max_size=3), t, t), **items)))
    history = numbered(draw(st.lists(st.builds(
        HistoryEntry, t, t, t, t, json_dicts(False)), min_size=1, max_size=max_items)))
    stamp = st.just("2026-01-02T03:04:05+00:00")
    notes = numbered(draw(st.lists(st.builds(
        StepNote, st.sampled_from(list(STEPS)), t, short, stamp, st.sampled_from(["", "room"])),
        **items)))
    polls = []
    for poll in numbered(draw(st.lists(st.builds(
            Poll, t, st.lists(short, max_size=4), st.just([]), stamp, stamp, st.booleans(),
            st.none() | st.sampled_from(list(STEPS))), **items))):
        poll.counts = draw(st.lists(st.integers(0, 1000), min_size=len(poll.choices),
                                    max_size=len(poll.choices)))
        polls.append(poll)
    return Inquiry(
        title=draw(short),
        created_at="2026-01-02T03:04:05+00:00",
        updated_at="2026-01-03T03:04:05+00:00",
        issue=draw(st.builds(Issue, t, t, t, t)),
        group=group,
        measure=measure,
        context_columns=columns,
        units=units,
        exceptions=exceptions,
        practices=practices,
        practice_checks=checks,
        actions=actions,
        progress=progress,
        reflections=reflections,
        analysis_runs=runs,
        history=history,
        notes=notes,
        polls=polls,
    )
