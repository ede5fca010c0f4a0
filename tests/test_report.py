"""Tests for widgets.report: the story in one self-contained, escaped, printable HTML file."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from widgets import examples, report
from widgets.analysis.baseline import baseline_summary
from widgets.analysis.progress import progress_summary
from widgets.model import (
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
)
from widgets.report import masking, rendering, wording

HEADINGS = ["The issue", "Who took part", "The measure and the baseline", "Positive exceptions",
            "Practices worth spreading", "What we will do", "Progress",
            "Reflections on the principles", "Appendix: the evidence trail"]

#: Hostile text: markup, an event handler, a javascript: link, template syntax, a web
#: address, right-to-left text with an override character, and a very long word.
HOSTILE = ('<script>alert("x")</script><img src=x onerror=alert(1)> '
           '<a href="javascript:alert(1)">click</a> {{7*7}} {% if 1 %}T{% endif %} '
           "https://evil.example/x.js & 'quote' مرحبا שלום \u202eevil ") + "W" * 3000

VOID = {"meta", "img", "br", "link", "hr", "input", "col", "source", "wbr"}
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "nav", "ol", "li",
                "a", "main", "section", "h1", "h2", "h3", "p", "table", "thead", "tbody",
                "tr", "th", "td", "caption", "dl", "dt", "dd", "div", "ul", "strong", "span",
                "bdi", "br", "figure", "img", "figcaption"}


class Page(HTMLParser):
    """Collects tags, attributes and text, and checks that every tag is closed in order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        self._in_style = False
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def esc(text: str) -> str:
    """Text as the report's (Jinja/markupsafe) escaping writes it."""
    return str(escape(text))


def parsed(text: str) -> Page:
    page = Page(text)
    assert page.problems == [] and page.stack == []
    return page


@pytest.fixture(scope="module")
def example_reports():
    out = {}
    for name in examples.EXAMPLES:
        inquiry = examples.build(name)
        out[name] = (inquiry, report.build_report(inquiry, made_on="2025-01-31"))
    return out


# ---------------------------------------------------------------------- the story


@pytest.mark.parametrize("name", list(examples.EXAMPLES))
def test_example_report_tells_the_whole_story(example_reports, name):
    inquiry, out = example_reports[name]
    page = parsed(out)
    headings = [t.strip() for t in page.text if t.strip() in HEADINGS]
    for heading in HEADINGS:
        assert heading in headings
    assert esc(inquiry.title) in out
    assert esc(inquiry.issue.statement) in out
    for person in inquiry.group:
        assert esc(person.name) in out
    assert f"{len(inquiry.group)} people took part" in out
    frame = inquiry.units_frame()
    assert esc(baseline_summary(frame, inquiry.measure).sentence) in out
    confirmed = [e for e in inquiry.exceptions if e.status == "confirmed"]
    assert f"{len(confirmed)} positive exceptions confirmed" in out
    for e in confirmed:
        assert esc(e.note) in out and esc(e.unit_id) in out
    rejected = sum(1 for e in inquiry.exceptions if e.status == "rejected")
    assert f"{rejected} found not to be exceptions" in out
    for p in inquiry.practices:
        assert esc(p.what) in out
    for a in inquiry.actions:
        assert esc(a.what) in out and esc(", ".join(a.leads)) in out
    assert esc(progress_summary(inquiry).sentence) in out
    for r in inquiry.reflections:
        if r.note.strip():
            assert esc(r.note) in out
    for run in inquiry.analysis_runs:
        assert esc(run.by) in out
    # The history, summed up by day (the full log is in the inquiry file): every day is
    # there, each change is named or counted, and method names are said as their titles.
    days = {wording.when_words(h.at[:10]) for h in inquiry.history}
    appendix = out[out.index('id="evidence"'):]
    for day in days:
        assert f'<td class="when">{day}</td>' in appendix
    for h in inquiry.history:
        if h.change.startswith("ran "):
            assert "ran " + esc("“" + wording.method_title(h.change[4:]) + "”") in out
            assert h.change not in appendix
    assert f"every one of its {len(inquiry.history)} changes" in appendix
    assert "practice_checks" not in appendix
    assert esc(inquiry.measure.source) in out and inquiry.measure.baseline_date in out
    images = [a for t, a in page.tags if t == "img"]
    assert len(images) == 4  # baseline, exceptions, practices, progress
    for attrs in images:
        assert attrs["src"].startswith("data:image/png;base64,") and attrs["alt"].strip()
    assert "Report made on" not in out and "made on 2025-01-31" in out


def test_true_but_useless_practices_are_listed_separately():
    inquiry = full_inquiry()
    out = report.build_report(inquiry)
    spread = out.index('id="practices"')
    useless = out.index("<h3>True but useless</h3>")
    card = '<h3 dir="auto">{}</h3>'
    assert spread < out.index(card.format("Eat together")) < useless
    assert useless < out.index(card.format("Pay for a tutor")) < out.index('id="actions"')


def test_counts_of_candidates_and_rejected():
    inquiry = full_inquiry()
    ctx = report.report_context(inquiry)
    counts = {c["label"]: c["n"] for c in ctx["exceptions"]["counts"]}
    assert counts == {"not yet checked": 1, "confirmed": 2, "not an exception": 1,
                      "not sure": 0}
    assert [e["unit_id"] for e in ctx["exceptions"]["confirmed"]] == ["U1", "U2"]
    assert [d["unit_id"] for d in ctx["trail"]["decisions"]] == ["U1", "U2", "U3"]
    assert ctx["trail"]["runs"][0]["settings"] == [
        {"name": "compared on", "value": "area"},
        {"name": "stands out at", "value": "2 standard deviations"}]
    assert ctx["trail"]["runs"][0]["technical"] == "threshold: 2; circumstances: area"


def test_exceptions_plot_follows_the_last_method_run():
    inquiry = full_inquiry()
    caption = report.report_context(inquiry)["exceptions"]["figure"]["caption"]
    assert caption.startswith("2 of 20 children are positive exceptions confirmed by the group")
    assert "best in similar circumstances" in caption and "2 groups" in caption
    for e in inquiry.exceptions:
        e.status = "candidate"
    inquiry.analysis_runs[0].method = "no-longer-a-method"
    caption = report.report_context(inquiry)["exceptions"]["figure"]["caption"]
    assert caption.startswith("4 of 20 children are positive exceptions the group is still "
                              "checking") and "among everyone" in caption


def test_empty_inquiry_still_makes_a_report():
    out = report.build_report(Inquiry(title="Just started"))
    parsed(out)
    assert "Nobody has been named in the group yet." in out
    assert "No data has been entered yet" in out
    assert "No progress has been recorded yet." in out
    assert "<img" not in out


def test_report_is_the_same_when_built_twice(example_reports):
    inquiry, out = example_reports["grub-hub"]
    assert report.build_report(examples.build("grub-hub"), made_on="2025-01-31") == out


# ---------------------------------------------------------------------- private names


def test_private_names_never_appear():
    inquiry = examples.build("grub-hub")
    for i, unit in enumerate(inquiry.units):
        unit.private_name = f"Qprivatezz{i:03d}"
    # …even when someone typed one into a note or the history.
    inquiry.exceptions[0].note += " We asked Qprivatezz000 herself."
    inquiry.history.append(HistoryEntry(at="2025-01-01", by="Dawn", part="units",
                                        change="renamed qPRIVATEzz001's row"))
    inquiry.units[5].private_name = "Mary  O'Brien"
    inquiry.actions[0].what += " With mary o'brien and MARY-O’BRIEN; Maryland stays."
    out = report.build_report(inquiry)
    assert "privatezz" not in out.lower() and "brien" not in out.lower()
    assert report.MASK in out
    assert "We asked [name withheld] herself." in out
    assert "With [name withheld] and [name withheld]; Maryland stays." in out


def test_short_private_names_do_not_mask_words():
    inquiry = full_inquiry()
    inquiry.units[0].private_name = "An"
    out = report.build_report(inquiry)
    assert report.MASK not in out and "Ann" in out


# ---------------------------------------------------------------------- escaping


def hostile_inquiry() -> Inquiry:
    """Every free-text field (and unit ids, column names, methods, settings) is hostile."""
    inquiry = full_inquiry()
    choices = {("Person", "role"), ("Measure", "kind"), ("Measure", "better"),
               ("ExceptionDecision", "status"), ("Practice", "accessible"),
               ("PracticeCheck", "value"), ("Reflection", "principle"),
               ("ProgressEntry", "date"), ("Poll", "counts")}
    ids = {u.unit_id: f"{HOSTILE[:120]} {u.unit_id}" for u in inquiry.units}
    column = f"{HOSTILE[:80]} area"

    def spoil(obj):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            key = (type(obj).__name__, f.name)
            if key in choices:
                continue
            if f.name in ("unit_id",):
                setattr(obj, f.name, ids[value])
            elif f.name == "from_units" or (type(obj).__name__ == "AnalysisRun"
                                              and f.name == "flagged"):
                setattr(obj, f.name, [ids[v] for v in value])
            elif f.name == "context":
                setattr(obj, f.name, {column: next(iter(value.values()), None)})
            elif isinstance(value, str):
                setattr(obj, f.name, f"{HOSTILE} {value}")
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                setattr(obj, f.name, [f"{HOSTILE} {v}" for v in value] or [HOSTILE])
            elif isinstance(value, dict):
                setattr(obj, f.name, {f"{HOSTILE[:60]}{k}": HOSTILE for k in value})
            elif dataclasses.is_dataclass(value):
                spoil(value)
            elif isinstance(value, list):
                for item in value:
                    spoil(item)

    spoil(inquiry)
    inquiry.context_columns = [column]
    return inquiry


@pytest.fixture(scope="module")
def hostile_report():
    return report.build_report(hostile_inquiry())


def test_every_piece_of_person_text_is_escaped(hostile_report):
    out = hostile_report
    page = parsed(out)
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS
    assert "<script" not in out.lower()
    assert "onerror=alert" not in out.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert esc(HOSTILE) in out
    assert "{{7*7}}" in out and "{% if 1 %}T{% endif %}" in out
    assert ">49<" not in out and " 49 " not in out
    assert "W" * 3000 in out and "مرحبا שלום" in out
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert "style" not in attrs
        if tag == "a":
            assert set(attrs) == {"href"} and attrs["href"].startswith("#")
        if tag == "img":
            assert set(attrs) == {"src", "alt"}
            assert attrs["src"].startswith("data:image/png;base64,")


def test_no_reference_to_any_other_host(hostile_report):
    out = hostile_report
    remaining = out.replace(esc(HOSTILE), "").replace(HOSTILE, "")
    # What is left of the hostile text in figures' alt text and captions is escaped too:
    remaining = remaining.replace(esc("https://evil.example/x.js"), "")
    assert "http://" not in remaining and "https://" not in remaining
    page = parsed(out)
    assert "url(" not in page.style and "@import" not in page.style
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in ("src", "href") and value:
                assert value.startswith(("data:", "#")), (tag, name, value[:60])
    assert not any(t in ("link", "script", "iframe", "object", "embed", "base", "form")
                   for t, _ in page.tags)


def test_print_stylesheet_and_security_policy(example_reports):
    _, out = example_reports["grub-hub"]
    page = parsed(out)
    assert "@media print" in page.style
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", page.style)
    assert "break-inside: avoid" in page.style and "break-before: page" in page.style
    policy = [a["content"] for t, a in page.tags
              if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert policy and "default-src 'none'" in policy[0] and "img-src data:" in policy[0]
    # Only the appendix starts a new printed page: no half-empty pages before each section.
    assert "new-page" not in out
    rules = re.findall(r"([^{}]+)\{[^}]*break-before:\s*page", page.style)
    assert [r.strip() for r in rules] == ["section.appendix"]
    # Words are never broken in the middle ("Decisi on", "confirm ed").
    assert "break-all" not in page.style and "overflow-wrap: anywhere" not in page.style
    assert "table-layout: fixed" in page.style


def test_appendix_says_settings_in_plain_words():
    from widgets.model import AnalysisRun

    inquiry = Inquiry(title="x", measure=Measure(what="stayed together", unit_name="family",
                                                 kind="yes_no"))
    inquiry.analysis_runs = [
        AnalysisRun("group-z", {"circumstances": ["income band", "housing"], "rule": "z",
                                "threshold": 2.0, "bands": 3, "min_group": 5,
                                "rule_used": "z-score",
                                "run_together": ["group-z", "expected"]}, ["F1"], by="Dawn"),
        AnalysisRun("group-z", {"circumstances": ["housing"], "rule": "z", "threshold": 2.0,
                                "min_group": 5, "rule_used": "rare share",
                                "rare_share": 0.3}, [], by="Dawn")]
    runs = report.report_context(inquiry)["trail"]["runs"]
    said = {s["name"]: s["value"] for s in runs[0]["settings"]}
    assert said == {"compared on": "income band, housing",
                    "stands out at": "2 standard deviations", "smallest group": "5 families",
                    "numbers split into": "3 bands", "run together with": "Better than expected"}
    assert runs[0]["method"] == "Best in similar circumstances"
    assert "rule: z" in runs[0]["technical"] and "min_group: 5" in runs[0]["technical"]
    rare = {s["name"]: s["value"] for s in runs[1]["settings"]}
    assert rare["stands out when"] == ("the good answer is rare among similar families: "
                                       "30\u00a0% or fewer have it")
    out = report.build_report(inquiry)
    assert "compared on: <bdi>income band, housing</bdi>" in out
    assert "Technical details:" in out


def test_the_environment_always_escapes(monkeypatch):
    """Even a value the template does not expect to hold markup is escaped."""
    monkeypatch.setattr(rendering, "report_context", lambda inquiry, made_on=None: {
        **_real_context(inquiry), "title": "<b>bold</b>"})
    out = report.build_report(Inquiry(title="x"))
    assert "<b>bold</b>" not in out and "&lt;b&gt;bold&lt;/b&gt;" in out


_real_context = report.report_context


# ---------------------------------------------------------------------- files and command line


def test_write_report(tmp_path):
    path = report.write_report(full_inquiry(), tmp_path / "report.html", made_on="2025-02-01")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "made on 2025-02-01" in text


def test_command_line_writes_the_report(store, tmp_path, capsys):
    from widgets import cli

    slug = store.save_inquiry(examples.build("child-nutrition"))
    target = tmp_path / "out.html"
    assert cli.main(["report", slug, "-o", str(target)]) == 0
    assert "Wrote" in capsys.readouterr().out
    assert "Positive exceptions" in target.read_text(encoding="utf-8")
    assert cli.main(["report", "no-such-inquiry", "-o", str(target)]) == 2
    assert cli.main(["report", slug, "-o", str(tmp_path / "out.pdf")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error:") == 2


# ---------------------------------------------------------------------- a small full inquiry


def full_inquiry() -> Inquiry:
    """Every part filled, with a practice that is true but useless."""
    from widgets.model import Unit

    units = [Unit(f"U{i}", float(i % 3 == 0), None, None, {"area": "north" if i < 10 else
                                                           "south"}) for i in range(1, 21)]
    return Inquiry(
        title="Children missing breakfast",
        issue=Issue(statement="Children come to school hungry.", affects="Ann's class",
                    why_it_matters="They cannot learn.", wider_effects="Behaviour."),
        group=[Person("Ann", "lived"), Person("Bo", "professional")],
        measure=Measure(what="the child ate breakfast", unit_name="child", kind="yes_no",
                        source="Class survey", baseline_date="2024-09-01"),
        context_columns=["area"],
        units=units,
        exceptions=[
            ExceptionDecision("U1", "confirmed", ["group-z"], 2.5, "Eats porridge daily.",
                              "Ann", "2024-10-01T10:00:00+00:00"),
            ExceptionDecision("U2", "confirmed", ["group-z"], 2.1, "Gran makes toast.",
                              "Bo", "2024-10-02T10:00:00+00:00"),
            ExceptionDecision("U3", "rejected", ["group-z"], 2.0, "Breakfast club (paid).",
                              "Ann", "2024-10-03T10:00:00+00:00"),
            ExceptionDecision("U4", "candidate", ["group-z"], 1.9),
        ],
        practices=[Practice("Eat together", "At the table", "Calm start", "yes", ["U1"], 1),
                   Practice("Pay for a tutor", "Weekly", "Help", "no", ["U2"], 2)],
        practice_checks=[PracticeCheck(f"U{i}", pid, "yes" if (i <= 2) == (pid == 1) else "no")
                         for i in range(1, 21) for pid in (1, 2)],
        actions=[Action("Breakfast swap", ["Ann"], "Mondays", "School newsletter",
                        "Professionals come as guests")],
        progress=[ProgressEntry("2024-11-01", 0.4, 12, 5, "Good start"),
                  ProgressEntry("2024-12-01", 0.5, 15, 4, "")],
        reflections=[Reflection(1, "about_me", "Parents chose the measure.")],
        analysis_runs=[AnalysisRun("group-z", {"threshold": 2.0, "circumstances": ["area"]},
                                   ["U1", "U2", "U3"], "2024-09-20T10:00:00+00:00", "Bo")],
        history=[HistoryEntry("2024-09-01T09:00:00+00:00", "Ann", "issue", "set the issue")],
        notes=[StepNote(2, "Ask the grandparents too", "facilitator", "2024-10-02T10:00:00",
                        "room", 1)],
        polls=[Poll("Which to spread?", ["Breakfast together", "Walk to school"], [3, 1],
                    "2024-10-03T10:00:00", "2024-10-03T10:05:00", True, 3, 1)],
    )


# ---------------------------------------------------------------------- masking, properties


def _masked(names: list[str], text: str) -> str:
    from widgets.model import Unit

    inquiry = Inquiry(title="t", units=[Unit(f"U{i}", 1.0, None, name, {})
                                        for i, name in enumerate(names)])
    return masking.masker(inquiry)(text)


def test_a_text_that_ends_with_a_shorter_name_is_masked():
    # Issue 9 item 5: a three-word name ("anne marie smith") was looked for past the end of
    # the text and matched the two-word one: IndexError, no report, no dashboard.
    names = ["Mary Jones", "Anne Marie Smith"]
    assert _masked(names, "We talked to Mary Jones") == f"We talked to {report.MASK}"
    assert _masked(names, "Mary Jones") == report.MASK
    assert _masked(names, "anne marie SMITH, then mary jones.") == \
        f"{report.MASK}, then {report.MASK}."
    assert _masked(names, "Anne Marie") == "Anne Marie"


def test_the_report_builds_when_the_issue_ends_with_a_name():
    from widgets.model import Unit

    inquiry = full_inquiry()
    inquiry.units[0] = Unit("U1", 1.0, None, "Mary Jones", {"area": "north"})
    inquiry.units[1] = Unit("U2", 0.0, None, "Anne Marie Smith", {"area": "north"})
    inquiry.issue.statement = "We talked to Mary Jones"
    out = report.build_report(inquiry)
    assert "We talked to [name withheld]" in out and "Jones" not in out


def _mask_words(text: str) -> list[str]:
    return [w.casefold() for w in masking.WORD.findall(text.replace(report.MASK, " "))]


def _contains(words: list[str], name: tuple[str, ...]) -> bool:
    return any(tuple(words[i:i + len(name)]) == name for i in range(len(words)))


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    given = None

if given is not None:
    from strategies import texts

    _word = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=6)
    _name = st.lists(_word, min_size=1, max_size=4).map(" ".join)

    @settings(max_examples=300, deadline=None)
    @given(names=st.lists(st.one_of(_name, texts(12)), max_size=6),
           parts=st.lists(st.one_of(_word, texts(8), st.sampled_from([" ", ", ", "-", "\n"])),
                          max_size=12),
           picks=st.lists(st.integers(0, 5), max_size=4))
    def test_masking_never_fails_and_leaves_no_name(names, parts, picks):
        """Whatever the names and the text (names inside, at the start, at the end, in any
        case, names that share words or are part of each other), masking never raises and
        no name is left as whole words."""
        chosen = [names[i] for i in picks if i < len(names)]
        pieces = list(parts)
        for k, name in enumerate(chosen):
            pieces.insert(min(len(pieces), k * 2), " " + (name.upper() if k % 2 else name) + " ")
        pieces += [" ", *chosen[-1:]]  # and at the very end of the text
        text = "".join(pieces)
        out = _masked(names, text)
        words = _mask_words(out)
        for name in names:
            key = tuple(w.casefold() for w in masking.WORD.findall(name.strip()))
            if len(name.strip()) >= report.MIN_MASKED and key:
                assert not _contains(words, key), (name, text, out)

    @settings(max_examples=200, deadline=None)
    @given(names=st.lists(_name, max_size=5), text=texts(40))
    def test_text_without_any_name_is_left_as_it_is(names, text):
        keys = {tuple(w.casefold() for w in masking.WORD.findall(n)) for n in names}
        words = [w.casefold() for w in masking.WORD.findall(text)]
        if not any(_contains(words, k) for k in keys if k):
            assert _masked(names, text) == text


# ---------------------------------------------------------------------- the history


def test_history_is_summed_up_by_day_in_plain_words():
    """Issue 9 item 18: 72 rows of "recorded 1 practice checks" (and internal names such as
    practice_checks) filled six printed pages. The appendix sums each day up; the inquiry
    file keeps the log."""
    inquiry = full_inquiry()
    inquiry.history = [HistoryEntry(f"2024-10-05T10:{i:02d}:00+00:00", "Ann",
                                    "practice_checks", "recorded 1 practice checks")
                       for i in range(40)]
    inquiry.history += [HistoryEntry(f"2024-10-05T11:{i:02d}:00+00:00", "Bo",
                                     "practice_checks", "recorded 1 practice checks")
                        for i in range(32)]
    inquiry.history.append(HistoryEntry("2024-10-06T09:00:00+00:00", "Ann", "exceptions",
                                        "marked 'U1' as confirmed"))
    inquiry.history += [HistoryEntry("2024-10-06T09:10:00+00:00", "Bo", "group",
                                     f"added 'P{i}' (lives with the issue)")
                        for i in range(6)]
    trail = report.report_context(inquiry)["trail"]
    assert [d["day"] for d in trail["history"]] == ["5 Oct 2024", "6 Oct 2024"]
    first, second = trail["history"]
    assert first["by"] == "Ann, Bo"
    assert first["changes"] == [{"part": "Practice checks",
                                 "change": "recorded 72 practice checks (in 72 saves)"}]
    assert second["changes"][0] == {"part": "Positive exceptions",
                                    "change": "marked 'U1' as confirmed"}
    group = second["changes"][1]
    assert group["part"] == "Who took part"
    assert group["change"] == ("6 changes: added 'P0' (lives with the issue); added "
                               "'P1' (lives with the issue); … and 4 more")
    out = report.build_report(inquiry)
    appendix = out[out.index('id="evidence"'):]
    assert "practice_checks" not in appendix and "recorded 1 practice checks" not in appendix
    assert appendix.count("<tr>") <= 12  # the runs, decisions and two days: not 80 rows
    assert "every one of its 79 changes, is kept in the inquiry file" in appendix


# ---------------------------------------------------------------------- big inquiries


def _png_size(data_uri: str) -> tuple[int, int]:
    import base64
    import struct

    raw = base64.b64decode(data_uri.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", raw[16:24])


def test_report_of_thousands_of_practices_is_bounded():
    """Issue 9 item 13: 100,000 practices made the report run for minutes and fail on a
    12-million-pixel plot. With 5,000 practices the report is built, every plot stays a
    bounded size and the lists say how many are left out."""
    inquiry = examples.build("grub-hub")
    ids = [u.unit_id for u in inquiry.units]
    first = max(p.id for p in inquiry.practices) + 1
    for k in range(5000):
        inquiry.practices.append(Practice(f"Practice number {k}", "how", "why",
                                          "yes" if k % 3 else "no", [], first + k))
        inquiry.practice_checks += [PracticeCheck(ids[(k + j) % len(ids)], first + k,
                                                  "yes" if j % 2 else "no") for j in range(3)]
    for k in range(3000):
        inquiry.progress.append(ProgressEntry(f"2025-{1 + k % 12:02d}-{1 + k % 28:02d}",
                                              None, 10 + k % 7, k % 5, ""))
    ctx = report.report_context(inquiry)
    figures = [ctx[part]["figure"] for part in ("measure", "exceptions", "practices",
                                                "progress")]
    for fig in figures:
        width, height = _png_size(fig["src"])
        assert width * height <= 4_000_000, (width, height, fig["caption"])
    assert "showing 20 of 5,005 practices" in ctx["practices"]["figure"]["caption"]
    practices = ctx["practices"]
    shown = sum(len(practices[k]) for k in ("spread", "not_more_common", "useless", "unsure"))
    assert shown <= 4 * report.MAX_ROWS
    assert "more practices; every practice is in the inquiry file" in " ".join(
        practices["more"].values())
    assert len(ctx["progress"]["rows"]) == report.MAX_ROWS
    out = report.build_report(inquiry)
    assert len(out) < 3_000_000


def test_progress_table_shows_a_yes_no_measure_as_per_cent():
    """The printed table said 0.31 where the sentence and the chart say 31 %."""
    ctx = report.report_context(full_inquiry())
    assert [r["outcome"] for r in ctx["progress"]["rows"]] == ["40\u00a0%", "50\u00a0%"]
    assert ctx["progress"]["figure"]["size"] == "tall"  # more of the page: it has 3 panels
    out = report.build_report(full_inquiry())
    assert '<figure class="plot tall">' in out
