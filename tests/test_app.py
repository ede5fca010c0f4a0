"""The Voila command line and environment for `make app` / `hidden-insights app`."""

import os
import socket
import sys
import warnings
from pathlib import Path

import pytest

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
    monkeypatch.setattr(app, "port_in_use", lambda port, ip: False)
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


def _notebooks():
    import nbformat

    paths = sorted(notebooks_dir().glob("*.ipynb"))
    assert len(paths) == 5
    return [(path.name, nbformat.read(path, as_version=4)) for path in paths]


def test_pages_voila_shows_have_no_code():
    # Voila hides code cells' source but shows every markdown cell: facilitators must never
    # see code there, so researcher notes live in the READMEs.
    for name, nb in _notebooks():
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                assert "`" not in cell.source, name
                assert "For researchers" not in cell.source, name
                assert "slug=" not in cell.source and "import " not in cell.source, name


def test_notebooks_are_stored_without_outputs():
    for name, nb in _notebooks():
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, name


def test_researcher_notes_moved_to_the_readme():
    from widgets.paths import REPO_DIR

    notes = (REPO_DIR / "widgets" / "ui" / "README.md").read_text()
    assert 'StepPage(1, slug="grub-hub")' in notes and "hidden-insights exceptions" in notes
    mentions = [name for name, nb in _notebooks() if any(
        "Researchers: see the README" in c.source for c in nb.cells if c.cell_type == "markdown")]
    assert {"1-define-and-measure.ipynb", "2-discover-positive-exceptions.ipynb"} <= set(mentions)


@pytest.fixture
def busy_port():
    """A port something is listening on (a stand-in for an app already running)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_port_in_use(busy_port):
    assert app.port_in_use(busy_port)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    assert not app.port_in_use(free)


def test_busy_port_message_names_the_command_to_run(monkeypatch):
    monkeypatch.delenv("MAKELEVEL", raising=False)
    assert app.busy_port_message(8866) == (
        "Port 8866 is in use (is the app already running?). "
        "Start it on another port: hidden-insights app --port 8867")
    assert app.busy_port_message(8866, "module").endswith("python -m widgets.app --port 8867")
    monkeypatch.setenv("MAKELEVEL", "1")  # run by `make app`
    assert app.busy_port_message(8866) == (
        "Port 8866 is in use (is the app already running?). "
        "Start it on another port: make app PORT=8867")


def test_main_on_a_busy_port_says_so_in_one_line(monkeypatch, capsys, busy_port):
    monkeypatch.delenv("MAKELEVEL", raising=False)
    calls = []
    monkeypatch.setattr(app.subprocess, "call", lambda cmd, env: calls.append(cmd) or 0)
    assert app.main(["--port", str(busy_port)]) == 2
    assert calls == []  # Voila is not started
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [
        f"Port {busy_port} is in use (is the app already running?). Start it on another "
        f"port: python -m widgets.app --port {busy_port + 1}"]


def test_docstring_says_how_kernels_of_closed_pages_end():
    # Voila 0.5.13 does not shut kernels down when a page unloads; culling does it.
    assert "unloads" not in app.__doc__
    assert "culled" in app.__doc__ and "CULL_SETTINGS" in app.__doc__


def test_command_answers_only_local_host_names(monkeypatch):
    """Standalone Voila turns jupyter_server's Host check off; the command turns it on."""
    from voila.app import Voila

    monkeypatch.delenv(app.ALLOW_HOSTS_ENV, raising=False)
    voila = Voila()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        voila.parse_command_line(app.voila_command()[3:])
    assert voila.tornado_settings["allow_remote_access"] is False
    assert voila.tornado_settings["local_hostnames"] == ["localhost"]


def test_more_hosts_from_the_environment_and_the_option(monkeypatch):
    monkeypatch.setenv(app.ALLOW_HOSTS_ENV, "Kit.Example, room.local")
    assert app.allowed_hosts(["[fd00::5]:8866", "kit.example:8866"]) == [
        "localhost", "kit.example", "room.local", "fd00::5"]
    command = app.voila_command(allow_hosts=["192.168.1.20"])
    # jupyter_server's own check refuses every address but loopback ones: our launcher.
    assert command[:3] == [sys.executable, "-m", "widgets.voila_server"]
    monkeypatch.delenv(app.ALLOW_HOSTS_ENV)
    assert app.voila_command(allow_hosts=["kit.example", "127.0.0.2"])[2] == "voila"
    for bad in ("evil example", "a/b", "", "x" * 300):
        with pytest.raises(ValueError):
            app.host_name(bad)


def test_module_refuses_a_bad_allow_host(capsys):
    with pytest.raises(SystemExit) as caught:
        app.main(["--allow-host", "not a host"])
    assert caught.value.code == 2
    assert "not a host name or address" in capsys.readouterr().err
