"""Where inquiries live: a real database addressed by a URL (SQLite file by default)."""

from widgets.store.store import (
    DataFolderProblem,
    InquirySummary,
    NotFound,
    Store,
    data_folder_problem,
    default_url,
    open_store,
)

__all__ = ["DataFolderProblem", "InquirySummary", "NotFound", "Store", "data_folder_problem",
           "default_url", "open_store"]
