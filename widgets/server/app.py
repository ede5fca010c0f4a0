"""``KitServer``: the Jupyter server the app runs, with Voila as one of its extensions.

Compared with a plain ``jupyter server``:

* only the extensions the kit uses are loaded: Voila, ``widgets.server`` and (when it is
  installed) ``widgets.room``; JupyterLab, the notebook UI, terminals and the rest that may
  be installed in the same environment are not (so ``/lab`` and ``/tree`` are not served).
  Jupyter's config files are not read either (``hidden_insights_server_config`` instead of
  ``jupyter_server_config``): the app behaves the same whatever a researcher has configured;
* the start page is the default address (``/`` forwards to it), Voila uses our template and
  shows no tracebacks, idle kernels of closed pages are culled (:data:`KIT_CONFIG`),
  websocket messages may be as large as an uploaded inquiry file, and no page asks a CDN
  for MathJax;
* the ``Host`` gate (:mod:`widgets.server.hosts`) answers only the names in
  ``KitServer.allowed_hosts`` and the loopback addresses;
* it refuses to listen on anything but a loopback address without a token.
"""

from __future__ import annotations

import importlib.util
import warnings

from jupyter_server.serverapp import ServerApp
from tornado.web import RequestHandler
from traitlets import List, Unicode, default
from traitlets.config import Config

from widgets.server.hosts import LOCAL_HOSTNAMES, install_host_gate, is_loopback

TEMPLATE = "hidden-insights"
START_PAGE = "voila/render/start.ipynb"

#: Largest websocket message (an uploaded file plus a little): 100 MiB. Uploads travel over
#: the page's websocket; tornado's default (10 MiB) would drop the connection on a large
#: inquiry file instead of letting the page say it is too big.
WEBSOCKET_MAX_BYTES = 100 * 1024 * 1024

#: Kernel culling, the backstop behind the template's shutdown on page close (a browser that
#: crashes or loses the network sends none): kernels with no page connected are shut down
#: after 2 idle minutes (every page load starts a kernel of 100-250 MB; a Binder session has
#: little memory). Connected kernels are kept: a facilitator may talk for half an hour
#: without a click, and a culled kernel would leave a dead page on the projector.
CULL_SETTINGS = {
    "cull_interval": 30,
    "cull_idle_timeout": 120,
    "cull_connected": False,
    "cull_busy": False,
}

#: Settings of the other parts (command-line options and config files still win).
KIT_CONFIG = {
    # No traceback ever reaches a page (our pages catch errors; this is the backstop).
    "VoilaConfiguration": {"template": TEMPLATE, "show_tracebacks": False},
    "MappingKernelManager": dict(CULL_SETTINGS),
}

#: The room's module, another extension of this server; a kit without it still runs.
ROOM_EXTENSION = "widgets.room"


def kit_extensions() -> dict[str, bool]:
    """The server extensions the app loads (``ServerApp.jpserver_extensions``)."""
    extensions = {"voila.server_extension": True, "widgets.server": True}
    if importlib.util.find_spec(ROOM_EXTENSION) is not None:
        extensions[ROOM_EXTENSION] = True
    return extensions


class KitServer(ServerApp):
    """The kit's Jupyter server (see the module's docstring)."""

    name = "hidden-insights-server"
    description = "The Hidden Insights app: Voila and the room on a Jupyter server."

    allowed_hosts = List(
        Unicode(), default_value=list(LOCAL_HOSTNAMES), config=True,
        help="Host names or addresses answered besides the loopback addresses; requests "
             "for any other Host are refused (403).")

    @default("config_file_name")
    def _default_config_file_name(self):
        return "hidden_insights_server_config"

    @default("jpserver_extensions")
    def _default_jpserver_extensions(self):
        return kit_extensions()

    @default("default_url")
    def _default_url(self):
        return "/" + START_PAGE

    @default("ip")
    def _default_ip(self):
        return "127.0.0.1"

    @default("port")
    def _port_default(self):
        return 8866

    @default("port_retries")
    def _port_retries_default(self):
        return 0  # a clear failure beats a silently different port

    @default("allow_root")
    def _default_allow_root(self):
        return True  # as standalone Voila: a container or a Raspberry Pi may run as root

    @default("allow_remote_access")
    def _default_allow_remote(self):
        return True  # jupyter_server's own Host check is replaced by the gate

    @default("allow_unauthenticated_access")
    def _allow_unauthenticated_access_default(self):
        return False  # with a token, only methods marked open are open

    @default("tornado_settings")
    def _default_tornado_settings(self):
        # No MathJax from a CDN (jupyter_server's default): None makes Voila use none.
        return {"websocket_max_message_size": WEBSOCKET_MAX_BYTES,
                "mathjax_url": None, "mathjax_config": None}

    def initialize(self, argv=None, find_extensions=False, **kwargs):
        """As ServerApp's, with the kit's settings first and without the extensions that
        Jupyter's config folders enable."""
        self.update_config(Config(KIT_CONFIG))
        # Voila's static handlers are not JupyterHandlers, and the others are meant to
        # need the token: jupyter_server's warning about them says nothing to act on.
        from jupyter_server.utils import JupyterServerAuthWarning

        warnings.filterwarnings("ignore", category=JupyterServerAuthWarning)
        super().initialize(argv, find_extensions=False, **kwargs)
        if ROOM_EXTENSION not in self.jpserver_extensions:
            self.log.info("The room (%s) is not in this version of the kit; the "
                          "facilitator's pages work without it.", ROOM_EXTENSION)
        if not self.identity_provider.token and not is_loopback(self.ip or "0.0.0.0"):
            self.log.critical("Refusing to listen on %s without a token: anyone on the "
                              "network could run code. Use hidden-insights app --room.",
                              self.ip or "every address")
            self.exit(1)

    def init_webapp(self):
        super().init_webapp()
        # Before jupyter_server's own "/" (it forwards to ".../start.ipynb?", with a stray
        # "?"): extension routes are matched before the server's.
        self.web_app.add_handlers(".*$", [(self.web_app.settings["base_url"], ToTheStartPage)])
        install_host_gate(self.web_app, self.allowed_hosts)


class ToTheStartPage(RequestHandler):
    """``/`` forwards to the start page, with the query if there is one."""

    def get(self):
        query = self.request.query
        self.redirect(self.settings["default_url"] + (f"?{query}" if query else ""))


main = KitServer.launch_instance
