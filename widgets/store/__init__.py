"""Where inquiries live: a real database addressed by a URL (SQLite file by default)."""

from widgets.store.store import InquirySummary, NotFound, Store, default_url, open_store

__all__ = ["InquirySummary", "NotFound", "Store", "default_url", "open_store"]
