"""The app shell's shared parts (ipywidgets 8). See README.md in this folder.

Light to import: ipywidgets and the store only; heavy libraries are imported where used.
"""

from widgets.ui.context import current_slug, get_store, on_binder, set_store, valid_slug
from widgets.ui.download import DownloadButton, download_link, safe_filename
from widgets.ui.errors import APOLOGY, ErrorBox, Message, guarded, is_person_error, run_safely
from widgets.ui.nav import PAGES, NavigationBar, page_href
from widgets.ui.page import StepPage
from widgets.ui.principles import FacilitatorQuestions, PrincipleCards, guidance_panel
from widgets.ui.status import SaveStatus
from widgets.ui.upload import UploadBox

__all__ = [
    "APOLOGY", "PAGES", "DownloadButton", "ErrorBox", "FacilitatorQuestions", "Message",
    "AppPage", "NavigationBar", "PrincipleCards", "SaveStatus", "StartView", "StepPage",
    "UploadBox",
    "current_slug", "download_link", "get_store", "guarded", "guidance_panel",
    "is_person_error", "on_binder", "page_href", "run_safely", "safe_filename", "set_store",
    "valid_slug",
]


def __getattr__(name: str):
    # The app page and the start view pull in more (anywidget, files); load them when asked.
    if name == "AppPage":
        from widgets.ui.app_page import AppPage

        return AppPage
    if name == "StartView":
        from widgets.ui.start import StartView

        return StartView
    raise AttributeError(name)
