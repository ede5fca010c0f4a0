"""The lint rules hold what the guide says: `import ipywidgets as widgets` is refused (it would
hide our own package ``widgets``), and the notebooks are checked like the code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "pyproject.toml"


def ruff() -> str:
    """The ruff of this environment (a test dependency), next to this Python or on PATH."""
    beside = Path(sys.executable).parent / "ruff"
    found = str(beside) if beside.exists() else shutil.which("ruff")
    assert found, "ruff is not installed (pip install -e '.[test]')"
    return found


def check(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([ruff(), "check", "--no-cache", "--config", str(CONFIG), *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_import_ipywidgets_as_widgets_is_refused(tmp_path):
    (tmp_path / "bad.py").write_text("import ipywidgets as widgets\n\nwidgets.HTML()\n")
    (tmp_path / "good.py").write_text("import ipywidgets as ipw\n\nipw.HTML()\n")
    bad = check("--output-format", "concise", "bad.py", cwd=tmp_path)
    assert bad.returncode == 1 and "ICN002" in bad.stdout, bad.stdout + bad.stderr
    good = check("good.py", cwd=tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr


def test_a_notebook_cell_is_checked_too(tmp_path):
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": ["import ipywidgets as widgets\n", "widgets.HTML()\n"]}
    notebook = {"cells": [cell], "metadata": {"language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "bad.ipynb").write_text(json.dumps(notebook))
    out = check("--output-format", "concise", ".", cwd=tmp_path)
    assert "bad.ipynb" in out.stdout and "ICN002" in out.stdout, out.stdout + out.stderr


def test_the_repositorys_notebooks_are_linted():
    listed = subprocess.run([ruff(), "check", "--no-cache", "--show-files", "."],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    notebooks = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "notebooks").glob(
        "*.ipynb"))
    assert notebooks
    for name in notebooks:
        assert name in listed.stdout, f"ruff does not check {name}"
