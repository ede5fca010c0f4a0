"""The kit's Jupyter server: Voila and the kit's own handlers as server extensions.

* :mod:`widgets.server.app` -- ``KitServer``, the ``jupyter server`` that ``make app`` and
  ``hidden-insights app`` run (``python -m widgets.server``): Voila with our template over the
  notebooks folder, the start page as its default address, kernel culling, only the
  extensions the kit uses, and the ``Host`` gate.
* :mod:`widgets.server.hosts` -- the names the app answers and the gate for the others.
* :mod:`widgets.server.network` -- this computer's local network address (room mode).
* this module -- the ``widgets.server`` server extension, loaded by ``KitServer`` and, through
  ``binder/jupyter-config``, on Binder and JupyterHub: ``GET <base>hidden-insights/xsrf``
  gives the page its ``_xsrf`` cookie, so Voila's own kernel shutdown on page close (a POST
  that carries that cookie's value) is accepted (``templates/voila/.../index.html.j2``).

Which requests need the token
-----------------------------
With a token (room mode), jupyter_server 2.x authenticates in ``JupyterHandler.prepare``:
every ``JupyterHandler`` (``APIHandler``, Voila's pages, kernels, websockets) needs the token
or the login cookie it sets, and since ``KitServer`` sets ``allow_unauthenticated_access``
False, so does every ``JupyterHandler`` method that is not marked. A handler of an extension
is **open** (no token) in either of two ways, both checked in tests/browser/test_app_server.py:

1. it subclasses ``tornado.web.RequestHandler`` (or ``WebSocketHandler``) directly, not
   ``JupyterHandler``: jupyter_server never looks at it. Tornado's ``xsrf_cookies`` setting
   (True under jupyter_server) still applies: a POST, PUT or DELETE needs the ``_xsrf``
   cookie and the same value in an ``_xsrf`` form field or an ``X-XSRFToken`` header (the
   handler's GET page makes the cookie by using ``self.xsrf_token`` or
   ``self.xsrf_form_html()``); or
2. it subclasses ``JupyterHandler`` and each open method is decorated with
   ``jupyter_server.auth.decorator.allow_unauthenticated``: ``self.current_user`` is None
   for a visitor without the token; jupyter_server's XSRF check (Origin, then the same
   cookie and field or header) applies to POST, PUT and DELETE unless the request carries
   the token, and its ``Content-Security-Policy`` header is added.

Under ``KitServer`` the ``Host`` gate comes before both kinds.
"""

from __future__ import annotations

XSRF_PATH = "hidden-insights/xsrf"


def _jupyter_server_extension_points():
    return [{"module": "widgets.server"}]


def _load_jupyter_server_extension(server_app) -> None:
    """Add the kit's own handler to the server (Voila is its own extension)."""
    from jupyter_server.utils import url_path_join

    from widgets.server.xsrf import XsrfCookieHandler

    web_app = server_app.web_app
    web_app.add_handlers(".*$", [
        (url_path_join(web_app.settings["base_url"], XSRF_PATH), XsrfCookieHandler),
    ])
