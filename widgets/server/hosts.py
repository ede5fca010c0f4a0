"""Which ``Host`` names the app answers, and the gate that refuses every other one.

A web page elsewhere whose name was made to point at this computer (DNS rebinding) sends its
own name as the ``Host``; the app answers only the names it serves: the loopback addresses,
localhost, and those given with ``--allow-host`` or in ``HIDDEN_INSIGHTS_ALLOW_HOSTS`` (in
room mode the machine's network address is added). jupyter_server's own check
(``allow_remote_access`` False) covers only its own handlers and never accepts an address
other than a loopback one, so :func:`install_host_gate` puts one rule in front of every route
of the tornado application instead: pages, the Jupyter API, websockets, static files and
the handlers of every extension alike.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable

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
    then ``HIDDEN_INSIGHTS_ALLOW_HOSTS``, then ``extra``. Raises ValueError for a bad one."""
    given = [h for h in re.split(r"[,\s]+", os.environ.get(ALLOW_HOSTS_ENV, "")) if h]
    return list(dict.fromkeys(host_name(h) for h in [*LOCAL_HOSTNAMES, *given, *extra]))


def is_loopback(address: str) -> bool:
    """True for a loopback address (127.0.0.0/8, ::1) or the name localhost."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def host_allowed(header: str | None, hosts: Iterable[str]) -> bool:
    """True when a request's ``Host`` header names a loopback address or one of ``hosts``."""
    try:
        host = host_name(header or "")
    except ValueError:
        return False
    return is_loopback(host) or host in set(hosts)


def install_host_gate(web_app, hosts: Iterable[str]) -> None:
    """Refuse (403) every request to ``web_app`` whose ``Host`` is not allowed, whatever
    route it is for: the rule goes first in the application's router."""
    from tornado.routing import Matcher, Rule
    from tornado.web import HTTPError, RequestHandler

    names = frozenset(host_name(h) for h in hosts)

    class ForeignHost(Matcher):
        def match(self, request):
            return None if host_allowed(request.host, names) else {}

    class RefuseForeignHost(RequestHandler):
        """The answer to a request for a name this app does not serve."""

        def prepare(self):
            raise HTTPError(403, "Blocking request with non-local Host %r", self.request.host)

        def check_xsrf_cookie(self):  # refused anyway, and with the same plain 403
            return None

    web_app.default_router.rules.insert(0, Rule(ForeignHost(), RefuseForeignHost))
