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
    Practice,
    PracticeCheck,
    ProgressEntry,
    Reflection,
)

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
    for h in inquiry.history[-report.MAX_HISTORY:]:
        if h.change.startswith("ran "):  # method names said as their titles
            assert "ran " + esc("“" + report._method_title(h.change[4:]) + "”") in out
            assert h.change not in out
        else:
            assert esc(h.change) in out
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
               ("ProgressEntry", "date")}
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
    assert rare["stands out when"] == ("the good answer is rare among similar families: 30 % "
                                       "or fewer have it")
    out = report.build_report(inquiry)
    assert "compared on: <bdi>income band, housing</bdi>" in out
    assert "Technical details:" in out


def test_the_environment_always_escapes(monkeypatch):
    """Even a value the template does not expect to hold markup is escaped."""
    monkeypatch.setattr(report, "report_context", lambda inquiry, made_on=None: {
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
    )
