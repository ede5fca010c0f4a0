"""Where inquiries live: a real database addressed by a URL (SQLite file by default)."""

from widgets.store.database import DataFolderProblem, data_folder_problem, default_url
from widgets.store.inquiries import InquirySummary
from widgets.store.rows import NotFound
from widgets.store.store import Store, open_store

__all__ = ["DataFolderProblem", "InquirySummary", "NotFound", "Store", "data_folder_problem",
           "default_url", "open_store"]
