"""Where the kit keeps things."""

from widgets import paths


def test_data_folder_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATA", str(tmp_path / "elsewhere"))
    assert paths.data_dir() == tmp_path / "elsewhere"


def test_data_folder_under_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("HIDDEN_INSIGHTS_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert paths.data_dir() == tmp_path / "data"


def test_notebooks_use_the_data_folder_beside_them(monkeypatch):
    # JupyterLab runs a notebook's kernel in notebooks/: the researcher must see the same
    # inquiries as `make app`, not a new, empty notebooks/data.
    monkeypatch.delenv("HIDDEN_INSIGHTS_DATA", raising=False)
    monkeypatch.chdir(paths.notebooks_dir())
    assert paths.data_dir() == paths.REPO_DIR / "data"


def test_folders_of_the_checkout_exist():
    for folder in (paths.notebooks_dir(), paths.templates_dir(), paths.report_templates_dir(),
                   paths.examples_dir()):
        assert folder.is_dir(), folder
