"""Hypothesis strategies that build whole inquiries, for property-based tests.

* :func:`inquiries` covers every part of the model with arbitrary Unicode text (control
  characters, text that looks like a spreadsheet formula, ``_x0041_`` escapes, empty text),
  arbitrary finite numbers and JSON settings. Anything the inquiry file and the workbook
  must carry exactly.
* :func:`storable_inquiries` gives inquiries in the shape the store returns them in
  (numbered items in the store's order, circumstances either all numbers or all text, valid
  dates, no NUL characters), so ``store.get(store.save_inquiry(x))`` can equal ``x``.

Others may reuse these (e.g. ``from tests.strategies import inquiries`` or, with ``tests`` on
the path, ``from strategies import inquiries``).
"""

from __future__ import annotations

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
    Practice,
    PracticeCheck,
    ProgressEntry,
    Reflection,
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


def unit_ids(allow_nul: bool = True) -> st.SearchStrategy[str]:
    """Unit ids: text that is still there once the kit keeps it clean (model.clean_unit_id);
    draw lists of them with ``unique_by=unit_id_key``, as the kit refuses look-alikes."""
    return names(allow_nul=allow_nul).filter(lambda t: clean_unit_id(t) != "")


finite_floats = st.floats(allow_nan=False, allow_infinity=False)
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
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


@st.composite
def _units(draw, columns: list[str], max_units: int = 6) -> list[Unit]:
    ids = draw(st.lists(unit_ids(), unique_by=unit_id_key, max_size=max_units))
    scalar = st.one_of(st.none(), texts(12), finite_floats, ints, st.booleans())
    return [
        Unit(
            unit_id=unit_id,
            outcome=draw(st.none() | finite_floats),
            population=draw(st.none() | finite_floats),
            private_name=draw(st.none() | texts(12)),
            context={c: draw(scalar) for c in columns},
        )
        for unit_id in ids
    ]


optional_ids = st.none() | ints


@st.composite
def inquiries(draw, max_items: int = 4, max_units: int = 6) -> Inquiry:
    """Any inquiry the model allows (text, numbers, ids and lists of every kind)."""
    t = texts()
    columns = draw(_context_names())
    items = {"max_size": max_items}
    return Inquiry(
        title=draw(names()),
        slug=draw(t),
        created_at=draw(t),
        updated_at=draw(t),
        issue=draw(st.builds(Issue, t, t, t, t)),
        group=draw(st.lists(st.builds(Person, t, st.sampled_from(list(ROLES)), optional_ids),
                            **items)),
        measure=draw(st.builds(Measure, t, t, st.sampled_from(list(MEASURE_KINDS)),
                               st.sampled_from(list(DIRECTIONS)), t, t)),
        context_columns=columns,
        units=draw(_units(columns, max_units)),
        exceptions=draw(st.lists(st.builds(
            ExceptionDecision, unit_ids(), st.sampled_from(list(EXCEPTION_STATUSES)),
            st.lists(t, max_size=3), st.none() | finite_floats, t, t, t), **items)),
        practices=draw(st.lists(st.builds(
            Practice, t, t, t, st.sampled_from(list(ACCESSIBILITY)), st.lists(t, max_size=3),
            optional_ids), **items)),
        practice_checks=draw(st.lists(st.builds(
            PracticeCheck, t, ints, st.sampled_from(list(CHECK_VALUES))), **items)),
        actions=draw(st.lists(st.builds(
            Action, t, st.lists(t, max_size=3), t, t, t, optional_ids), **items)),
        progress=draw(st.lists(st.builds(
            ProgressEntry, names(), st.none() | finite_floats, st.none() | ints,
            st.none() | ints, t, optional_ids), **items)),
        reflections=draw(st.lists(st.builds(
            Reflection, st.sampled_from(list(STEPS)), st.sampled_from(list(PRINCIPLES)), t),
            **items)),
        analysis_runs=draw(st.lists(st.builds(
            AnalysisRun, t, json_dicts(), st.lists(t, max_size=3), t, t, optional_ids),
            **items)),
        history=draw(st.lists(st.builds(
            HistoryEntry, t, t, t, t, json_dicts(), optional_ids), **items)),
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
    visible_id = unit_ids(allow_nul=False)
    ids = draw(st.lists(visible_id, unique_by=unit_id_key, max_size=max_units))
    units = [
        Unit(
            unit_id=u,
            outcome=draw(st.none() | safe_floats),
            population=draw(st.none() | safe_floats),
            private_name=draw(st.none() | t),
            context={c: draw(st.none() | (safe_floats if numeric[c] else t)) for c in columns},
        )
        for u in ids
    ]

    def numbered(entries):
        for n, entry in enumerate(entries, start=1):
            entry.id = n
        return entries

    group = numbered(draw(st.lists(st.builds(
        Person, short, st.sampled_from(list(ROLES))), **items)))
    exceptions = draw(st.lists(st.builds(
        ExceptionDecision, visible_id, st.sampled_from(list(EXCEPTION_STATUSES)),
        st.lists(t, max_size=3), st.none() | safe_floats, t, t, t),
        unique_by=lambda e: e.unit_id, **items))
    exceptions.sort(key=lambda e: e.unit_id)
    practices = numbered(draw(st.lists(st.builds(
        Practice, short, t, t, st.sampled_from(list(ACCESSIBILITY)),
        st.lists(short, max_size=3)), **items)))
    checks = draw(st.lists(st.builds(
        PracticeCheck, visible_id, st.integers(1, 5), st.sampled_from(list(CHECK_VALUES))),
        unique_by=lambda c: (c.unit_id, c.practice_id), **items))
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
    return Inquiry(
        title=draw(short),
        created_at="2026-01-02T03:04:05+00:00",
        updated_at="2026-01-03T03:04:05+00:00",
        issue=draw(st.builds(Issue, t, t, t, t)),
        group=group,
        measure=draw(st.builds(Measure, t, t, st.sampled_from(list(MEASURE_KINDS)),
                               st.sampled_from(list(DIRECTIONS)), t, t)),
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
    )
