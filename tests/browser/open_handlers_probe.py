"""A server extension for tests/browser/test_app_server.py: one handler of each kind that
widgets.server's docstring says is open without the token, and one that is not."""

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from tornado import web


class Plain(web.RequestHandler):
    """Subclasses tornado's RequestHandler directly: jupyter_server never authenticates it."""

    def get(self):
        self.write({"kind": "plain", "xsrf": self.xsrf_token.decode()})

    def post(self):
        self.write({"kind": "plain", "posted": True})


class Marked(JupyterHandler):
    """A JupyterHandler whose methods are marked open."""

    @allow_unauthenticated
    def get(self):
        self.write({"kind": "marked", "user": self.current_user is not None,
                    "xsrf": self.xsrf_token.decode()})

    @allow_unauthenticated
    def post(self):
        self.write({"kind": "marked", "posted": True})


class Unmarked(JupyterHandler):
    """A JupyterHandler with no mark: it needs the token."""

    def get(self):
        self.write({"kind": "unmarked"})


def _jupyter_server_extension_points():
    return [{"module": "open_handlers_probe"}]


def _load_jupyter_server_extension(server_app):
    base = server_app.web_app.settings["base_url"]
    server_app.web_app.add_handlers(".*$", [
        (base + "probe/plain", Plain), (base + "probe/marked", Marked),
        (base + "probe/unmarked", Unmarked)])
