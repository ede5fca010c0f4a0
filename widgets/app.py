"""Run the kit as an app: standalone Voila over the notebooks folder, with our template.

    python -m widgets.app            # or: hidden-insights app

Voila serves the folder at ``/`` (our template's folder page forwards to the start page) and
each notebook at ``/voila/render/<name>.ipynb``. It binds to 127.0.0.1 unless told otherwise.
Voila 0.5.13 does not shut a kernel down when its page closes: kernels with no page connected
are culled after 2 idle minutes (see ``CULL_SETTINGS``).

Voila itself accepts any ``Host`` header, so a page elsewhere whose name was made to point at
this computer (DNS rebinding) could drive the app. The app answers only the names it serves:
localhost and the loopback addresses, plus those given with ``--allow-host`` or in
``HIDDEN_INSIGHTS_ALLOW_HOSTS`` (for a room on the local network: its address or name).
"""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterable

from widgets.paths import DATA_ENV, data_dir, notebooks_dir, templates_dir

TEMPLATE = "hidden-insights"
START_PAGE = "voila/render/start.ipynb"

#: Kernel culling: Voila 0.5 does not shut a kernel down when its page closes, and every
#: page load or refresh starts a new kernel (100-250 MB each), so kernels with no page
#: connected are shut down after 2 idle minutes (a Binder session has little memory).
#: Connected kernels are kept: a facilitator may talk for half an hour without a click, and
#: a culled kernel would leave a dead page on the projector.
CULL_SETTINGS = {
    "MappingKernelManager.cull_interval": "30",
    "MappingKernelManager.cull_idle_timeout": "120",
    "MappingKernelManager.cull_connected": "False",
    "MappingKernelManager.cull_busy": "False",
}


#: Largest websocket message (an uploaded file plus a little): 100 MiB.
WEBSOCKET_MAX_BYTES = 100 * 1024 * 1024

#: More ``Host`` names or addresses to answer (comma-separated), beside localhost.
ALLOW_HOSTS_ENV = "HIDDEN_INSIGHTS_ALLOW_HOSTS"
#: Names always answered (loopback addresses, 127.0.0.1 and ::1, are answered too).
LOCAL_HOSTNAMES = ("localhost",)
_HOST_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def host_name(value: str) -> str:
    """A host name or address as the ``Host`` check compares it: lower case, without a
    port or IPv6 brackets. Raises ValueError for anything else."""
    text = str(value).strip().lower()
    bracketed = re.fullmatch(r"\[([0-9a-f:.]+)\](:\d+)?", text)
    if bracketed:
        text = bracketed.group(1)
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]  # name:port
    text = text.rstrip(".")  # "kit.example." is the same name
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not _HOST_NAME.match(text) or len(text) > 253:
        raise ValueError(f"{value!r} is not a host name or address")
    return text


def allowed_hosts(extra: Iterable[str] = ()) -> list[str]:
    """The names and addresses the app answers besides the loopback addresses: localhost,
    then ``HIDDEN_INSIGHTS_ALLOW_HOSTS``, then ``extra``."""
    given = [h for h in re.split(r"[,\s]+", os.environ.get(ALLOW_HOSTS_ENV, "")) if h]
    return list(dict.fromkeys(host_name(h) for h in [*LOCAL_HOSTNAMES, *given, *extra]))


def _needs_address_check(hosts: Iterable[str]) -> bool:
    """True when a host is an address other than a loopback one: jupyter_server's check lets
    through only loopback addresses and names, so widgets.voila_server adds that."""
    for host in hosts:
        try:
            if not ipaddress.ip_address(host).is_loopback:
                return True
        except ValueError:
            continue
    return False


def start_url(port: int = 8866, ip: str = "127.0.0.1") -> str:
    """The address of the start page under standalone Voila."""
    host = f"[{ip}]" if ":" in ip else ip
    return f"http://{host}:{port}/{START_PAGE}"


def port_in_use(port: int, ip: str = "127.0.0.1") -> bool:
    """True when another program already listens on ``ip:port``.

    Checked before Voila starts, because Voila's own message for a busy port ("no available
    port could be found") does not say what to do. Other bind errors (an address this computer
    does not have, a port it may not use) are left for Voila to report.
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


def voila_command(port: int = 8866, open_browser: bool = False, ip: str = "127.0.0.1",
                  root: str | os.PathLike | None = None, preheat: bool = False,
                  allow_hosts: Iterable[str] = ()) -> list[str]:
    """The command line that serves the notebooks folder (or ``root``) with Voila; run it
    with :func:`voila_env` added to the environment.

    Requests whose ``Host`` is not localhost, a loopback address, or one of
    :func:`allowed_hosts` (``allow_hosts`` included) are refused (403), pages and websockets
    alike.

    ``preheat`` keeps one kernel per notebook started and imported ahead of the next visit
    (pages then appear about 1.5 s sooner). Our pages read ``?inquiry=`` through
    ``voila.utils.get_query_string``, which waits for the request, so this is safe; it costs
    one idle kernel per notebook (70–250 MB each), hence off by default.
    """
    hosts = allowed_hosts(allow_hosts)
    tornado_settings = {
        # Uploads travel over the page's websocket; tornado's default limit (10 MiB) would
        # drop the connection on a large inquiry file instead of letting us say it is too big.
        "websocket_max_message_size": WEBSOCKET_MAX_BYTES,
        # jupyter_server's Host check, which standalone Voila turns off.
        "allow_remote_access": False,
        "local_hostnames": hosts,
    }
    server = "widgets.voila_server" if _needs_address_check(hosts) else "voila"
    command = [
        sys.executable, "-m", server, str(root or notebooks_dir()),
        f"--template={TEMPLATE}",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--Voila.port_retries=0",  # a clear failure beats a silently different port
        # No traceback ever reaches a page (our pages catch errors; this is the backstop).
        "--VoilaConfiguration.show_tracebacks=False",
        f"--Voila.tornado_settings={tornado_settings!r}",
    ]
    command += [f"--{key}={value}" for key, value in CULL_SETTINGS.items()]
    if preheat:
        command += ["--preheat_kernel=True", "--pool_size=1"]
    command.append("--Voila.open_browser=True" if open_browser else "--no-browser")
    return command


def voila_env() -> dict[str, str]:
    """Environment additions for Voila: our template on JUPYTER_PATH, the data folder pinned
    (kernels start in the notebooks folder, so a relative default would move it)."""
    paths = [str(templates_dir())]
    if os.environ.get("JUPYTER_PATH"):
        paths.append(os.environ["JUPYTER_PATH"])
    return {
        "JUPYTER_PATH": os.pathsep.join(paths),
        DATA_ENV: str(data_dir().resolve()),
    }


def main(argv: list[str] | None = None) -> int:
    """Run Voila in the foreground until Ctrl+C; prints the start page's address."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m widgets.app", description=__doc__.split(
        "\n", 1)[0])
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--ip", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--browser", action="store_true", help="open a browser window")
    parser.add_argument("--preheat", action="store_true",
                        help="keep one kernel per page ready (faster pages, more memory)")
    parser.add_argument("--allow-host", metavar="NAME", action="append", default=[],
                        help="also answer requests for this host name or address (the app "
                             f"answers only localhost otherwise; or set {ALLOW_HOSTS_ENV})")
    args = parser.parse_args(argv)
    try:
        hosts = allowed_hosts(args.allow_host)
    except ValueError as e:
        parser.error(str(e))
    if port_in_use(args.port, args.ip):
        print(busy_port_message(args.port, "module"), file=sys.stderr, flush=True)
        return 2
    env = {**os.environ, **voila_env()}
    print(f"Hidden Insights: open {start_url(args.port, args.ip)}  (Ctrl+C to stop)",
          flush=True)
    try:
        return subprocess.call(voila_command(args.port, args.browser, args.ip,
                                             preheat=args.preheat, allow_hosts=hosts), env=env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
