"""The Voila command line and environment for `make app` / `hidden-insights app`."""

import os
import sys
import warnings
from pathlib import Path

from widgets import app
from widgets.paths import notebooks_dir, templates_dir


def _options(command):
    return dict(a[2:].split("=", 1) for a in command if a.startswith("--") and "=" in a)


def test_command_serves_the_notebooks_with_our_template_on_localhost():
    command = app.voila_command()
    assert command[:3] == [sys.executable, "-m", "voila"]
    assert command[3] == str(notebooks_dir())
    options = _options(command)
    assert options["template"] == "hidden-insights"
    assert options["port"] == "8866"
    assert options["Voila.ip"] == "127.0.0.1"
    assert options["VoilaConfiguration.show_tracebacks"] == "False"
    assert "--no-browser" in command


def test_command_culls_idle_kernels():
    options = _options(app.voila_command())
    assert int(options["MappingKernelManager.cull_interval"]) > 0
    assert int(options["MappingKernelManager.cull_idle_timeout"]) >= 60
    assert options["MappingKernelManager.cull_connected"] in ("True", "False")


def test_command_options_parse_in_voila():
    from voila.app import Voila

    voila = Voila()
    with warnings.catch_warnings():  # traitlets deprecates a dict given as JSON; still works
        warnings.simplefilter("ignore", DeprecationWarning)
        voila.parse_command_line(app.voila_command(port=9123, ip="0.0.0.0")[3:])
        settings = voila.tornado_settings
    assert voila.port == 9123 and voila.ip == "0.0.0.0" and voila.open_browser is False
    assert settings["websocket_max_message_size"] == app.WEBSOCKET_MAX_BYTES
    assert int(voila.config.MappingKernelManager.cull_idle_timeout) == 120


def test_preheat_is_optional():
    assert not any("preheat" in a for a in app.voila_command())
    command = app.voila_command(preheat=True)
    assert "--preheat_kernel=True" in command and "--pool_size=1" in command


def test_open_browser_and_port():
    command = app.voila_command(port=9000, open_browser=True)
    assert "--port=9000" in command and "--no-browser" not in command
    assert "--Voila.open_browser=True" in command


def test_env_puts_the_template_on_the_jupyter_path(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_PATH", "/somewhere/else")
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATA", str(tmp_path / "d"))
    env = app.voila_env()
    paths = env["JUPYTER_PATH"].split(os.pathsep)
    assert paths == [str(templates_dir()), "/somewhere/else"]
    template = Path(paths[0]) / "voila" / "templates" / "hidden-insights"
    assert (template / "conf.json").exists() and (template / "index.html.j2").exists()
    assert env["HIDDEN_INSIGHTS_DATA"] == str((tmp_path / "d").resolve())


def test_env_pins_a_relative_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("HIDDEN_INSIGHTS_DATA", raising=False)
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    env = app.voila_env()
    assert env["HIDDEN_INSIGHTS_DATA"] == str(tmp_path.resolve() / "data")
    assert env["JUPYTER_PATH"] == str(templates_dir())


def test_start_url():
    assert app.start_url(8866) == "http://127.0.0.1:8866/voila/render/start.ipynb"
    assert app.start_url(1, "::1") == "http://[::1]:1/voila/render/start.ipynb"


def test_main_runs_voila_and_prints_the_start_page(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(app.subprocess, "call", lambda cmd, env: calls.append((cmd, env)) or 0)
    assert app.main(["--port", "9999"]) == 0
    (command, env), = calls
    assert "--port=9999" in command and "hidden-insights" in " ".join(command)
    assert str(templates_dir()) in env["JUPYTER_PATH"]
    assert "http://127.0.0.1:9999/voila/render/start.ipynb" in capsys.readouterr().out


def test_binder_files():
    from widgets.paths import REPO_DIR

    binder = REPO_DIR / "binder"
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    reqs = [line for line in (binder / "requirements.txt").read_text().splitlines()
            if line and not line.startswith("#")]
    assert all("==" in line for line in reqs)
    names = {line.split("==")[0].lower() for line in reqs}
    assert {"voila", "ipywidgets", "pandas", "sqlalchemy"} <= names
    assert not any("hidden-insights" in n for n in names)
    start = (binder / "start").read_text()
    assert start.rstrip().endswith('exec "$@"') and "JUPYTER_PATH" in start
    assert os.access(binder / "start", os.X_OK) and os.access(binder / "postBuild", os.X_OK)
    post = (binder / "postBuild").read_text()
    assert "set -e" in post and "pip install --no-deps -e ." in post
    import json

    config = json.loads((binder / "jupyter-config" / "jupyter_server_config.json").read_text())
    assert config["VoilaConfiguration"]["template"] == "hidden-insights"
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0
