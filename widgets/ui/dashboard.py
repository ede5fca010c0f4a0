"""The dashboard: one read-only page that tells the group the story of its inquiry — the issue,
the baseline, the positive exceptions, the practices worth spreading, the action and the
progress — in large type for a projector, and a button to download the report.

The words and plots come from ``widgets.report.report_context``, the same values the report
shows: units are read without private names and free text that repeats one is masked. Every
piece of text is escaped here. The story is drawn after the page is shown (pandas and seaborn
take seconds to load; see ``widgets.ui.background.Later``).

    page = StepPage("dashboard")
    page.build(dashboard.build)
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw

from widgets.model import Inquiry
from widgets.ui.download import MIME, DownloadButton
from widgets.ui.errors import is_person_error, person_text, run_and_report
from widgets.ui.nav import page_href
from widgets.ui.step3.shared import esc, facts_html, figure_html, lead_balance, said
from widgets.ui.view import View

CSS = """
.hi-page-dashboard .hi-who { display: none; }
.hi-dashboard { font-size: 1.3rem; line-height: 1.5; gap: 0.6rem; }
.hi-dashboard .widget-html-content { font-size: inherit; }
.hi-story h2 { font-size: 2rem; margin: 2rem 0 0.6rem 0; padding-bottom: 0.2rem;
  border-bottom: 4px solid #0173B2; }
.hi-story h3 { font-size: 1.45rem; margin: 1rem 0 0.3rem 0; overflow-wrap: anywhere; }
.hi-story .hi-story-title { font-size: 2.6rem; line-height: 1.15; margin: 0.4rem 0;
  overflow-wrap: anywhere; }
.hi-story .hi-quote { font-size: 1.7rem; line-height: 1.35; border-left: 8px solid #D55E00;
  padding: 0.3rem 1rem; margin: 0.6rem 0; overflow-wrap: anywhere; }
.hi-story .hi-lead { font-size: 1.5rem; font-weight: 600; overflow-wrap: anywhere; }
.hi-story p, .hi-story dd, .hi-story li { overflow-wrap: anywhere; }
.hi-story .hi-fact { margin: 0.25rem 0; }
.hi-story .hi-fact-label { font-weight: 600; color: #444; }
.hi-story .hi-card { background: #f6f7f9; border: 1px solid #c9ced6; border-radius: 0.6rem;
  padding: 0.6rem 1.1rem; margin: 0.7rem 0; }
.hi-story .hi-card.hi-spread { border-left: 8px solid #029E73; }
.hi-story .hi-exception-mark { color: #D55E00; }
.hi-story .hi-note { color: #444; font-size: 1.1rem; }
.hi-story .hi-empty { color: #555; font-style: italic; }
.hi-story .hi-warning { background: #fff8e1; border-left: 4px solid #b26a00;
  padding: 0.3rem 0.8rem; font-size: 1.1rem; }
.hi-story figure { margin: 0.8rem 0; }
.hi-story figure img { width: 100%; max-width: 60rem; height: auto; }
.hi-story figcaption { color: #444; font-size: 1.1rem; }
.hi-story ul.hi-notes { padding-left: 1.2rem; }
.hi-dashboard-tools { gap: 1rem; align-items: center; flex-wrap: wrap; }
.hi-dashboard .hi-download-box .widget-hbox { gap: 0.8rem; align-items: center; }
.hi-dashboard .hi-download-link { font-size: 1.2em; font-weight: 600; }
@media print { .hi-dashboard-tools { display: none !important; } }
"""

LOADING = '<p class="hi-pending">Putting the story together…</p>'
#: Shown instead of the story when it cannot be put together (never "Putting the story
#: together…" for ever).
STORY_FAILED = ("Sorry — the story could not be put together, so there is nothing to show "
                "here. Nothing stored was changed; the details are in the log.")


def _dl(rows: list[tuple[str, Any]]) -> str:
    return facts_html(rows)


def _empty(text: str) -> str:
    return f'<p class="hi-empty">{esc(text)}</p>'


def story_html(c: dict[str, Any], inquiry: Inquiry) -> str:
    """The whole story as escaped HTML, from ``widgets.report.report_context(inquiry)``."""
    out = [f'<h1 class="hi-story-title" dir="auto">{esc(c["title"])}</h1>']

    # 1 The issue, and who took part.
    out.append('<section class="hi-story-issue"><h2>The issue</h2>')
    parts = c["issue"]["parts"]
    if parts:
        out.append(said(parts[0]["text"], "p", "hi-quote"))
        out.append(_dl([(p["label"], p["text"]) for p in parts[1:]]))
    else:
        out.append(_empty("The group has not described the issue yet."))
    out.append(f'<p dir="auto">{esc(c["group"]["sentence"])}</p>')
    if c["group"]["note"]:
        out.append(f'<p class="hi-warning">{esc(c["group"]["note"])}</p>')
    out.append("</section>")

    # 2 The baseline.
    m = c["measure"]
    out.append('<section class="hi-story-baseline"><h2>Where we started: the baseline</h2>')
    out.append(said(m["baseline"], "p", "hi-lead"))
    out.append(figure_html(m["figure"]))
    out.append(_dl([(r["label"], r["text"]) for r in m["rows"]
                    if r["label"] in ("What is measured", "Source of the data",
                                      "Date of the baseline")]))
    out.append("</section>")

    # 3 The positive exceptions.
    e = c["exceptions"]
    out.append('<section class="hi-story-exceptions"><h2>Positive exceptions</h2>')
    out.append(f'<p class="hi-lead" dir="auto">{esc(e["sentence"])}</p>')
    if e["confirmed"]:
        for d in e["confirmed"]:
            who = ", ".join(x for x in (d["by"], d["at"]) if x)
            out.append(
                '<div class="hi-card hi-exception"><h3><span class="hi-exception-mark" '
                f'aria-hidden="true">◆</span> <bdi>{esc(d["unit_id"])}</bdi></h3>'
                + (said(d["note"], "p") if d["note"] else _empty("No note yet."))
                + _dl([("Found by", d["methods"]), ("Confirmed by", who)]) + "</div>")
    else:
        out.append(_empty("No positive exception has been confirmed yet."))
    out.append(figure_html(e["figure"]))
    out.append("</section>")

    # 4 The practices worth spreading.
    p = c["practices"]
    out.append('<section class="hi-story-practices"><h2>Practices worth spreading</h2>')
    out.append(f'<p dir="auto">{esc(p["sentence"])}</p>')
    for row in p["spread"]:
        out.append('<div class="hi-card hi-spread">' + said(row["what"], "h3") + _dl([
            ("How", row["how"]), ("Why it helps", row["why"]),
            ("Positive exceptions doing it", row["exceptions"]),
            ("Others doing it", row["others"]), ("Learnt from", row["from_units"])]) + "</div>")
    if not p["spread"]:
        out.append(_empty("No practice that anyone could adopt has been recorded yet."))
    if p["more"]["spread"]:  # a long list is cut short, as in the report
        out.append(f'<p class="hi-note" dir="auto">{esc(p["more"]["spread"])}</p>')
    out.append(figure_html(p["figure"]))
    for key, words in (("not_more_common", "Anyone could do these, but the positive "
                                           "exceptions do not do them more often"),
                       ("unsure", "Not sure yet whether anyone could do these"),
                       ("useless", "True but useless: they need resources others lack")):
        if p[key]:
            items = "".join(f'<li dir="auto">{esc(r["what"])}</li>' for r in p[key])
            if p["more"][key]:
                items += f'<li dir="auto">{esc(p["more"][key])}</li>'
            out.append(f'<p class="hi-note">{esc(words)}:</p><ul class="hi-note">{items}</ul>')
    out.append("</section>")

    # 5 The action.
    out.append('<section class="hi-story-actions"><h2>What we are doing</h2>')
    leads_by_action = [a.leads for a in inquiry.actions]
    for i, a in enumerate(c["actions"]):
        leads = leads_by_action[i] if i < len(leads_by_action) else []
        balance, _ = lead_balance(leads, inquiry)
        out.append('<div class="hi-card hi-spread">' + said(a["what"], "h3")
                   + (f'<p class="hi-note">{esc(balance)}</p>' if leads else "") + _dl([
                       ("Who leads", a["leads"]), ("When", a["when"]),
                       ("How we tell people", a["publicity"]),
                       ("Professionals are welcome on these terms", a["professional_terms"])])
                   + "</div>")
    if not c["actions"]:
        out.append(_empty("The group has not decided on an action yet."))
    out.append("</section>")

    # 6 Progress.
    g = c["progress"]
    out.append('<section class="hi-story-progress"><h2>Progress since the baseline</h2>')
    out.append(said(g["sentence"], "p", "hi-lead"))
    out.append(figure_html(g["figure"]))
    notes = [r for r in g["rows"] if (r["note"] or "").strip()]
    if notes:
        items = "".join(f'<li><strong>{esc(r["date"])}</strong>: {said(r["note"])}</li>'
                        for r in notes)
        out.append(f'<h3>What the group noted</h3><ul class="hi-notes">{items}</ul>')
    out.append("</section>")

    # 7 What the room said (notes on the steps, votes), when it said anything.
    r = c.get("room") or {}
    if r.get("notes") or r.get("votes"):
        out.append('<section class="hi-story-room"><h2>What the room said</h2>')
        if r["notes"]:
            items = "".join(
                f'<li><strong>{esc(n["step"])}</strong>'
                + (' <span class="hi-note">(from the room)</span>' if n["from_room"] else "")
                + f': {said(n["text"])}</li>' for n in r["notes"])
            out.append(f'<h3>Notes on the steps</h3><ul class="hi-notes hi-room-notes">'
                       f"{items}</ul>")
        for v in r["votes"]:
            rows = "".join(f'<li>{said(x["choice"])}: <strong>{esc(x["count"])}</strong> '
                           f'<span class="hi-note">({esc(x["share"])})</span></li>'
                           for x in v["rows"])
            out.append('<div class="hi-card hi-vote">' + said(v["question"], "h3")
                       + f'<ul class="hi-vote-results">{rows}</ul>'
                       + f'<p class="hi-note">{esc(v["sentence"])}</p></div>')
        out.append("</section>")
    return "".join(out)


class Dashboard(View):
    """The story (``story``, an HTML widget) and the report download (``download``)."""

    key = "dashboard"
    guidance_open = False  # on a projector the story comes first (one click opens them)

    def __init__(self, session):
        super().__init__(session)
        self.store, self.slug = session.store, session.slug
        self.story = ipw.HTML(LOADING)
        self.story.add_class("hi-story")
        self.download = DownloadButton(
            "Download the report", self.report_file, MIME["html"],
            link_label=f"Save {self.slug}-report.html", session=session,
            after=lambda: self.download.message.show(
                "The report is ready: click the link to save it.", "ok"))
        self.download.button.add_class("hi-report-button")
        self.download.button.button_style = "primary"
        step3 = esc(page_href(3, self.slug))
        tools = ipw.HBox([self.download, ipw.HTML(
            f'<span class="hi-hint">The report is one file: it opens without internet, and '
            f'prints. To change anything, go back to <a href="{step3}">step 3</a> or the '
            "steps before.</span>")])
        tools.add_class("hi-dashboard-tools")
        self.later = session.later(self._story, self._show)
        self.widget = ipw.VBox([ipw.HTML(f"<style>{CSS}</style>"), tools, self.story])
        self.widget.add_class("hi-dashboard")
        self._shown = self._state()
        self.later.request()
        # What the room's panel takes into the inquiry shows in the story at once, and so
        # do the room's votes as they come in (a ballot does not change the inquiry's time).
        for part in ("notes", "practices", "exceptions", "room"):
            session.on(part, self.refresh)

    def _state(self) -> tuple:
        """What the story is told from: when the inquiry last changed, and the votes."""
        votes = [(p.id, tuple(p.counts), p.closed_at, p.results_shown)
                 for p in self.store.polls(self.slug)]
        return self.session.version(), votes

    def refresh(self) -> None:
        """Tell the story again when the inquiry or its votes changed since it was told."""
        state = self._state()
        if state != self._shown:
            self._shown = state
            self.story.value = LOADING
            self.later.request()

    def _compute(self) -> str:
        # In the background on a page: reading the units loads pandas and pyarrow.
        from widgets.report import report_context

        inquiry = self.store.get(self.slug)
        return story_html(report_context(inquiry), inquiry)

    def _story(self) -> str:
        """The story, or a plain message in its place when it cannot be made (a person's
        problem in its own words; a bug as an apology, its traceback in the log)."""
        ok, html_text, exc = run_and_report(self._compute)  # logs anything unexpected
        if ok:
            return html_text
        text = person_text(exc) if exc is not None and is_person_error(exc) else STORY_FAILED
        return f'<p class="hi-notice hi-story-failed" role="status">{esc(text)}</p>'

    def _show(self, html_text: str) -> None:
        self.story.value = html_text

    def report_file(self) -> tuple[bytes, str]:
        """The report of the inquiry as it is in the store now: (bytes, "<slug>-report.html")."""
        from widgets.report import build_report

        # Building takes a few seconds: say so, and keep a second click from starting another.
        self.download.message.show("Preparing the report…", "info")
        self.download.button.disabled = True
        try:
            text = build_report(self.session.inquiry(units=True))
        finally:
            self.download.button.disabled = False
        return text.encode("utf-8"), f"{self.slug}-report.html"


def build(session) -> Dashboard:
    """The dashboard for the session's open inquiry (``StepPage("dashboard").build``)."""
    return Dashboard(session)
