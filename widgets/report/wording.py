"""The report's sentences, and its values in the group's words.

Pure functions from numbers and recorded values to plain text: who took part, what the
group found, a method's settings ("stands out at: 2 standard deviations"), a day's changes,
dates ("2 Mar 2023, 18:50") and numbers. :mod:`widgets.report.contents` puts them in their
places; the plural and percentage rules are :mod:`widgets.words`'.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from widgets.words import count_words, per_cent, percent, plural, share_words

#: Most changes named one by one for a part on a day; more are counted.
MAX_CHANGES_NAMED = 3

#: The parts of an inquiry as the history names them, in the group's words.
PART_WORDS = {"inquiry": "The inquiry", "issue": "The issue", "group": "Who took part",
              "measure": "The measure", "units": "The data", "analysis": "Methods run",
              "exceptions": "Positive exceptions", "practices": "Practices",
              "practice_checks": "Practice checks", "actions": "Actions",
              "progress": "Progress", "reflections": "Reflections", "room": "The room"}

_RECORDED_CHECKS = re.compile(r"recorded (\d+) practice checks?")

#: Method names older inquiries used in their evidence trail.
_ALIASES = {"similar_circumstances": "group-z", "best_in_similar_circumstances": "group-z",
            "better_than_expected": "expected", "group_choice": "group-choice"}


# ---------------------------------------------------------------------- sentences


def group_sentence(counts: dict[str, int], n: int) -> str:
    """Who took part: "5 people took part: 3 live with the issue, 2 professionals."."""
    if not n:
        return "Nobody has been named in the group yet."
    words = [f"{k} {_role_words(key, k)}" for key, k in counts.items() if k]
    return f"{n} {'person' if n == 1 else 'people'} took part: " + ", ".join(words) + "."


def _role_words(role: str, n: int) -> str:
    if role == "lived":
        return "lives with the issue" if n == 1 else "live with the issue"
    if role == "professional":
        return "professional" if n == 1 else "professionals"
    return "other"


def exceptions_sentence(confirmed: int, units: int, unit: str, looked_at: int,
                        counts: dict[str, int]) -> str:
    """How many positive exceptions the group confirmed among the ``units``, and what became
    of the others it ``looked_at`` (``counts``: status -> how many)."""
    return (f"{count_words(confirmed, 'positive exception')} "
            f"confirmed by the group among {count_words(units, unit)}. "
            f"{looked_at:,} {'was' if looked_at == 1 else 'were'} looked at: "
            f"{counts['candidate']} not yet checked, {counts['unsure']} not sure, "
            f"{counts['rejected']} found not to be exceptions.")


def practices_sentence(asked: int, confirmed: int, unit: str) -> str:
    """Who the group asked about the practices (``asked`` units; 0: nobody yet)."""
    if not asked:
        return "No one has been asked about the practices yet."
    return (f"The group asked {count_words(asked, unit)} about the practices, "
            f"{confirmed:,} of them confirmed positive exceptions.")


def more_practices(n: int) -> str:
    """The line under a list of practices cut short ("" when none was left out)."""
    if not n:
        return ""
    return f"… and {count_words(n, 'more practice')}; every practice is in the inquiry file."


def changes_words(changes: list[str]) -> str:
    """One line for a part's changes on one day: "recorded 72 practice checks (in 72
    saves)", "added 'Dawn' (lives with the issue); added 'Lee' …", "12 changes: …"."""
    checks = [_RECORDED_CHECKS.fullmatch(c.strip()) for c in changes]
    if changes and all(checks):
        total = sum(int(m.group(1)) for m in checks if m)
        saves = f" (in {count_words(len(changes), 'save')})" if len(changes) > 1 else ""
        return f"recorded {count_words(total, 'practice check')}{saves}"
    said = [_plain_change(c) for c in changes]
    if len(said) <= MAX_CHANGES_NAMED:
        return "; ".join(said)
    named = "; ".join(said[:MAX_CHANGES_NAMED - 1])
    return f"{len(said):,} changes: {named}; … and {len(said) - MAX_CHANGES_NAMED + 1:,} more"


def part_words(part: str) -> str:
    """A part of the inquiry as the history names it, in the group's words."""
    return PART_WORDS.get(part) or str(part).replace("_", " ").strip().capitalize() or "Other"


def _plain_change(change: str) -> str:
    """A history line with method names as their titles ("ran group-z" -> "ran “Best in
    similar circumstances”")."""
    text = str(change or "")
    if text.startswith("ran "):
        name = text[4:].strip()
        return f"ran “{method_title(name)}”"
    return text


# ---------------------------------------------------------------------- a method's settings


def plain_settings(settings: dict[str, Any], method: str, unit: str) -> list[dict[str, str]]:
    """A method's recorded settings in the group's words ("compared on: income band,
    housing"; "stands out at: 2 standard deviations"), in a fixed order; the working values
    (model, rule used, groups…) are left to the "technical details" line."""
    rule = settings.get("rule_used")
    out: list[tuple[str, str]] = []
    if settings.get("circumstances"):
        out.append(("compared on", setting_words(settings["circumstances"])))
    if method == "group-choice" and settings.get("chosen"):
        out.append(("chosen by the group", setting_words(settings["chosen"])))
    if rule == "rare share" and is_number(settings.get("rare_share")):
        out.append(("stands out when", f"the good answer is rare among similar "
                    f"{plural(unit, 2)}: {percent(float(settings['rare_share']), 0)} or "
                    "fewer have it"))
    elif (method == "group-iqr" or rule == "quartiles") and is_number(
            settings.get("iqr_factor")):
        out.append(("stands out at", f"{number_words(float(settings['iqr_factor']))} times "
                    "the spread of the middle half beyond the usual range"))
    elif method in ("group-z", "expected") and is_number(settings.get("threshold")):
        out.append(("stands out at", f"{number_words(float(settings['threshold']))} standard "
                    "deviations"))
    if method == "funnel" and is_number(settings.get("flag_at")):
        out.append(("stands out beyond", f"the {per_cent(float(settings['flag_at']) * 100)} "
                    "limits"))
    if is_number(settings.get("min_group")):
        out.append(("smallest group", count_words(int(settings["min_group"]), unit)))
    if is_number(settings.get("bands")) and method != "expected":
        out.append(("numbers split into", f"{int(settings['bands'])} bands"))
    if isinstance(settings.get("run_together"), list):
        out.append(("run together with", ", ".join(
            method_title(str(m)) for m in settings["run_together"] if m != method) or "–"))
    return [{"name": k, "value": v} for k, v in out]


def technical_words(settings: dict[str, Any]) -> str:
    """Every recorded setting as "name: value; …" (the "technical details" line)."""
    return "; ".join(f"{k}: {setting_words(v)}" for k, v in settings.items()
                     if k not in ("columns",))


def method_title(name: str) -> str:
    """A method's title for people, also for the names older inquiries recorded."""
    from widgets.analysis.methods import METHODS

    name = _ALIASES.get(name, name)
    if name in METHODS:
        return METHODS[name][0]
    return str(name).replace("_", " ").replace("-", " ").capitalize()


# ---------------------------------------------------------------------- values


def is_number(value: Any) -> bool:
    """True for a real number (not a bool, not NaN)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def number_words(value: Any) -> str:
    """A number for a table: whole numbers with thousands separators, others with two
    decimals; "" for none or NaN; anything else as text."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def outcome_words(value: Any, kind: str) -> str:
    """A progress entry's measure as the group reads it: a yes/no share as per cent ("31 %";
    people type 45 for 45 %, the convention of ``widgets.analysis.progress``)."""
    if kind == "yes_no" and is_number(value):
        share = float(value) if float(value) <= 1 else float(value) / 100
        return percent(share, 0 if float(share * 100).is_integer() else 1)
    return number_words(value)


def share_of(rec: dict[str, Any], who: str) -> str:
    """ "3 of 4 (75%)" from a row of the practice comparison; "not known" without answers."""
    return share_words(rec.get(f"{who}_doing"), rec.get(f"{who}_known"))


def setting_words(value: Any) -> str:
    """A recorded setting as text: lists joined with commas, yes/no for true/false."""
    if isinstance(value, (list, tuple)):
        return ", ".join(setting_words(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {setting_words(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return number_words(value)
    return "" if value is None else str(value)


def when_words(stamp: str | None) -> str:
    """'2023-03-02T18:50:00.000000+00:00' -> '2 Mar 2023, 18:50'; other text as given."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    day = f"{moment.day} {moment:%b %Y}"
    if len(stamp) <= 10:
        return day
    return f"{day}, {moment:%H:%M}"
