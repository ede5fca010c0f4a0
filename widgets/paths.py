"""Where things are: the data folder, the notebooks, the templates."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root when running from a checkout (editable install).
PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent

DATA_ENV = "HIDDEN_INSIGHTS_DATA"


def data_dir() -> Path:
    """The data folder: ``$HIDDEN_INSIGHTS_DATA``, else ``data/`` under the working directory.

    Jupyter starts a notebook's kernel in the notebook's own folder; when that is the kit's
    ``notebooks/`` folder, the data folder is the one beside it (the repository's ``data/``,
    where ``make app`` keeps it), not a new, empty ``notebooks/data``.
    """
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    cwd = Path.cwd()
    try:
        in_notebooks = cwd.resolve() == notebooks_dir().resolve()
    except OSError:
        in_notebooks = False
    return (REPO_DIR if in_notebooks else cwd) / "data"


def notebooks_dir() -> Path:
    """The template notebooks."""
    return REPO_DIR / "notebooks"


def templates_dir() -> Path:
    """The folder to put on ``JUPYTER_PATH`` so Voila finds our template."""
    return REPO_DIR / "templates"


def report_templates_dir() -> Path:
    """The Jinja templates of the report."""
    return REPO_DIR / "templates" / "report"


def examples_dir() -> Path:
    """The example data sets."""
    return REPO_DIR / "examples"
