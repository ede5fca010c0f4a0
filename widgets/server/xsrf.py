"""The ``_xsrf`` cookie for Voila's pages.

Voila sends its kernel shutdown on page close as a POST carrying the ``_xsrf`` cookie's value,
but its pages never set that cookie, so jupyter_server refuses the POST (403 "'_xsrf'
argument missing from POST", voila-dashboards/voila#1458) and the kernel lives on until
culled. Our template asks this handler once per page; tornado sets the cookie the moment
``self.xsrf_token`` is read.
"""

from __future__ import annotations

from jupyter_server.base.handlers import JupyterHandler
from tornado import web


class XsrfCookieHandler(JupyterHandler):
    """``GET``: 204, with the ``_xsrf`` cookie set when the browser has none yet."""

    @web.authenticated
    def get(self) -> None:
        self.xsrf_token  # noqa: B018 - reading it sets the cookie
        self.set_header("Cache-Control", "no-store")
        self.set_status(204)
        self.finish()
