"""The README's code for community researchers runs as written, in a fresh data folder."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _researcher_snippet() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (snippet,) = [b for b in blocks if "open_store" in b]
    return snippet


def test_researcher_snippet_runs_in_a_fresh_data_folder(data_dir, tmp_path, monkeypatch, capsys):
    from widgets.store.database import default_url

    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(_researcher_snippet(), str(README), "exec"), namespace)  # noqa: S102
    store = namespace["store"]
    try:
        assert store.url == default_url()  # the data folder's file (or the server's database)
        inquiry = store.get("grub-hub", include_units=False)
        assert inquiry.title == "Grub Hub (illustrative)"
        # The snippet's own write landed, by the researcher.
        assert inquiry.analysis_runs[-1].method == "group-z"
        assert store.history("grub-hub")[-1].by == "researcher"
    finally:
        store.close()
    printed = capsys.readouterr().out
    assert "unit_id" in printed


def test_researcher_snippet_runs_again_on_the_same_folder(data_dir):
    """Run twice: the example is stored once, not a second copy (grub-hub-2)."""
    for _ in range(2):
        namespace: dict = {}
        exec(compile(_researcher_snippet(), str(README), "exec"), namespace)  # noqa: S102
        namespace["store"].close()
    from widgets.store import open_store

    store = open_store()
    try:
        assert [i.slug for i in store.list_inquiries()] == ["grub-hub"]
        assert len(store.get("grub-hub", include_units=False).analysis_runs) >= 2
    finally:
        store.close()
