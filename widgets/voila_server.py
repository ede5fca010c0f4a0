"""Standalone Voila whose ``Host`` check also accepts the addresses it was told to serve.

``python -m widgets.voila_server ARGS`` is ``python -m voila ARGS`` with one difference.
jupyter_server's check (``allow_remote_access`` False, which :func:`widgets.app.voila_command`
sets) lets a request through when its ``Host`` is a loopback address or one of the names in
``local_hostnames``, but never another address: a room served on the local network's
address (``--allow-host 192.168.1.20``) would be refused. Here a ``Host`` listed in
``local_hostnames`` passes whether it is a name or an address; every other rule stays.
``widgets.app`` runs this only when such an address is allowed.
"""

from __future__ import annotations

import sys


def allow_listed_addresses() -> None:
    """Let jupyter_server's Host check accept the addresses in ``local_hostnames`` too."""
    from jupyter_server.base.handlers import JupyterHandler

    from widgets.app import host_name

    if getattr(JupyterHandler.check_host, "_hidden_insights", False):
        return
    original = JupyterHandler.check_host

    def check_host(self) -> bool:
        if not self.settings.get("allow_remote_access", False):
            try:
                host = host_name(self.request.host)
            except ValueError:
                host = None
            if host is not None and host in self.settings.get("local_hostnames", ()):
                return True
        return original(self)

    check_host._hidden_insights = True  # type: ignore[attr-defined]
    JupyterHandler.check_host = check_host  # type: ignore[method-assign]


def main() -> None:
    """Run Voila with the wider Host check."""
    allow_listed_addresses()
    from voila.app import main as voila_main

    sys.argv[0] = "voila"
    voila_main()


if __name__ == "__main__":
    main()
