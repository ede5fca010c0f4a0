"""The inquiry: one burning issue and everything the group finds out about it.

Plain dataclasses, no storage and no widgets. Every part of an inquiry (the issue, the
group, the measure and the units, the analysis runs and decisions about positive exceptions,
the practices and checks, the actions, the progress, the reflections, the history) has a
class here; :class:`Inquiry` holds them all. The store (``widgets.store``) reads and writes
these, the files module turns them into JSON or a workbook, and the UI only ever sees these
values.

Values are deliberately simple (str, int, float, bool, None, lists and dicts of those) so
that an inquiry survives a JSON round trip exactly.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from widgets.errors import PersonError

#: Roles a person in the group can have, key -> words shown to people.
ROLES: dict[str, str] = {
    "lived": "lives with the issue",
    "professional": "professional",
    "other": "other",
}

#: Kinds of measure, key -> words shown to people.
MEASURE_KINDS: dict[str, str] = {
    "yes_no": "yes / no for each unit",
    "count": "a count for each unit",
    "score": "a score for each unit",
    "rate": "events out of a population (a rate)",
}

#: Which way is better for the outcome.
DIRECTIONS: dict[str, str] = {"higher": "higher is better", "lower": "lower is better"}

#: What the group decided about a possible positive exception.
EXCEPTION_STATUSES: dict[str, str] = {
    "candidate": "not yet checked",
    "confirmed": "confirmed",
    "rejected": "not an exception",
    "unsure": "not sure",
}

#: Answers in the practice-check grid.
CHECK_VALUES: dict[str, str] = {"yes": "yes", "no": "no", "unknown": "not known"}

#: Could anyone in the same circumstances adopt the practice?
ACCESSIBILITY: dict[str, str] = {
    "yes": "accessible to all",
    "no": "true but useless (needs resources others lack)",
    "unsure": "not sure yet",
}

#: The six working principles, key -> the words of the method.
PRINCIPLES: dict[str, str] = {
    "act": "Act your way into a new way of thinking",
    "about_me": "Don't decide about me, without me",
    "small": "Big changes come from small differences",
    "ownership": "Ownership not buy in",
    "evidence": "Evidence for everything",
    "how": "How? as well as what and why",
}

#: The three steps, number -> title.
STEPS: dict[int, str] = {
    1: "Define & measure",
    2: "Discover",
    3: "Share",
}

#: Fixed columns of the units table; every other column is a circumstance (context).
UNIT_FIELDS = ("unit_id", "outcome", "population", "private_name")


class ModelError(PersonError, ValueError):
    """A value a person gave does not fit the inquiry (shown to them as a plain message)."""


#: Characters that show nothing, removed from unit ids (zero-width space, non-joiner and
#: joiner, word joiner, byte order mark, soft hyphen): "Family\u200b1" is "Family1".
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))
#: Every space but the plain one: exactly what str.isspace() and str.split() see as space.
_OTHER_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029"
                 "\u202f\u205f\u3000")
#: An id that every rule below leaves as it is: printable ASCII words, single spaces.
_PLAIN_ID = r"[!-~]+(?: [!-~]+)*"
_PLAIN_ID_RE = re.compile(_PLAIN_ID)
#: Something the rule changes besides the form of accents (also run by pyarrow's RE2, so
#: the characters are listed rather than written ``\s``).
_UNSETTLED = rf"[{_OTHER_SPACES}{_INVISIBLE_CHARS}]|  |^ | $"
_ODD_CHAR_RE = re.compile(rf"[{_OTHER_SPACES}{_INVISIBLE_CHARS}]")


def clean_unit_id(text: str) -> str:
    """A unit id in the form the kit keeps: composed accents (NFC), no invisible
    characters, every run of spaces (non-breaking, tabs, ideographic…) one plain space, and
    no space at either end. "José" typed with a separate accent is "José"; "Family\u00a01"
    is "Family 1". Applied wherever ids come in (imports, the store, inquiry files), so two
    ids that look the same are the same text."""
    if (text.isascii() and _PLAIN_ID_RE.fullmatch(text)) or _settled(text, "NFC"):
        return text
    # invisible characters first: one between a letter and its accent would block NFC
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return " ".join(text.split())


def unit_id_key(text: str) -> str:
    """What two ids are compared by: :func:`clean_unit_id`, with compatibility forms folded
    too (NFKC), so the full-width "Ｆamily 1" counts as the same id as "Family 1". The id
    kept is the clean one; the key only finds ids that look the same."""
    text = clean_unit_id(text)
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    return " ".join(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).split())


def _settled(text: str, form: str) -> bool:
    # True when the rule leaves ``text`` as it is (form NFC: its clean form; NFKC: its key).
    return (unicodedata.is_normalized(form, text) and not _ODD_CHAR_RE.search(text)
            and "  " not in text and text[:1] != " " and text[-1:] != " ")


def clean_unit_ids(ids):
    """:func:`clean_unit_id` and :func:`unit_id_key` of a pandas Series of text ids:
    ``(clean ids, keys)``, both Series on the same index. The usual ids (plain ASCII, or
    already in their final form) are found by vectorised passes and kept as they are; only
    ids that change are worked on one by one."""
    import numpy as np

    plain = ids.str.fullmatch(_PLAIN_ID, na=False).to_numpy(dtype=bool)
    if plain.all():
        return ids, ids
    odd = np.flatnonzero(~plain)
    rest = ids.iloc[odd]
    spaced = rest.str.contains(_UNSETTLED, regex=True, na=False).tolist()
    values = rest.tolist()
    normal = unicodedata.is_normalized
    changing = [i for i, (v, sp) in enumerate(zip(values, spaced, strict=True))
                if sp or not normal("NFKC", v)]
    if not changing:
        return ids, ids
    where = odd[changing]
    clean = [clean_unit_id(values[i]) for i in changing]
    cleaned, keys = ids.copy(), ids.copy()
    cleaned.iloc[where] = clean
    keys.iloc[where] = [unit_id_key(v) for v in clean]
    return cleaned, keys


def first_repeat(keys) -> tuple[int, int] | None:
    """``(position, earlier position)`` of the first id in a Series of
    :func:`unit_id_key` keys that repeats an earlier one, or None when all differ."""
    import numpy as np

    if keys.is_unique:
        return None
    repeated = keys.duplicated().to_numpy()
    pos = int(np.flatnonzero(repeated)[0])
    earlier = int(np.flatnonzero((keys == keys.iloc[pos]).to_numpy())[0])
    return pos, earlier


def _clean_id(value: Any) -> Any:
    # Every record that names a unit keeps its id in the same clean form, so a decision or a
    # practice check still finds its unit. Anything but text is left for the checks to refuse.
    return clean_unit_id(value) if isinstance(value, str) else value


def slugify(title: str) -> str:
    """A URL-safe slug from a title: lower case ASCII words joined by dashes."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text[:60].strip("-") or "inquiry"


@dataclass
class Issue:
    """The burning issue in the group's own words."""

    statement: str = ""
    affects: str = ""
    why_it_matters: str = ""
    wider_effects: str = ""


@dataclass
class Person:
    """Someone taking part: a name or nickname and a role (a key of :data:`ROLES`)."""

    name: str
    role: str = "lived"
    id: int | None = None


@dataclass
class Measure:
    """How the group measures the issue.

    ``kind`` is a key of :data:`MEASURE_KINDS`; ``better`` a key of :data:`DIRECTIONS`.
    For a yes/no measure the outcome is 1 for yes and 0 for no; ``what`` says what "yes"
    means (e.g. "the family stayed together"). For a rate, each unit has ``outcome`` events
    out of ``population``.
    """

    what: str = ""
    unit_name: str = "family"
    kind: str = "yes_no"
    better: str = "higher"
    source: str = ""
    baseline_date: str = ""

    def problems(self) -> list[str]:
        """Plain messages for anything missing or inconsistent; empty when the measure is usable."""
        out = []
        if not self.what.strip():
            out.append("Say what is measured.")
        if not self.unit_name.strip():
            out.append("Say what a unit is (a family, a household, a pupil…).")
        if self.kind not in MEASURE_KINDS:
            out.append("Choose the kind of measure.")
        if self.better not in DIRECTIONS:
            out.append("Choose which direction is better.")
        return out


@dataclass
class ExceptionDecision:
    """One unit that may be a positive exception, and what the group decided about it."""

    unit_id: str
    status: str = "candidate"
    methods: list[str] = field(default_factory=list)
    score: float | None = None
    note: str = ""
    decided_by: str = ""
    decided_at: str = ""

    def __post_init__(self) -> None:
        self.unit_id = _clean_id(self.unit_id)


@dataclass
class Practice:
    """Something the positive exceptions do: what, how, why, and whether anyone could do it."""

    what: str
    how: str = ""
    why: str = ""
    accessible: str = "unsure"
    from_units: list[str] = field(default_factory=list)
    id: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.from_units, list):
            self.from_units = [_clean_id(u) for u in self.from_units]


@dataclass
class PracticeCheck:
    """Does this unit do this practice? ``value`` is a key of :data:`CHECK_VALUES`."""

    unit_id: str
    practice_id: int
    value: str = "unknown"

    def __post_init__(self) -> None:
        self.unit_id = _clean_id(self.unit_id)


@dataclass
class Action:
    """What the group will do to spread the practices."""

    what: str
    leads: list[str] = field(default_factory=list)
    when: str = ""
    publicity: str = ""
    professional_terms: str = ""
    id: int | None = None


@dataclass
class ProgressEntry:
    """A dated measurement after the baseline."""

    date: str
    outcome: float | None = None
    attendance: int | None = None
    people_helped: int | None = None
    note: str = ""
    id: int | None = None


@dataclass
class Reflection:
    """The group's note on one principle at one step."""

    step: int
    principle: str
    note: str = ""


@dataclass
class AnalysisRun:
    """A record of one run of a method for finding positive exceptions (evidence trail)."""

    method: str
    settings: dict[str, Any] = field(default_factory=dict)
    flagged: list[str] = field(default_factory=list)
    at: str = ""
    by: str = ""
    id: int | None = None


@dataclass
class HistoryEntry:
    """One line of the append-only log: who changed what, when."""

    at: str
    by: str
    part: str
    change: str
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass
class StepNote:
    """A note on one step: something the group said, e.g. an answer taken from the room.

    ``source`` says where it came from ("room" for the room, "" when typed by the
    facilitator).
    """

    step: int
    text: str
    by: str = ""
    at: str = ""
    source: str = ""
    id: int | None = None


#: What the room's participants may do now, key -> words shown to the facilitator.
ROOM_PROMPTS: dict[str, str] = {
    "none": "nothing for now",
    "answer": "answer a question",
    "exception": "suggest a positive exception",
    "practice": "suggest a practice",
    "vote": "vote on a choice",
}

#: What a participant can send, key -> words shown to people.
CONTRIBUTION_KINDS: dict[str, str] = {
    "answer": "answer",
    "exception": "positive exception",
    "practice": "practice",
}

#: Where a contribution is in moderation, key -> words shown to the facilitator.
CONTRIBUTION_STATUSES: dict[str, str] = {
    "new": "new",
    "shown": "shown to the room",
    "hidden": "hidden",
    "taken": "taken into the inquiry",
}

#: Longest text a participant can send in one contribution (a phone-sized message).
MAX_CONTRIBUTION = 280
#: Longest detail (a practice's "how") a participant can add.
MAX_DETAIL = 1000
#: Longest nickname.
MAX_NICKNAME = 40
#: Longest question the facilitator puts to the room, and longest vote choice.
MAX_QUESTION = 500
MAX_CHOICE = 200
#: Most choices in one vote (each is a large button on a phone).
MAX_CHOICES = 12
#: Longest countdown (a meeting's question, not a day).
MAX_SECONDS = 3 * 60 * 60


def person_text(value: Any, label: str, limit: int, *, required: bool = False) -> str:
    """Text typed by a person: must be text without NUL characters, at most ``limit``
    characters; kept exactly as typed (the store checks every text with this too)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ModelError(f"{label} must be text.")
    if "\x00" in value:
        raise ModelError(f"{label} contains a character that cannot be stored.")
    if required and not value.strip():
        raise ModelError(f"{label} cannot be empty.")
    if len(value) > limit:
        raise ModelError(f"{label} is too long ({len(value):,} characters; at most {limit:,}).")
    return value


@dataclass
class Room:
    """The room of an inquiry: the join code, whether it is open, and the prompt, i.e. what
    participants may do now (a key of :data:`ROOM_PROMPTS`).

    ``ends_at`` is when the countdown ends (ISO time in UTC, "" for none); ``choices`` and
    ``results_shown`` are those of the vote (``poll_id``) when the prompt is a vote.
    """

    code: str
    opened_at: str = ""
    opened_by: str = ""
    closed_at: str = ""
    closed_by: str = ""
    prompt: str = "none"
    question: str = ""
    step: int | None = None
    choices: list[str] = field(default_factory=list)
    ends_at: str = ""
    results_shown: bool = False
    poll_id: int | None = None
    id: int | None = None

    @property
    def is_open(self) -> bool:
        """True while participants can join with the code."""
        return not self.closed_at

    def allows(self, kind: str) -> bool:
        """True when the prompt lets participants send ``kind`` (a contribution kind or
        "vote") now."""
        return self.is_open and self.prompt == kind and kind != "none"

    def seconds_left(self, at: str | None = None) -> int | None:
        """Whole seconds until the countdown ends (0 once it has), None when none runs.
        ``at``: the time to count from (ISO), default now."""
        if not self.ends_at:
            return None
        from datetime import UTC, datetime

        end = datetime.fromisoformat(self.ends_at)
        start = datetime.fromisoformat(at) if at else datetime.now(UTC)
        return max(0, int(-(-(end - start).total_seconds() // 1)))


def check_prompt(kind: Any, question: Any, choices: Any = None, seconds: Any = None,
                 step: Any = None) -> tuple[str, str, list[str], int | None, int | None]:
    """A prompt the facilitator chose, checked: ``(kind, question, choices, seconds, step)``
    or a :class:`ModelError` with a plain sentence."""
    if kind not in ROOM_PROMPTS:
        raise ModelError(f"Choose what the room may do: {', '.join(ROOM_PROMPTS.values())}.")
    question = person_text(question, "The question", MAX_QUESTION).strip()
    clean: list[str] = []
    if kind == "vote":
        if not isinstance(choices, list | tuple):
            raise ModelError("Give the choices to vote on.")
        for c in choices:
            c = person_text(c, "A choice", MAX_CHOICE, required=True).strip()
            if c.casefold() in {x.casefold() for x in clean}:
                raise ModelError(f"The choice {c!r} is there twice.")
            clean.append(c)
        if len(clean) < 2:
            raise ModelError("A vote needs at least two choices.")
        if len(clean) > MAX_CHOICES:
            raise ModelError(f"A vote can have at most {MAX_CHOICES} choices.")
    elif choices:
        raise ModelError("Only a vote has choices.")
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or (
                seconds != seconds or not 1 <= seconds <= MAX_SECONDS):
            raise ModelError(f"A countdown is between 1 second and {MAX_SECONDS // 3600} "
                             "hours.")
        seconds = int(seconds)
    if step is not None and step not in STEPS:
        raise ModelError("Choose step 1, 2 or 3.")
    return kind, question, clean, seconds, step


@dataclass
class Contribution:
    """Something a participant sent from the room: an answer, a positive exception in words,
    or a practice (a key of :data:`CONTRIBUTION_KINDS`).

    ``device`` is an opaque id (a hash of the phone's random cookie), the only thing kept
    about a participant besides an optional ``nickname``. ``status`` is a key of
    :data:`CONTRIBUTION_STATUSES`; ``became`` says what it became in the inquiry once taken
    (e.g. "practice 4"). ``step`` is the step the room was at when it was sent.
    """

    kind: str
    text: str
    detail: str = ""
    nickname: str = ""
    device: str = ""
    status: str = "new"
    at: str = ""
    step: int | None = None
    became: str = ""
    room_id: int | None = None
    id: int | None = None

    def check(self) -> Contribution:
        """``self`` when it can be stored; else a :class:`ModelError` a participant can
        read (e.g. "Your text is too long (312 characters; at most 280).")."""
        if self.kind not in CONTRIBUTION_KINDS:
            raise ModelError("Choose what you are sending: an answer, a positive exception or "
                             "a practice.")
        self.text = person_text(self.text, "Your text", MAX_CONTRIBUTION, required=True)
        label = "How they do it" if self.kind == "practice" else "The detail"
        self.detail = person_text(self.detail, label, MAX_DETAIL)
        self.nickname = person_text(self.nickname, "Your nickname", MAX_NICKNAME).strip()
        if not isinstance(self.device, str) or not 1 <= len(self.device) <= 128:
            raise ModelError("This phone could not be recognised: reload the page.")
        if self.status not in CONTRIBUTION_STATUSES:
            raise ModelError("Choose show, hide or take.")
        return self


@dataclass
class Poll:
    """A vote put to the room: the question, the choices and how many chose each
    (``counts``, in the order of ``choices``). Kept with the inquiry (the evidence of what
    the group chose); the ballots behind the counts are not exported."""

    question: str
    choices: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    opened_at: str = ""
    closed_at: str = ""
    results_shown: bool = False
    step: int | None = None
    id: int | None = None

    @property
    def results(self) -> list[tuple[str, int]]:
        """``(choice, votes)`` in the order of the choices."""
        counts = list(self.counts) + [0] * (len(self.choices) - len(self.counts))
        return list(zip(self.choices, counts, strict=False))

    @property
    def total(self) -> int:
        """How many voted."""
        return sum(self.counts)


@dataclass
class Unit:
    """One row of data: a pseudonymous id, the outcome and the circumstances.

    ``unit_id`` is kept as :func:`clean_unit_id` gives it. ``context`` maps a
    circumstance's column name to its value (text or number). ``private_name`` holds a real
    name if a group keeps one; it never leaves the kit in exports or reports unless asked.
    """

    unit_id: str
    outcome: float | None = None
    population: float | None = None
    private_name: str | None = None
    context: dict[str, str | float | int | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.unit_id = _clean_id(self.unit_id)


def _number_text(value: float) -> str:
    # A number inside a message, as a file or a cell shows it: '3', not '3.0'.
    return f"'{int(value)}'" if float(value).is_integer() else f"'{value}'"


def outcomes_misfit(kind: str, outcome, population, *,
                    complete: bool = False) -> tuple[int, str | None, str] | None:
    """The first unit whose outcome or population does not fit a measure of ``kind``:
    ``(position, part, reason)``, or None when all fit. ``outcome`` and ``population`` are
    float arrays on the same positions (NaN for missing); ``part`` is "outcome",
    "population" or None (both: more events than the population); ``reason`` is one plain
    sentence for the person ("'12' events out of a population of '10'; there cannot be more
    events than that.").

    The one copy of the rules for every path that writes units (the units table, an
    import, an inquiry file, the store, a change of the measure's kind): yes/no outcomes
    are 1 or 0; counts and events are not below 0, nor is any population; a rate has no
    more events than its population. ``complete``: a rate also needs a population above 0
    for every unit (an import does; a saved inquiry may still lack some, entered later).
    Rules are checked in that order, each over every unit.
    """
    import numpy as np

    outcome = np.asarray(outcome, dtype="float64")
    population = np.asarray(population, dtype="float64")

    def first(mask) -> int | None:
        found = np.flatnonzero(mask)
        return int(found[0]) if len(found) else None

    with np.errstate(invalid="ignore"):
        if kind == "yes_no":
            pos = first(~np.isnan(outcome) & (outcome != 0) & (outcome != 1))
            if pos is not None:
                return pos, "outcome", (f"{_number_text(outcome[pos])} is not yes or no "
                                        "(use 1/0 or yes/no).")
        pos = first(population < 0)
        if pos is not None:
            return pos, "population", (f"{_number_text(population[pos])} is below 0; a "
                                       "population cannot be negative.")
        if kind in ("count", "rate"):
            pos = first(outcome < 0)
            if pos is not None:
                return pos, "outcome", (f"{_number_text(outcome[pos])} is below 0; a count "
                                        "cannot be negative.")
        if kind == "rate" and complete:
            pos = first(np.isnan(population))
            if pos is not None:
                return pos, "population", ("the population is empty; a rate needs it for "
                                           "every unit.")
            pos = first(population <= 0)
            if pos is not None:
                return pos, "population", ("the population must be more than 0, not "
                                           f"{_number_text(population[pos])}.")
        if kind == "rate":
            pos = first(outcome > population)
            if pos is not None:
                return pos, None, (f"{_number_text(outcome[pos])} events out of a population "
                                   f"of {_number_text(population[pos])}; there cannot be "
                                   "more events than that.")
    return None


def unit_misfit(kind: str, outcome: float | None,
                population: float | None) -> tuple[str | None, str] | None:
    """:func:`outcomes_misfit` for one unit's values: ``(part, reason)`` or None."""
    found = outcomes_misfit(kind, [math.nan if outcome is None else outcome],
                            [math.nan if population is None else population])
    return None if found is None else found[1:]


@dataclass
class Inquiry:
    """One burning issue and everything the group records about it, in the order of the
    three steps (README.md; the report tells it in the same order: widgets/report/)."""

    title: str
    slug: str = ""
    created_at: str = ""
    updated_at: str = ""
    issue: Issue = field(default_factory=Issue)
    group: list[Person] = field(default_factory=list)
    measure: Measure = field(default_factory=Measure)
    context_columns: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    exceptions: list[ExceptionDecision] = field(default_factory=list)
    practices: list[Practice] = field(default_factory=list)
    practice_checks: list[PracticeCheck] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    progress: list[ProgressEntry] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    analysis_runs: list[AnalysisRun] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    #: Notes on the steps (answers taken from the room, …).
    notes: list[StepNote] = field(default_factory=list)
    #: The votes put to the room, with their results.
    polls: list[Poll] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the whole inquiry (JSON-ready)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Inquiry:
        """Build an inquiry from :meth:`to_dict` output; unknown keys are ignored."""
        part_types = {
            "group": Person,
            "units": Unit,
            "exceptions": ExceptionDecision,
            "practices": Practice,
            "practice_checks": PracticeCheck,
            "actions": Action,
            "progress": ProgressEntry,
            "reflections": Reflection,
            "analysis_runs": AnalysisRun,
            "history": HistoryEntry,
            "notes": StepNote,
            "polls": Poll,
        }
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.name == "issue":
                value = _build(Issue, value)
            elif f.name == "measure":
                value = _build(Measure, value)
            elif f.name in part_types:
                value = [_build(part_types[f.name], item) for item in value or []]
            kwargs[f.name] = value
        return cls(**kwargs)

    def units_frame(self, include_private: bool = False):
        """The units as a pandas DataFrame: unit_id, outcome, population, context columns.

        ``private_name`` is included only when asked.
        """
        return units_to_frame(self.units, self.context_columns, include_private)

    def person_names(self) -> list[str]:
        """Names of the people in the group, in order."""
        return [p.name for p in self.group]


def _build(cls, data: dict[str, Any]):
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in (data or {}).items() if k in known})


def units_to_frame(units: list[Unit], context_columns: list[str], include_private: bool = False):
    """A DataFrame from unit records (pandas is imported here, not at module load)."""
    import pandas as pd

    columns = ["unit_id", "outcome", "population"]
    if include_private:
        columns.append("private_name")
    columns += list(context_columns)
    rows = []
    for u in units:
        row = [u.unit_id, u.outcome, u.population]
        if include_private:
            row.append(u.private_name)
        row += [u.context.get(c) for c in context_columns]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    frame["outcome"] = pd.to_numeric(frame["outcome"], errors="coerce").astype("float64")
    frame["population"] = pd.to_numeric(frame["population"], errors="coerce").astype("float64")
    return frame


def frame_to_units(frame) -> tuple[list[Unit], list[str]]:
    """Unit records and context column names from a DataFrame with the columns of
    :func:`units_to_frame` (missing fixed columns are allowed; NaN becomes None)."""
    import math

    context_columns = [c for c in frame.columns if c not in UNIT_FIELDS]
    units = []
    for rec in frame.to_dict("records"):
        clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
        for k, v in clean.items():
            if hasattr(v, "item"):  # numpy scalar -> python
                clean[k] = v.item()
        units.append(
            Unit(
                unit_id=str(clean.get("unit_id")),
                outcome=_as_float(clean.get("outcome")),
                population=_as_float(clean.get("population")),
                private_name=clean.get("private_name"),
                context={c: clean.get(c) for c in context_columns},
            )
        )
    return units, [str(c) for c in context_columns]


def _as_float(value) -> float | None:
    if value is None:
        return None
    return float(value)
