"""The app's launcher for `make app` / `hidden-insights app`: the server command and environment."""

import ipaddress
import os
import socket
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

from widgets import app
from widgets.paths import notebooks_dir, templates_dir
from widgets.server.app import KIT_CONFIG, WEBSOCKET_MAX_BYTES
from widgets.server.hosts import ALLOW_HOSTS_ENV, allowed_hosts, host_allowed, host_name


def _options(command):
    return dict(a[2:].split("=", 1) for a in command if a.startswith("--") and "=" in a)


def _server(command, env=None):
    """The KitServer a command line makes, configured but not started (no port taken)."""
    from widgets.server.app import KitServer

    server = KitServer()
    server.update_config(Config(KIT_CONFIG))
    server.parse_command_line(command[3:])
    return server


def test_command_serves_the_notebooks_with_our_template_on_localhost():
    command = app.server_command()
    assert command[:3] == [sys.executable, "-m", "widgets.server"]
    options = _options(command)
    assert options["ServerApp.root_dir"] == str(notebooks_dir())
    assert options["ServerApp.port"] == "8866"
    assert options["ServerApp.ip"] == "127.0.0.1"
    assert options["IdentityProvider.token"] == ""  # no token on 127.0.0.1
    assert "--no-browser" in command
    server = _server(command)
    assert server.config.VoilaConfiguration.template == "hidden-insights"
    assert server.config.VoilaConfiguration.show_tracebacks is False
    assert server.default_url == "/voila/render/start.ipynb"
    assert server.port == 8866 and server.ip == "127.0.0.1" and server.port_retries == 0


def test_command_culls_idle_kernels():
    config = _server(app.server_command()).config.MappingKernelManager
    assert int(config.cull_interval) > 0
    assert int(config.cull_idle_timeout) >= 60
    assert config.cull_connected in (True, False)


def test_command_options_parse_in_the_server():
    server = _server(app.server_command(port=9123, ip="0.0.0.0"))
    assert server.port == 9123 and server.ip == "0.0.0.0" and server.open_browser is False
    assert server.tornado_settings["websocket_max_message_size"] == WEBSOCKET_MAX_BYTES
    assert int(server.config.MappingKernelManager.cull_idle_timeout) == 120


def test_only_the_kits_extensions_are_loaded():
    server = _server(app.server_command())
    enabled = {name for name, on in server.jpserver_extensions.items() if on}
    assert enabled <= {"voila.server_extension", "widgets.server", "widgets.room"}
    assert {"voila.server_extension", "widgets.server"} <= enabled
    assert not any(name.startswith(("jupyterlab", "notebook")) for name in enabled)


def test_open_browser_and_port():
    command = app.server_command(port=9000, open_browser=True)
    assert "--ServerApp.port=9000" in command and "--no-browser" not in command
    assert "--ServerApp.open_browser=True" in command


def test_env_puts_the_template_on_the_jupyter_path(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_PATH", "/somewhere/else")
    monkeypatch.setenv("HIDDEN_INSIGHTS_DATA", str(tmp_path / "d"))
    env = app.server_env()
    paths = env["JUPYTER_PATH"].split(os.pathsep)
    assert paths == [str(templates_dir()), "/somewhere/else"]
    template = Path(paths[0]) / "voila" / "templates" / "hidden-insights"
    assert (template / "conf.json").exists() and (template / "index.html.j2").exists()
    assert env["HIDDEN_INSIGHTS_DATA"] == str((tmp_path / "d").resolve())


def test_env_pins_a_relative_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("HIDDEN_INSIGHTS_DATA", raising=False)
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    env = app.server_env()
    assert env["HIDDEN_INSIGHTS_DATA"] == str(tmp_path.resolve() / "data")
    assert env["JUPYTER_PATH"] == str(templates_dir())


def test_start_url():
    assert app.start_url(8866) == "http://127.0.0.1:8866/voila/render/start.ipynb"
    assert app.start_url(1, "::1") == "http://[::1]:1/voila/render/start.ipynb"


def test_main_runs_the_server_and_prints_the_start_page(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(app, "port_in_use", lambda port, ip: False)
    monkeypatch.setattr(app.subprocess, "call", lambda cmd, env: calls.append((cmd, env)) or 0)
    assert app.main(["--port", "9999"]) == 0
    (command, env), = calls
    assert "--ServerApp.port=9999" in command and "widgets.server" in command
    assert str(templates_dir()) in env["JUPYTER_PATH"]
    assert "http://127.0.0.1:9999/voila/render/start.ipynb" in capsys.readouterr().out


def test_room_mode_listens_on_the_network_with_a_fresh_token(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(app, "port_in_use", lambda port, ip: False)
    monkeypatch.setattr(app, "lan_address", lambda: "192.168.1.20")
    monkeypatch.setattr(app.subprocess, "call", lambda cmd, env: calls.append((cmd, env)) or 0)
    monkeypatch.delenv(ALLOW_HOSTS_ENV, raising=False)
    assert app.main(["--room"]) == 0
    assert app.main(["--room"]) == 0
    (command, env), (_, env2) = calls
    token = env[app.TOKEN_ENV]
    assert len(token) >= 32 and token != env2[app.TOKEN_ENV]  # fresh every run
    assert "--ServerApp.ip=192.168.1.20" in command
    assert "--KitServer.allowed_hosts=192.168.1.20" in command
    assert not any("token" in a.lower() for a in command)  # never on the command line
    out = capsys.readouterr().out
    first = out[:len(out) // 2]
    assert "Phones join the room at http://192.168.1.20:8866/room" in first
    assert first.count(token) == 1  # printed once, in the facilitator's link
    assert f"http://192.168.1.20:8866/voila/render/start.ipynb?token={token}" in first


def test_room_mode_without_a_network_address_says_so(monkeypatch):
    monkeypatch.setattr(app, "port_in_use", lambda port, ip: False)
    monkeypatch.setattr(app, "lan_address", lambda: None)
    launch = app.plan(8866, room=True)
    assert "--ServerApp.ip=0.0.0.0" in launch.command and launch.env[app.TOKEN_ENV]
    assert "network address was not found" in launch.lines[0]
    assert "--allow-host" in launch.lines[0]
    assert f"http://127.0.0.1:8866/voila/render/start.ipynb?token={launch.env[app.TOKEN_ENV]}" \
        in " ".join(launch.lines)


def test_an_address_other_than_loopback_gets_a_token_too(monkeypatch):
    monkeypatch.setattr(app, "port_in_use", lambda port, ip: False)
    assert app.TOKEN_ENV not in app.plan(8866).env
    launch = app.plan(8866, ip="192.168.1.20")
    assert launch.env[app.TOKEN_ENV] and "--IdentityProvider.token=" not in launch.command


def test_the_lan_address_is_found_without_sending_anything(monkeypatch):
    from widgets.server import network

    address = network.lan_address()
    assert address is None or not ipaddress.ip_address(address).is_loopback
    calls = []

    class Probe:
        def __init__(self, family, kind):
            calls.append(("socket", family, kind))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def connect(self, address):
            calls.append(("connect", address))

        def getsockname(self):
            return (answers[-1], 5000)

        def send(self, *a):  # pragma: no cover - must not be called
            calls.append(("send", a))

    monkeypatch.setattr(network.socket, "socket", Probe)
    answers = ["192.168.1.20"]
    assert network.lan_address() == "192.168.1.20"
    assert calls[0] == ("socket", socket.AF_INET, socket.SOCK_DGRAM)  # UDP: no handshake
    assert calls[1][0] == "connect" and ipaddress.ip_address(calls[1][1][0]).is_private
    assert not any(call[0] == "send" for call in calls)
    for address in ("127.0.0.1", "0.0.0.0", "169.254.3.4"):  # no usable network
        answers.append(address)
        assert network.lan_address() is None, address


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
    # The kit's server extensions there too (Binder, and JupyterHub, whose users' servers
    # read the same folder).
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions == {"widgets.server": True, "widgets.room": True}
    hub = (REPO_DIR / "deploy" / "jupyterhub" / "jupyterhub_config.py").read_text()
    assert '"JUPYTER_CONFIG_PATH": str(KIT / "binder" / "jupyter-config")' in hub


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
    # The template gets Voila's shutdown on page close accepted; culling is the backstop.
    assert "shut down when the page closes" in app.__doc__
    assert "culled" in app.__doc__ and "CULL_SETTINGS" in app.__doc__


def test_command_answers_only_local_host_names(monkeypatch):
    """The server's Host gate answers localhost and the loopback addresses only."""
    monkeypatch.delenv(ALLOW_HOSTS_ENV, raising=False)
    server = _server(app.server_command())
    assert server.allow_remote_access is True  # jupyter_server's check, replaced by the gate
    assert server.allowed_hosts == ["localhost"]


def test_more_hosts_from_the_environment_and_the_option(monkeypatch):
    monkeypatch.setenv(ALLOW_HOSTS_ENV, "Kit.Example, room.local")
    assert allowed_hosts(["[fd00::5]:8866", "kit.example:8866"]) == [
        "localhost", "kit.example", "room.local", "fd00::5"]
    # An address other than a loopback one (jupyter_server's own check refuses them all).
    server = _server(app.server_command(allow_hosts=["192.168.1.20"]))
    assert "192.168.1.20" in server.allowed_hosts
    for bad in ("evil example", "a/b", "", "x" * 300):
        with pytest.raises(ValueError):
            host_name(bad)


def test_host_allowed():
    hosts = ["localhost", "room.example", "192.0.2.10"]
    for good in ("127.0.0.1:8866", "[::1]:1", "localhost", "ROOM.example:80", "192.0.2.10",
                 "127.0.0.2"):
        assert host_allowed(good, hosts), good
    for bad in ("evil.example", "192.0.2.11", "room.example.evil.example", "", None, "a b"):
        assert not host_allowed(bad, hosts), bad


def test_module_refuses_a_bad_allow_host(capsys):
    with pytest.raises(SystemExit) as caught:
        app.main(["--allow-host", "not a host"])
    assert caught.value.code == 2
    assert "not a host name or address" in capsys.readouterr().err


def test_the_room_is_loaded_when_it_is_there_and_its_absence_stops_nothing(monkeypatch):
    import importlib.util

    from widgets.server import app as server_app

    real = importlib.util.find_spec
    monkeypatch.setattr(server_app.importlib.util, "find_spec",
                        lambda name: None if name == "widgets.room" else real(name))
    assert server_app.kit_extensions() == {"voila.server_extension": True,
                                           "widgets.server": True}
    monkeypatch.setattr(server_app.importlib.util, "find_spec",
                        lambda name: object() if name == "widgets.room" else real(name))
    assert server_app.kit_extensions()["widgets.room"] is True
