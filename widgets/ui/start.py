"""The start view: start, open or carry on with an inquiry, and enter the three steps.

    view = StartView(session)           # the app page builds it (widgets/ui/app_page.py)

On the app page (``start.ipynb``) starting, opening an example and uploading a file open the
inquiry in the page's session and go on to step 1 (``navigate``, set by the app page); the
links (the step cards, "Open" in the list) switch views in the page too. Built alone, with no
app page around it, the view only opens the inquiry in its session.
The examples module and the files module are imported only when a button needs them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as ipw

from widgets.ui.context import on_binder
from widgets.ui.download import MIME, DownloadButton
from widgets.ui.errors import Message
from widgets.ui.nav import page_href
from widgets.ui.status import local_time_text
from widgets.ui.styles import label_above, scroll_table
from widgets.ui.upload import UploadBox
from widgets.ui.view import View

BINDER_NOTICE = (
    "This is a temporary session: it is thrown away after some minutes without use, and "
    "everything in it with it. Download the inquiry file to keep your work; upload it here "
    "next time to carry on."
)
REMINDER = "There are changes you have not downloaded yet. Download the inquiry file to keep them."
NAMES_NOTE = (
    "Real names (the private column of the data) are left out of the inquiry file. To keep "
    "them for next time, type a passphrase before you prepare the file: the names are then "
    "locked in the file with it. Keep the passphrase safe: it cannot be recovered, and "
    "without it the names cannot be opened."
)
LOCKED_NOTE = ("This file keeps real names locked with a passphrase. Type the passphrase and "
               "press “Open with the passphrase”, or carry on without the real names.")


def _plural(n: int, one: str, many: str | None = None) -> str:
    from widgets.words import count_words  # the kit's one plural rule

    return f"{n:,} {many}" if many is not None and n != 1 else count_words(n, one)


def step_progress(summary, unit_name: str | None = None) -> dict[str | int, str]:
    """A short progress line per step from a :class:`~widgets.store.InquirySummary`.

    The units are counted in the measure's own word ("60 pupils"): ``unit_name``, or the
    summary's ``unit_name`` when it has one, else "units"."""
    s = summary
    unit = (unit_name or getattr(s, "unit_name", None) or "").strip() or "unit"
    step1 = ["measure defined" if s.measure_defined else "no measure yet"]
    if s.units:
        step1.append(_plural(s.units, unit))
    if s.people:
        step1.append(_plural(s.people, "person", "people"))
    step2 = [_plural(s.confirmed_exceptions, "exception") + " confirmed"]
    if s.candidate_exceptions:
        step2.append(f"{s.candidate_exceptions} to check")
    step3 = [_plural(s.practices, "practice")]
    if s.actions:
        step3.append(_plural(s.actions, "action"))
    if s.progress:
        step3.append(_plural(s.progress, "progress entry", "progress entries"))
    return {1: ", ".join(step1), 2: ", ".join(step2), 3: ", ".join(step3),
            "dashboard": "the whole inquiry on one page"}


STEP_CARDS: tuple[tuple[str | int, str], ...] = (
    (1, "1 Engage, define and measure"),
    (2, "2 Discover positive exceptions"),
    (3, "3 Share how they did it"),
    ("dashboard", "Dashboard"),
)


def step_cards_html(slug: str, summary, unit_name: str | None = None) -> str:
    """The big entry points to the steps, each with its progress (escaped)."""
    progress = step_progress(summary, unit_name)
    cards = []
    for key, label in STEP_CARDS:
        cards.append(
            f'<a class="hi-step-card" data-page="{html.escape(str(key))}" '
            f'href="{html.escape(page_href(key, slug))}"><strong>{html.escape(label)}</strong>'
            f"<span>{html.escape(progress[key])}</span></a>"
        )
    return f'<div class="hi-steps" style="display:flex">{"".join(cards)}</div>'


def inquiry_list_html(summaries: list, teams: bool = False) -> str:
    """The table of stored inquiries: title, last change, progress, a link that opens it
    (and, for someone in several teams, whose it is)."""
    if not summaries:
        return '<p class="hi-empty">No inquiries yet. Start one above, or open an example.</p>'
    rows = []
    for s in summaries:
        p = step_progress(s)
        rows.append(
            f'<tr data-slug="{html.escape(s.slug)}"><td>{html.escape(s.title)}</td>'
            + (f"<td>{html.escape(s.team or '')}</td>" if teams else "")
            + f"<td>{html.escape(local_time_text(s.updated_at))}</td>"
            f"<td>{html.escape(p[1])}; {html.escape(p[2])}; {html.escape(p[3])}</td>"
            f'<td><a class="hi-open-link" href="{html.escape(page_href("start", s.slug))}">'
            f"Open</a></td></tr>"
        )
    team = "<th>Team</th>" if teams else ""
    return scroll_table('<table class="hi-table hi-inquiries"><thead><tr><th>Inquiry</th>'
                        f"{team}<th>Last change</th><th>Progress</th><th></th></tr></thead>"
                        f"<tbody>{''.join(rows)}</tbody></table>", "Inquiries")


def _password(label: str, cls: str) -> ipw.Password:
    field = ipw.Password(description=label, style={"description_width": "initial"},
                         layout=ipw.Layout(width="34em"))
    field.add_class(cls)
    return field


def _section(title: str, *children: ipw.Widget, cls: str = "") -> ipw.VBox:
    box = ipw.VBox([ipw.HTML(f"<h2>{html.escape(title)}</h2>"), *children])
    box.add_class("hi-section")
    if cls:
        box.add_class(cls)
    return box


class StartView(View):
    """The start view. Its session's open inquiry (if any) is shown at the top.

    Parts tests drive: ``title_field``, ``create_button``, ``create_message``,
    ``example_buttons`` (name -> Button), ``example_message``, ``upload`` (UploadBox),
    ``inquiry_list``, ``panel`` (the open inquiry), ``downloads`` ("json"/"xlsx" ->
    DownloadButton, for the open inquiry), ``names_passphrase`` (locks the real names in the
    inquiry file; empty: no names), ``upload_passphrase``, ``unlock_button``,
    ``without_names_button`` (a file with locked real names), ``reminder``, ``open(slug)``.

    ``navigate(key, slug)`` is called once an action has opened an inquiry (to go on to step
    1); the app page sets it. None: stay here.
    """

    key = "start"
    needs_inquiry = False
    guidance_open = False  # the page is about choosing an inquiry; one click opens them

    def __init__(self, session):
        super().__init__(session)
        self.navigate: Callable[[str | int, str], Any] | None = None
        self.binder = on_binder()

        # The open inquiry
        self.panel = ipw.VBox()
        self.panel.add_class("hi-open-inquiry")
        self.reminder = ipw.HTML("", layout=ipw.Layout(display="none"))
        self.reminder.add_class("hi-reminder")
        self.downloads: dict[str, DownloadButton] = {}
        self._shown: str | None = None  # the inquiry the panel shows
        self._head = self._cards = ipw.HTML()
        self._names_locked = False
        self._load_problem: str | None = None

        # Start a new one
        self.title_field = ipw.Text(placeholder="the burning issue, in a few words",
                                    description="Title", layout=ipw.Layout(width="32em"),
                                    style={"description_width": "initial"})
        self.title_field.add_class("hi-new-title")
        self.create_button = ipw.Button(description="Start the inquiry", button_style="primary",
                                        layout=ipw.Layout(width="auto"))
        self.create_button.add_class("hi-new-button")
        self.create_message = Message()
        session.wire(self.create_button, self.create, message=self.create_message)
        # On a shared server, someone in several teams says whose a new inquiry is (an
        # example or a file they open too); the database refuses any other team.
        teams = session.run(self.store.teams, saves=False) or [] if self.store else []
        default = self.store.team if self.store is not None and self.store.team in teams else None
        self.team_choice = label_above(ipw.Dropdown(
            options=teams, value=default or (teams[0] if teams else None),
            layout=ipw.Layout(width="16em", display=None if len(teams) > 1 else "none")),
            "Team (whose inquiry this is)")
        self.team_choice.add_class("hi-team-choice")

        # Stored ones
        self.inquiry_list = ipw.HTML("")
        self.inquiry_list.add_class("hi-inquiry-list")

        # Examples
        self.example_message = Message()
        self.example_buttons: dict[str, ipw.Button] = {}
        example_row = self._example_buttons()

        # From a file
        from widgets.files import MAX_INQUIRY_BYTES  # cheap: no pandas/openpyxl

        self.upload = UploadBox("Upload an inquiry file", ".json,.gz,.xlsx", self.load_file,
                                max_bytes=MAX_INQUIRY_BYTES, errors=self.errors)
        # A file whose real names are locked waits here (in memory, not stored) until the
        # facilitator gives the passphrase or chooses to carry on without the names.
        self._pending = None
        self.upload_passphrase = _password("Passphrase (only for a file with locked real names)",
                                           "hi-upload-passphrase")
        self.unlock_button = ipw.Button(description="Open with the passphrase",
                                        button_style="primary", layout=ipw.Layout(width="auto"))
        self.unlock_button.add_class("hi-unlock-button")
        self.without_names_button = ipw.Button(description="Carry on without the real names",
                                               layout=ipw.Layout(width="auto"))
        self.without_names_button.add_class("hi-without-names-button")
        self.unlock_row = ipw.HBox([self.unlock_button, self.without_names_button],
                                   layout=ipw.Layout(display="none"))
        self.unlock_row.add_class("hi-unlock-row")
        session.wire(self.unlock_button, self.unlock_pending, message=self.upload.message)
        session.wire(self.without_names_button, self.load_without_names,
                     message=self.upload.message)
        # The passphrase that locks the real names in a download (see NAMES_NOTE).
        self.names_passphrase = _password("Passphrase to keep real names (optional)",
                                          "hi-names-passphrase")
        self.names_note = ipw.HTML(f'<p class="hi-names-note">{html.escape(NAMES_NOTE)}</p>')

        notice = ipw.HTML(f'<div class="hi-notice hi-binder-notice" role="note">'
                          f"{html.escape(BINDER_NOTICE)}</div>" if self.binder else "",
                          layout=ipw.Layout(display=None if self.binder else "none"))
        intro = ipw.HTML(
            "<p>Three simple steps for a group and its burning issue: "
            "<strong>engage, define and measure</strong>; <strong>discover positive "
            "exceptions</strong>; <strong>share how they did it</strong>.</p>")
        intro.add_class("hi-intro")

        self.widget = ipw.VBox([
            intro, notice, self.panel,
            _section("Start a new inquiry", ipw.HBox([self.title_field, self.create_button]),
                     self.team_choice, self.create_message, cls="hi-new"),
            _section("Your inquiries", self.inquiry_list, cls="hi-list"),
            _section("Open an example", example_row, self.example_message, cls="hi-examples"),
            _section("Carry on from a file", ipw.HTML(
                "<p>Upload an inquiry file (.json or .json.gz) or a workbook (.xlsx) you "
                "downloaded before. It is added as a new inquiry; nothing else changes.</p>"),
                self.upload, self.upload_passphrase, self.unlock_row, cls="hi-from-file"),
        ])
        self.widget.add_class("hi-start")
        self.refresh()

    # ------------------------------------------------------------------ the session's

    @property
    def store(self):
        """The kernel's store."""
        return self.session.store

    @property
    def errors(self):
        """The page's error box."""
        return self.session.errors

    @property
    def slug(self) -> str | None:
        """The open inquiry (None when none)."""
        return self.session.slug

    @property
    def title(self) -> str | None:
        """The open inquiry's title."""
        return self.session.title

    @property
    def who(self) -> str:
        """The name of the person recording."""
        return self.session.who

    # ------------------------------------------------------------------ the view

    def refresh(self) -> None:
        """Show the session's open inquiry (or none) and the list as the store has them."""
        if self.slug is not None:
            self._show_open()
        else:
            self._shown = None
            self.panel.children = ()
            self.downloads = {}
            self.refresh_list()

    def say_unknown(self, slug: str) -> None:
        """Say that the address named inquiry ``slug``, which this server does not hold."""
        hint = (" If you worked on it in an earlier session, upload your inquiry file below."
                if self.binder else "")
        self._shown = None
        self.panel.children = (ipw.HTML(
            f'<div class="hi-notice hi-no-inquiry" role="status">There is no inquiry called '
            f"“{html.escape(slug)}” here.{html.escape(hint)}</div>"),)

    def team(self) -> str | None:
        """The team chosen for a new inquiry, when there is a choice (else the store's)."""
        return self.team_choice.value if len(self.team_choice.options) > 1 else None

    # ------------------------------------------------------------------ actions

    def create(self) -> str:
        """Start a new inquiry from the title field, open it and go on to step 1."""
        title = self.title_field.value
        slug = self.store.create_inquiry(title, by=self.who, team=self.team())
        self.title_field.value = ""
        self.create_message.show(f"Started “{title.strip()}”.", "ok")
        self._opened(slug)
        return slug

    def open_example(self, name: str) -> str:
        """Open the example ``name`` (stored the first time, then reopened as it is) and go
        on to step 1."""
        from widgets import examples
        from widgets.model import slugify

        inquiry = examples.build(name)
        # On a shared server each team opens its own copy (its slug starts with the team).
        target = self.store.team_slug(inquiry.slug or slugify(inquiry.title), self.team())
        if self.store.exists(target) and self.store.summary(target).title == inquiry.title:
            slug = target
        else:
            slug = self.store.save_inquiry(inquiry, by=self.who, team=self.team())
        self.example_message.show(f"Opened the example “{inquiry.title}”.", "ok")
        self._opened(slug)
        return slug

    def load_file(self, data: bytes, filename: str) -> str | None:
        """UploadBox callback: store the uploaded inquiry file as a new inquiry, open it.

        A file with real names locked by a passphrase is opened with the passphrase typed
        beside the upload; without one (or with a wrong one) it waits, unstored, for
        :meth:`unlock_pending` or :meth:`load_without_names`.
        """
        from widgets.files import read_inquiry

        self._set_pending(None)
        loaded = read_inquiry(data, filename)
        if loaded.locked is None:
            return self._store_loaded(loaded, "")
        self._set_pending(loaded)
        if not self.upload_passphrase.value:
            self.upload.message.show(LOCKED_NOTE, "info")
            return None
        return self.unlock_pending()

    def unlock_pending(self) -> str:
        """Open the waiting file's real names with the passphrase, then store it."""
        from widgets.files import FileProblem

        loaded = self._pending
        if loaded is None:
            raise FileProblem("Upload the inquiry file first.")
        if not self.upload_passphrase.value:
            raise FileProblem("Type the passphrase first, or carry on without the real names.")
        count = loaded.unlock(self.upload_passphrase.value)  # wrong: raises, nothing stored
        self.upload_passphrase.value = ""
        return self._finish(loaded, f" with the real names of {_plural(count, 'unit')}")

    def load_without_names(self) -> str:
        """Store the waiting file without its locked real names."""
        from widgets.files import FileProblem

        if self._pending is None:
            raise FileProblem("Upload the inquiry file first.")
        return self._finish(self._pending, " without the real names")

    def _finish(self, loaded, how: str) -> str:
        self._set_pending(None)
        text = self._store_loaded(loaded, how)
        self.upload.message.show(text, "ok")
        return text

    def _store_loaded(self, loaded, how: str) -> str:
        slug = self.store.save_inquiry(loaded.inquiry, by=self.who, team=self.team())
        self._opened(slug)
        return f"Loaded “{loaded.inquiry.title}”{how}."

    def _set_pending(self, loaded) -> None:
        self._pending = loaded
        self.unlock_row.layout.display = None if loaded is not None else "none"

    def _opened(self, slug: str) -> None:
        self.open(slug)
        self._go_on()

    def _go_on(self) -> None:
        if self.navigate is not None and self.slug is not None:
            self.navigate(1, self.slug)

    def open(self, slug: str) -> None:
        """Make ``slug`` the session's open inquiry and show it here: its step links,
        downloads and the list follow it."""
        from widgets.store import NotFound

        if not self.session.open(slug):
            raise NotFound(f"There is no inquiry called “{slug}” here.")
        self._show_open()

    def _show_open(self) -> None:
        slug = self.slug
        summary = self.store.summary(slug)
        link = html.escape(page_href("start", slug))
        head = (
            f'<h2>Open inquiry: <span class="hi-open-title">{html.escape(summary.title)}</span>'
            f'</h2><p class="hi-open-meta">Last change '
            f"{html.escape(local_time_text(summary.updated_at))}. "
            f'<a class="hi-open-link hi-permalink" href="{link}">Link to this inquiry</a> '
            f"(bookmark it, or open it on another computer on this server).</p>"
        )
        if self._shown == slug:  # shown again: the same downloads, new words
            self._head.value, self._cards.value = head, step_cards_html(slug, summary)
            self._show_reminder(summary)
            self.refresh_list()
            return
        self._shown = slug
        self._head = ipw.HTML(head)
        self._cards = ipw.HTML(step_cards_html(slug, summary))
        self._cards.add_class("hi-step-cards")
        self.downloads = {
            "json": DownloadButton("Prepare the inquiry file (.json)", self._inquiry_file,
                                   MIME["json"], after=self._inquiry_file_ready,
                                   errors=self.errors),
            "xlsx": DownloadButton("Prepare a workbook (.xlsx)", self._workbook,
                                   MIME["xlsx"], after=self._downloaded, errors=self.errors),
        }
        names = ipw.VBox([self.names_note, self.names_passphrase])
        names.add_class("hi-names")
        self.panel.children = (self._head, self._cards, self.reminder,
                               ipw.HBox([self.downloads["json"], self.downloads["xlsx"]]), names)
        self._show_reminder(summary)
        self.refresh_list()

    def refresh_list(self) -> None:
        """Re-read the list of stored inquiries."""
        self.inquiry_list.value = inquiry_list_html(self.store.list_inquiries(),
                                                    teams=len(self.team_choice.options) > 1)

    # ------------------------------------------------------------------ downloads

    def _file_stem(self) -> str:
        return f"{self.slug}-{date.today().isoformat()}"

    def _inquiry_file(self) -> tuple[bytes, str]:
        """The inquiry file: real names left out, or locked with the passphrase typed."""
        from widgets.files import inquiry_file

        passphrase = self.names_passphrase.value or None
        if passphrase is not None:
            from widgets.files.private_names import check_passphrase

            check_passphrase(passphrase)  # before the work: a short one is a plain message
        inquiry = self.store.get(self.slug)
        data = inquiry_file.to_bytes(inquiry, passphrase=passphrase)
        self._names_locked = passphrase is not None
        self._load_problem = inquiry_file.load_problem(inquiry)
        return data, f"{self._file_stem()}{inquiry_file.suffix(data)}"

    def _inquiry_file_ready(self) -> None:
        self.names_passphrase.value = ""  # not left in the page once it has done its work
        message = self.downloads["json"].message
        if self._load_problem:
            # Still offered (never lose work), but said while the session can fix it.
            message.show(f"Careful: this file will not load again as it is. "
                         f"{self._load_problem} Fix it in step 1, then prepare the file again.",
                         "error")
        else:
            message.show("The real names are locked in this file with your passphrase."
                         if self._names_locked else "This file has no real names in it.",
                         "info")
        self._downloaded()

    def _workbook(self) -> tuple[bytes, str]:
        from widgets.files import workbook

        return workbook.to_bytes(self.store.get(self.slug)), f"{self._file_stem()}.xlsx"

    def _downloaded(self) -> None:
        self.store.mark_downloaded(self.slug)
        self._show_reminder(self.store.summary(self.slug))

    def _show_reminder(self, summary) -> None:
        if self.binder and summary.changed_since_download:
            self.reminder.value = (f'<div class="hi-notice hi-reminder-text" role="status">'
                                   f"{html.escape(REMINDER)}</div>")
            self.reminder.layout.display = None
        else:
            self.reminder.value = ""
            self.reminder.layout.display = "none"

    # ------------------------------------------------------------------ display

    def _example_buttons(self) -> ipw.Widget:
        try:
            from widgets.examples import EXAMPLES
        except ImportError:
            return ipw.HTML("<p>No examples are installed.</p>")
        for name, title in EXAMPLES.items():
            button = ipw.Button(description=f"Open: {title}", tooltip=title,
                                layout=ipw.Layout(width="auto"))
            button.add_class("hi-example-button")
            button.add_class(f"hi-example-{name}")
            self.session.wire(button, lambda n=name: self.open_example(n),
                              message=self.example_message)
            self.example_buttons[name] = button
        return ipw.HBox(list(self.example_buttons.values()))
