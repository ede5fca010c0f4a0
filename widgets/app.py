"""Run the kit as an app: a Jupyter server with Voila (our template) over the notebooks folder.

    python -m widgets.app            # or: hidden-insights app, make app
    python -m widgets.app --room     # or: hidden-insights app --room, make app ROOM=1

The server is ``widgets.server.app.KitServer`` (``python -m widgets.server``): Voila and the
room are extensions of it. The start page is at ``/voila/render/start.ipynb`` (``/`` forwards
to it). It binds to 127.0.0.1, with no token: only this computer can reach it.

Room mode listens on this computer's address on the local network, so that phones can join
the room at ``http://<address>:<port>/room``; from then on every other page, the Jupyter API
and the kernels need a token, made fresh for the run and printed once, in the facilitator's
link (the browser keeps a cookie after the first visit). Only the room's own routes are open
(how a handler is made open: :mod:`widgets.server`).

A page's kernel is shut down when the page closes (the template gets Voila's shutdown
accepted); kernels with no page connected are also culled after 2 idle minutes
(``widgets.server.app.CULL_SETTINGS``), the backstop for a browser that sends nothing.

The app answers only the ``Host`` names it serves, so a page elsewhere whose name was made
to point at this computer (DNS rebinding) cannot drive it: localhost and the loopback
addresses, the network address in room mode, plus those given with ``--allow-host`` or in
``HIDDEN_INSIGHTS_ALLOW_HOSTS`` (a proxy's name, say).
"""

from __future__ import annotations

import argparse
import errno
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from widgets.paths import DATA_ENV, data_dir, notebooks_dir, templates_dir
from widgets.server.hosts import ALLOW_HOSTS_ENV, allowed_hosts, is_loopback
from widgets.server.network import lan_address

START_PAGE = "voila/render/start.ipynb"
#: Where phones join the room (served by widgets.room).
ROOM_PATH = "room"
#: The token's environment variable (jupyter_server's IdentityProvider reads it): kept off
#: the command line, where every user of the computer could read it.
TOKEN_ENV = "JUPYTER_TOKEN"


class LaunchError(Exception):
    """A plain one-line reason the app cannot start as asked."""


def _url(ip: str, port: int, path: str) -> str:
    host = f"[{ip}]" if ":" in ip else ip
    return f"http://{host}:{port}/{path}"


def start_url(port: int = 8866, ip: str = "127.0.0.1", token: str | None = None) -> str:
    """The address of the start page (with the token, which the server then keeps in a
    cookie)."""
    return _url(ip, port, START_PAGE) + (f"?token={token}" if token else "")


def port_in_use(port: int, ip: str = "127.0.0.1") -> bool:
    """True when another program already listens on ``ip:port``.

    Checked before the server starts, because its own message for a busy port does not say
    what to do. Other bind errors (an address this computer does not have, a port it may not
    use) are left for the server to report.
    """
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name != "nt":
            # As tornado does, so a port left in TIME_WAIT by a stopped app counts as free
            # (a listening socket still refuses the bind on Linux and macOS).
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError as e:
            return e.errno == errno.EADDRINUSE
    return False


def busy_port_message(port: int, how: str = "cli") -> str:
    """The one line to print when ``port`` is busy, with the command to start elsewhere.

    ``how`` is the command the person used: "cli" (``hidden-insights app``) or "module"
    (``python -m widgets.app``); run by ``make`` (MAKELEVEL is set), the hint is ``make app``.
    """
    other = port + 1 if port < 65535 else 8867
    if "MAKELEVEL" in os.environ:
        command = f"make app PORT={other}"
    elif how == "module":
        command = f"python -m widgets.app --port {other}"
    else:
        command = f"hidden-insights app --port {other}"
    return (f"Port {port} is in use (is the app already running?). "
            f"Start it on another port: {command}")


def server_command(port: int = 8866, open_browser: bool = False, ip: str = "127.0.0.1",
                   root: str | os.PathLike | None = None, allow_hosts: Iterable[str] = (),
                   token: bool = False) -> list[str]:
    """The command line that serves the notebooks folder (or ``root``) with the kit's
    server; run it with :func:`server_env` added to the environment.

    Requests whose ``Host`` is not localhost, a loopback address, or one of
    :func:`~widgets.server.hosts.allowed_hosts` (``allow_hosts`` included) are refused
    (403), pages and websockets alike. With ``token`` False nothing asks for a token; with
    it True the token comes from :func:`server_env`.
    """
    command = [
        sys.executable, "-m", "widgets.server",
        f"--ServerApp.root_dir={root or notebooks_dir()}",
        f"--ServerApp.port={port}",
        f"--ServerApp.ip={ip}",
    ]
    command += [f"--KitServer.allowed_hosts={host}" for host in allowed_hosts(allow_hosts)]
    if not token:
        command.append("--IdentityProvider.token=")
    command.append("--ServerApp.open_browser=True" if open_browser else "--no-browser")
    return command


def server_env(token: str | None = None) -> dict[str, str]:
    """Environment additions for the server: our template on JUPYTER_PATH, the data folder
    pinned (kernels start in the notebooks folder, so a relative default would move it),
    and the token, if any."""
    paths = [str(templates_dir())]
    if os.environ.get("JUPYTER_PATH"):
        paths.append(os.environ["JUPYTER_PATH"])
    env = {
        "JUPYTER_PATH": os.pathsep.join(paths),
        DATA_ENV: str(data_dir().resolve()),
    }
    if token:
        env[TOKEN_ENV] = token
    return env


@dataclass
class Launch:
    """What to run and what to tell the person."""

    command: list[str]
    env: dict[str, str]
    lines: list[str] = field(default_factory=list)


def plan(port: int = 8866, ip: str | None = None, open_browser: bool = False,
         allow_hosts: Iterable[str] = (), room: bool = False, how: str = "cli") -> Launch:
    """The server's command and environment, and the lines to print before it starts.

    Raises LaunchError (a plain message) for a bad port or host name, or a busy port.
    """
    if not 0 < port < 65536:
        raise LaunchError(f"the port must be between 1 and 65535, not {port}")
    extra = list(allow_hosts)
    lines: list[str] = []
    if room and ip is None:
        ip = lan_address()
        if ip is None:
            ip = "0.0.0.0"
            lines.append(
                "This computer's network address was not found, so the app listens on all "
                "addresses. Phones join at http://<this computer's address>:"
                f"{port}/{ROOM_PATH}; give that address with --allow-host ADDRESS too.")
    ip = ip or "127.0.0.1"
    if ip not in ("0.0.0.0", "::") and not is_loopback(ip):
        extra.append(ip)  # the address it listens on is a name it serves
    try:
        hosts = allowed_hosts(extra)
    except ValueError as e:
        raise LaunchError(str(e)) from None
    if port_in_use(port, ip):
        raise LaunchError(busy_port_message(port, how))
    # A token whenever others can reach the server: code runs in its kernels.
    token = secrets.token_urlsafe(32) if room or not is_loopback(ip) else None
    command = server_command(port, open_browser, ip, allow_hosts=hosts, token=bool(token))
    env = server_env(token)
    if token:
        facilitator_ip = "127.0.0.1" if ip in ("0.0.0.0", "::") else ip
        if room and ip not in ("0.0.0.0", "::"):
            lines.append(f"Phones join the room at {_url(ip, port, ROOM_PATH)}")
        lines.append("Your pages (this link is their key: do not show it or share it):")
        lines.append(f"  {start_url(port, facilitator_ip, token)}  (Ctrl+C to stop)")
    else:
        lines.append(f"Hidden Insights: open {start_url(port, ip)}  (Ctrl+C to stop)")
    return Launch(command, env, lines)


def add_arguments(parser: argparse.ArgumentParser, *, browser_by_default: bool) -> None:
    """The app's options (``python -m widgets.app`` opens no browser unless asked with
    ``--browser``; ``hidden-insights app`` opens one unless told ``--no-browser``)."""
    parser.add_argument("--port", type=int, default=8866, help="the port (default 8866)")
    parser.add_argument("--ip", default=None,
                        help="address to listen on (default 127.0.0.1: this computer only; "
                             "in room mode, this computer's network address)")
    if browser_by_default:
        parser.add_argument("--no-browser", dest="browser", action="store_false",
                            help="do not open a browser window")
    else:
        parser.add_argument("--browser", action="store_true", help="open a browser window")
    parser.add_argument("--room", action="store_true",
                        help="room mode: phones on the local network join the room; your own "
                             "pages need the token printed at start")
    parser.add_argument("--allow-host", metavar="NAME", action="append", default=[],
                        help="also answer requests for this host name or address (the app "
                             f"answers only localhost otherwise; or set {ALLOW_HOSTS_ENV})")


def plan_from_args(args: argparse.Namespace, how: str) -> Launch:
    """:func:`plan` for the options of :func:`add_arguments`."""
    return plan(args.port, args.ip, args.browser, args.allow_host, args.room, how)


def main(argv: list[str] | None = None) -> int:
    """Run the server in the foreground until Ctrl+C; prints the start page's address."""
    parser = argparse.ArgumentParser(prog="python -m widgets.app",
                                     description=__doc__.split("\n", 1)[0])
    add_arguments(parser, browser_by_default=False)
    args = parser.parse_args(argv)
    try:
        allowed_hosts(args.allow_host)
    except ValueError as e:
        parser.error(str(e))
    try:
        launch = plan_from_args(args, "module")
    except LaunchError as e:
        print(e, file=sys.stderr, flush=True)
        return 2
    for line in launch.lines:
        print(line, flush=True)
    try:
        return subprocess.call(launch.command, env={**os.environ, **launch.env})
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
