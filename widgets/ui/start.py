"""The start page: start, open or carry on with an inquiry, and enter the three steps.

Voila cannot change the page's URL from the kernel, so "opening" an inquiry here sets it for
this page (the step links, the downloads) and shows a plain link that carries it in the URL.
The examples module and the files module are imported only when a button needs them.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import ipywidgets as ipw

from widgets.ui.context import current_slug, get_store, on_binder, valid_slug
from widgets.ui.download import MIME, DownloadButton
from widgets.ui.errors import ErrorBox, Message, run_safely
from widgets.ui.nav import NavigationBar, page_href
from widgets.ui.page import DEFAULT_WHO, ready_marker
from widgets.ui.status import local_time_text
from widgets.ui.styles import scroll_table, style_widget
from widgets.ui.upload import UploadBox

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


def inquiry_list_html(summaries: list) -> str:
    """The table of stored inquiries: title, last change, progress, a link that opens it."""
    if not summaries:
        return '<p class="hi-empty">No inquiries yet. Start one above, or open an example.</p>'
    rows = []
    for s in summaries:
        p = step_progress(s)
        rows.append(
            f'<tr data-slug="{html.escape(s.slug)}"><td>{html.escape(s.title)}</td>'
            f"<td>{html.escape(local_time_text(s.updated_at))}</td>"
            f"<td>{html.escape(p[1])}; {html.escape(p[2])}; {html.escape(p[3])}</td>"
            f'<td><a class="hi-open-link" href="{html.escape(page_href("start", s.slug))}">'
            f"Open</a></td></tr>"
        )
    return scroll_table('<table class="hi-table hi-inquiries"><thead><tr><th>Inquiry</th>'
                        "<th>Last change</th><th>Progress</th><th></th></tr></thead>"
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


class StartPage:
    """The start page. ``slug`` defaults to the inquiry in the URL.

    Parts tests drive: ``title_field``, ``create_button``, ``create_message``,
    ``example_buttons`` (name -> Button), ``example_message``, ``upload`` (UploadBox),
    ``inquiry_list``, ``downloads`` ("json"/"xlsx" -> DownloadButton, for the open inquiry),
    ``names_passphrase`` (locks the real names in the inquiry file; empty: no names),
    ``upload_passphrase``, ``unlock_button``, ``without_names_button`` (a file with locked
    real names), ``reminder``, ``open(slug)``.
    """

    def __init__(self, *, slug: str | None = None, store=None):
        self.errors = ErrorBox()
        self.slug: str | None = None
        self.title: str | None = None
        self.binder = on_binder()
        self.store = store
        ok, _ = run_safely(self._ensure_store, errors=self.errors)

        self.nav = NavigationBar(None, "start")
        self.who_field = ipw.Text(value=DEFAULT_WHO, description="Who is recording",
                                  style={"description_width": "initial"},
                                  layout=ipw.Layout(width="26em"))
        self.who_field.add_class("hi-who")

        # The open inquiry
        self.panel = ipw.VBox()
        self.panel.add_class("hi-open-inquiry")
        self.reminder = ipw.HTML("", layout=ipw.Layout(display="none"))
        self.reminder.add_class("hi-reminder")
        self.downloads: dict[str, DownloadButton] = {}
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
        self.create_button.on_click(lambda _b: self._guard(self.create, self.create_message))

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
        self.unlock_button.on_click(lambda _b: self._guard(self.unlock_pending,
                                                           self.upload.message))
        self.without_names_button.on_click(lambda _b: self._guard(self.load_without_names,
                                                                  self.upload.message))
        # The passphrase that locks the real names in a download (see NAMES_NOTE).
        self.names_passphrase = _password("Passphrase to keep real names (optional)",
                                          "hi-names-passphrase")
        self.names_note = ipw.HTML(f'<p class="hi-names-note">{html.escape(NAMES_NOTE)}</p>')

        notice = ipw.HTML(f'<div class="hi-notice hi-binder-notice" role="note">'
                          f"{html.escape(BINDER_NOTICE)}</div>" if self.binder else "",
                          layout=ipw.Layout(display=None if self.binder else "none"))
        intro = ipw.HTML(
            "<h1>Hidden Insights</h1><p>Three simple steps for a group and its burning issue: "
            "<strong>engage, define and measure</strong>; <strong>discover positive "
            "exceptions</strong>; <strong>share how they did it</strong>.</p>")
        intro.add_class("hi-intro")

        self.widget = ipw.VBox([
            style_widget(), self.nav, intro, notice, self.errors, self.panel,
            _section("Start a new inquiry", ipw.HBox([self.title_field, self.create_button]),
                     self.create_message, cls="hi-new"),
            _section("Your inquiries", self.inquiry_list, cls="hi-list"),
            _section("Open an example", example_row, self.example_message, cls="hi-examples"),
            _section("Carry on from a file", ipw.HTML(
                "<p>Upload an inquiry file (.json or .json.gz) or a workbook (.xlsx) you "
                "downloaded before. It is added as a new inquiry; nothing else changes.</p>"),
                self.upload, self.upload_passphrase, self.unlock_row, cls="hi-from-file"),
            self.who_field, ready_marker(),
        ])
        self.widget.add_class("hi-page")
        self.widget.add_class("hi-start")
        if ok:
            self._guard(self._first_open, None, slug)

    # ------------------------------------------------------------------ actions

    @property
    def who(self) -> str:
        """The name of the person recording."""
        return self.who_field.value.strip()[:200] or DEFAULT_WHO

    def _ensure_store(self) -> None:
        if self.store is None:
            self.store = get_store()

    def _guard(self, fn, message: Message | None, *args: Any) -> Any:
        return run_safely(fn, *args, errors=self.errors, message=message)[1]

    def _first_open(self, slug: str | None) -> None:
        wanted = valid_slug(slug) if slug is not None else current_slug()
        if wanted is not None and not self.store.exists(wanted):
            hint = (" If you worked on it in an earlier session, upload your inquiry file below."
                    if self.binder else "")
            self.panel.children = (ipw.HTML(
                f'<div class="hi-notice hi-no-inquiry">There is no inquiry called '
                f"“{html.escape(wanted)}” here.{html.escape(hint)}</div>"),)
            wanted = None
        self.refresh_list()
        if wanted is not None:
            self.open(wanted)

    def create(self) -> str:
        """Start a new inquiry from the title field and open it."""
        title = self.title_field.value
        slug = self.store.create_inquiry(title, by=self.who)
        self.title_field.value = ""
        self.open(slug)
        self.create_message.show(f"Started “{title.strip()}”.", "ok")
        return slug

    def open_example(self, name: str) -> str:
        """Open the example ``name`` (stored the first time, then reopened as it is)."""
        from widgets import examples
        from widgets.model import slugify

        inquiry = examples.build(name)
        # On a shared server each team opens its own copy (its slug starts with the team).
        target = self.store.team_slug(inquiry.slug or slugify(inquiry.title))
        if self.store.exists(target) and self.store.summary(target).title == inquiry.title:
            slug = target
        else:
            slug = self.store.save_inquiry(inquiry, by=self.who)
        self.open(slug)
        self.example_message.show(f"Opened the example “{inquiry.title}”.", "ok")
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
        text = self._store_loaded(loaded, how)
        self._set_pending(None)
        self.upload.message.show(text, "ok")
        return text

    def _store_loaded(self, loaded, how: str) -> str:
        slug = self.store.save_inquiry(loaded.inquiry, by=self.who)
        self.open(slug)
        return f"Loaded “{loaded.inquiry.title}”{how}."

    def _set_pending(self, loaded) -> None:
        self._pending = loaded
        self.unlock_row.layout.display = None if loaded is not None else "none"

    def open(self, slug: str) -> None:
        """Make ``slug`` the open inquiry: step links, downloads and the list follow it."""
        summary = self.store.summary(slug)
        self.slug, self.title = slug, summary.title
        self.nav.update(slug, summary.title)
        link = html.escape(page_href("start", slug))
        head = ipw.HTML(
            f'<h2>Open inquiry: <span class="hi-open-title">{html.escape(summary.title)}</span>'
            f'</h2><p class="hi-open-meta">Last change '
            f"{html.escape(local_time_text(summary.updated_at))}. "
            f'<a class="hi-open-link hi-permalink" href="{link}">Link to this inquiry</a> '
            f"(bookmark it, or open it on another computer on this server).</p>"
        )
        cards = ipw.HTML(step_cards_html(slug, summary))
        cards.add_class("hi-step-cards")
        self.downloads = {
            "json": DownloadButton("Prepare the inquiry file (.json)", self._inquiry_file,
                                   MIME["json"], after=self._inquiry_file_ready,
                                   errors=self.errors),
            "xlsx": DownloadButton("Prepare a workbook (.xlsx)", self._workbook,
                                   MIME["xlsx"], after=self._downloaded, errors=self.errors),
        }
        names = ipw.VBox([self.names_note, self.names_passphrase])
        names.add_class("hi-names")
        self.panel.children = (head, cards, self.reminder,
                               ipw.HBox([self.downloads["json"], self.downloads["xlsx"]]), names)
        self._show_reminder(summary)
        self.refresh_list()

    def refresh_list(self) -> None:
        """Re-read the list of stored inquiries."""
        self.inquiry_list.value = inquiry_list_html(self.store.list_inquiries())

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
            button.on_click(lambda _b, n=name: self._guard(self.open_example,
                                                           self.example_message, n))
            self.example_buttons[name] = button
        return ipw.HBox(list(self.example_buttons.values()))

    def show(self) -> None:
        """Display the page."""
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)
